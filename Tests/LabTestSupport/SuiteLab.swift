import Foundation
import Lab

/// A `loopsentry lab` of one test suite: its namespaces are named under a prefix made of the
/// suite's tag and this process's pid (`ls` + tag + pid), so suites of one `swift test` run side
/// by side, and beside runs in other checkouts and a user's default `lsl-` lab.
/// Every lab command gets `--prefix`; `up` first removes a leftover of the same name, `down`
/// removes everything the lab made (suites call it in deinit).
public struct SuiteLab: Sendable {
    public let names: LabNamespaces
    /// The `loopsentry` binary under test.
    public let binary: String

    /// `tag`: 1-3 letters a-z naming the suite, different for every suite.
    public init(tag: String, binary: String) {
        names = try! LabNamespaces(prefix: "ls\(tag)\(getpid() % 100_000)")
        self.binary = binary
    }

    public var prefix: String { names.prefix }

    /// The tenant's remediation target as configuration files write it: switch 1's trunk port,
    /// in its namespace.
    public var switch1Target: String { "host: \(names.switch1), port: trunk, netns: \(names.switch1)" }

    /// Runs `loopsentry lab ARGS --prefix P` and returns what it printed; throws when it fails.
    @discardableResult
    public func run(_ args: [String]) throws -> String {
        let r = try LabRunner.execute(LabStep([binary, "lab"] + args + ["--prefix", prefix]))
        guard r.status == 0 else { throw SuiteLabError(description: "loopsentry lab \(args.joined(separator: " ")) --prefix \(prefix): \(r.output)") }
        return r.output
    }

    /// Builds the lab (VLANs 10, 20, 30 by default, no tenant traffic unless `trafficRate`; with
    /// `ovs`, switch 1 is a private Open vSwitch; `secondSensor` adds trunk1 on switch 2).
    public func up(vlans: String = "10,20,30", trafficRate: Int = 0, secondSensor: Bool = false, ovs: Bool = false) throws {
        down()
        try run(["up", "--vlans", vlans, "--traffic-rate", String(trafficRate)] + (secondSensor ? ["--second-sensor"] : [])
                + (ovs ? ["--ovs"] : []))
    }

    /// Builds the VXLAN lab (`lab up --vxlan`, VNIs 5000 and 5001, no tenant traffic).
    public func upVXLAN() throws {
        down()
        try run(["up", "--vxlan", "--vnis", "5000,5001", "--traffic-rate", "0"])
    }

    /// The lab's Open vSwitch database (`lab up --ovs`).
    public var ovsDatabase: String { LabPlan.ovsDatabase(names) }

    public func down() { _ = try? run(["down"]) }

    /// `loopsentry lab send ...` from host A (on switch 2), one broadcast per VLAN unless told.
    public func sendFromHostA(_ extra: [String]) throws {
        let r = try LabRunner.execute(LabStep([binary, "lab", "send", "--netns", names.hostA,
                                               "--interface", LabPlan.hostInterface] + extra))
        guard r.status == 0 else { throw SuiteLabError(description: "lab send \(extra.joined(separator: " ")): \(r.output)") }
    }
}

public struct SuiteLabError: Error, CustomStringConvertible {
    public let description: String
}
