import Foundation
import LoopSentrySystem

/// Runs lab plans: each step as a child process, stopping at the first unexpected failure
/// with an error that names the command and what it printed.
public struct LabRunner {
    public var verbose: Bool

    public init(verbose: Bool = false) { self.verbose = verbose }

    public func run(_ steps: [LabStep]) throws {
        for step in steps {
            let result = try Self.execute(step)
            if result.status != 0 && !step.ignoreFailure {
                let why = result.output.split(separator: "\n").first.map(String.init) ?? "exit status \(result.status)"
                throw LabError.stepFailed(step.description, why)
            }
        }
    }

    /// Runs one step (the program searched in PATH), returning its exit status (-1 when a
    /// signal ended it) and combined output.
    public static func execute(_ step: LabStep) throws -> (status: Int32, output: String) {
        do {
            let run = try ChildProcess.run(step.args, input: step.input)
            return (run.exit.status ?? -1, run.text)
        } catch {
            throw LabError.stepFailed(step.description, "\(error)")
        }
    }
}

extension LabRunner {
    /// Waits until every port of the bridges in `namespaces` forwards. A veth's carrier reaches
    /// its bridge through the kernel's link watch, up to a second after `ip link set up`; until
    /// then the port is `disabled` and drops every frame.
    public func waitUntilForwarding(in namespaces: [String], timeout: Duration = .seconds(5)) throws {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        while true {
            let waiting = try namespaces.filter { ns in
                let ports = try Self.execute(LabStep(["bridge", "-n", ns, "link", "show"]))
                return ports.status != 0 || ports.output.split(separator: "\n").contains {
                    $0.contains(" master ") && !$0.contains("state forwarding")
                }
            }
            if waiting.isEmpty { return }
            guard clock.now < deadline else {
                throw LabError.stepFailed("bridge ports in \(waiting.joined(separator: ", "))", "not forwarding after \(timeout)")
            }
            usleep(50_000)
        }
    }
}

public enum LabError: Error, CustomStringConvertible, Equatable {
    case stepFailed(String, String)
    case notUp
    case alreadyUp
    case unknownVLAN(Int, [Int])
    case loopAlreadyOpen(Int)
    case loopNotOpen(Int)
    case badPrefix(String, source: String)
    case unknownVNI(Int, [Int])
    case vniLoopAlreadyOpen(Int)
    case vniLoopNotOpen(Int)

    public var description: String {
        switch self {
        case let .stepFailed(step, why): "lab step failed: \(step): \(why)"
        case .notUp: "the lab is not up (run: loopsentry lab up)"
        case .alreadyUp: "the lab is already up (run: loopsentry lab down first)"
        case let .unknownVLAN(v, vlans): "VLAN \(v) is not on the lab trunk (lab VLANs: \(vlans.map(String.init).joined(separator: ",")))"
        case let .loopAlreadyOpen(v): "a loop on VLAN \(v) is already open"
        case let .loopNotOpen(v): "no loop is open on VLAN \(v)"
        case let .unknownVNI(v, []): "VNI \(v): the lab is not a VXLAN lab (run: loopsentry lab up --vxlan)"
        case let .unknownVNI(v, vnis): "VNI \(v) is not in the lab (lab VNIs: \(vnis.map(String.init).joined(separator: ",")))"
        case let .vniLoopAlreadyOpen(v): "a loop in VNI \(v) is already open"
        case let .vniLoopNotOpen(v): "no loop is open in VNI \(v)"
        case let .badPrefix(p, source):
            "\(source) '\(p)': a lab prefix is 1-\(LabNamespaces.maxPrefixLength) characters of a-z and 0-9"
        }
    }
}
