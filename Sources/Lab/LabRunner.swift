import Foundation

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

    /// Runs one step, returning its exit status and combined output.
    public static func execute(_ step: LabStep) throws -> (status: Int32, output: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = step.args
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        let input = Pipe()
        p.standardInput = step.input == nil ? FileHandle.nullDevice : input
        do { try p.run() } catch { throw LabError.stepFailed(step.description, "\(error)") }
        if let text = step.input {
            input.fileHandleForWriting.write(Data(text.utf8))
            try? input.fileHandleForWriting.close()
        }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
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

    public var description: String {
        switch self {
        case let .stepFailed(step, why): "lab step failed: \(step): \(why)"
        case .notUp: "the lab is not up (run: loopsentry lab up)"
        case .alreadyUp: "the lab is already up (run: loopsentry lab down first)"
        case let .unknownVLAN(v, vlans): "VLAN \(v) is not on the lab trunk (lab VLANs: \(vlans.map(String.init).joined(separator: ",")))"
        case let .loopAlreadyOpen(v): "a loop on VLAN \(v) is already open"
        case let .loopNotOpen(v): "no loop is open on VLAN \(v)"
        case let .badPrefix(p, source):
            "\(source) '\(p)': a lab prefix is 1-\(LabNamespaces.maxPrefixLength) characters of a-z and 0-9"
        }
    }
}
