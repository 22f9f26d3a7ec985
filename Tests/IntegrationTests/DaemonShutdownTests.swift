import Foundation
import Testing

/// SIGTERM: the daemon detaches its tc filter, removes its control socket, leaves no child
/// process, and exits 0.
@Suite(.serialized, .enabled(if: runningAsRoot, rootReason))
final class DaemonShutdownTests {
    @Test("after SIGTERM no BPF filter, control socket or child process is left")
    func sigtermLeavesNothing() throws {
        let lab = try VethLab()
        defer { lab.destroy() }
        let d = try VethDaemon(lab: lab, playbooks: ["noop.yml": "- hosts: all\n  gather_facts: false\n  tasks: []\n"],
                               target: "playbook: noop.yml, host: localhost, port: \(lab.trunk)")
        try d.start()
        #expect(try lab.ingressFilters().contains("ls_tc_ingress"))
        #expect(FileManager.default.fileExists(atPath: d.socket))
        let pid = try #require(d.daemon?.process.processIdentifier)
        #expect(d.stop() == 0)
        #expect(try !lab.ingressFilters().contains("ls_tc_ingress"), "filter left after SIGTERM")
        #expect(!FileManager.default.fileExists(atPath: d.socket))
        let children = try Shell.run(["pgrep", "-P", String(pid)]).stdout
        #expect(children.isEmpty, "children left: \(children)")
        #expect(d.daemon?.stdoutLines.last?.contains("\"event\":\"stopped\"") == true)
    }
}
