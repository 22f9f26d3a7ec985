import Foundation
import Lab
import LoopSentrySystem
import Testing

/// The private Open vSwitch helper against the real daemons: it starts them in its own folder,
/// OVS forwards by the `trunks` it was given, and stopping leaves no process and no folder.
@Suite(.serialized, .enabled(if: geteuid() == 0 && PrivateOVS.unavailableReason == nil,
                             "needs root (network namespace) and openvswitch-switch: \(PrivateOVS.unavailableReason ?? "not root")"))
struct PrivateOVSTests {
    /// The pids of processes whose command line mentions `directory`.
    func processes(using directory: String) -> [String] {
        let run = try? ChildProcess.run(["pgrep", "-f", directory])
        return (run?.text ?? "").split(separator: "\n").map(String.init)
    }

    func must(_ argv: [String]) throws {
        let r = try ChildProcess.run(argv)
        guard r.exit.status == 0 else { throw LabError.stepFailed(argv.joined(separator: " "), r.text) }
    }

    @Test("start: both daemons run from the private folder, a netdev bridge takes a port with its trunks; stop: no process, no folder")
    func startAndStop() throws {
        let ns = "lsovs\(getpid() % 100_000)"
        try must(["ip", "netns", "add", ns])
        defer { _ = try? ChildProcess.run(["ip", "netns", "del", ns]) }
        try must(["ip", "-n", ns, "link", "add", "p1", "type", "veth", "peer", "name", "q1"])
        let ovs = PrivateOVS(tag: "t", netns: ns)
        try ovs.start()
        #expect(FileManager.default.fileExists(atPath: ovs.socket))
        #expect(processes(using: ovs.directory).count == 2, "ovsdb-server and ovs-vswitchd")
        try ovs.addBridge("br0")
        try ovs.addPort("p1", to: "br0", trunks: [10, 20, 30])
        #expect(try ovs.vsctl(["get", "Port", "p1", "trunks"]) == "[10, 20, 30]\n")
        #expect(try ovs.vsctl(["get", "Bridge", "br0", "datapath_type"]) == "netdev\n")
        // The port exists in the datapath of the vswitchd inside the namespace (ofport assigned).
        #expect(try Int(ovs.vsctl(["get", "Interface", "p1", "ofport"]).trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1 > 0)
        ovs.stop()
        #expect(processes(using: ovs.directory).isEmpty)
        #expect(!FileManager.default.fileExists(atPath: ovs.directory))
    }

    @Test("stop(directory:) from another owner: the daemons leave by their control sockets and the folder goes")
    func stopByDirectory() throws {
        let ovs = PrivateOVS(tag: "d")
        try ovs.start()
        #expect(processes(using: ovs.directory).count == 2)
        PrivateOVS.stop(directory: ovs.directory)
        #expect(processes(using: ovs.directory).isEmpty)
        #expect(!FileManager.default.fileExists(atPath: ovs.directory))
    }
}
