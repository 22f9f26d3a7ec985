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
        let children = try pgrep(["-P", String(pid)])
        #expect(children.isEmpty, "children left: \(children)")
        #expect(d.daemon?.stdoutLines.last?.contains("\"event\":\"stopped\"") == true)
    }
}

/// The optional Prometheus endpoint of the running daemon.
@Suite(.serialized, .enabled(if: runningAsRoot, rootReason))
final class DaemonMetricsTests {
    @Test("metrics.listen serves per-VLAN rates, counters and incident states at /metrics")
    func metrics() throws {
        let lab = try VethLab()
        defer { lab.destroy() }
        let port = try closedLocalPort()
        let d = try VethDaemon(lab: lab, playbooks: ["noop.yml": "- hosts: all\n  gather_facts: false\n  tasks: []\n"],
                               target: "playbook: noop.yml, host: localhost, port: \(lab.trunk)",
                               extra: "sensor: { name: edge-3 }\nmetrics: { listen: \"127.0.0.1:\(port)\" }")
        try d.start()
        defer { _ = d.stop() }
        try lab.send(["--vlan", "20", "--count", "50"])
        var body = ""
        let ok = eventually(timeout: 10) {
            body = (try? Shell.run(["python3", "-c",
                "import urllib.request,sys; sys.stdout.write(urllib.request.urlopen('http://127.0.0.1:\(port)/metrics', timeout=2).read().decode())"]).stdout) ?? ""
            return body.contains("loopsentry_vlan_frames_total{interface=\"\(lab.trunk)\",vlan=\"20\"")
        }
        #expect(ok, "metrics: \(body.prefix(2000))")
        let line = body.split(separator: "\n").first { $0.hasPrefix("loopsentry_vlan_frames_total{interface=\"\(lab.trunk)\",vlan=\"20\"") }
        #expect(line?.hasSuffix(" 50") == true, "\(line ?? "none")")
        #expect(body.contains("# TYPE loopsentry_vlan_broadcast_pps gauge"))
        #expect(body.contains("loopsentry_vlan_incident_state{interface=\"\(lab.trunk)\",vlan=\"20\",tenant=\"org-b\",sensor=\"edge-3\",policy=\"auto\",state=\"normal\"} 1"))
    }
}
