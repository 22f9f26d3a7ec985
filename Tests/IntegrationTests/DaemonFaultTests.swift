import Foundation
import Testing

/// Faults the daemon survives on a private veth pair.
@Suite(.serialized, .enabled(if: runningAsRoot, rootReason))
final class DaemonFaultTests {
    @Test("the watched interface removed and added back: reported, re-attached, counting goes on")
    func interfaceRemovedAndAddedBack() throws {
        let lab = try VethLab()
        defer { lab.destroy() }
        let d = try VethDaemon(lab: lab, playbooks: ["noop.yml": "- hosts: all\n  gather_facts: false\n  tasks: []\n"],
                               target: "playbook: noop.yml, host: localhost, port: \(lab.trunk)")
        try d.start()
        defer { _ = d.stop() }
        try lab.send(["--vlan", "20", "--count", "100"])
        try d.waitFor(timeout: 5, "100 frames on VLAN 20") { d.frames(vlan: 20) == 100 }

        // Delete the pair (both ends go) and create it again with the same names.
        try Shell.must(["ip", "-n", lab.nsA, "link", "del", lab.sender])
        try d.waitFor(timeout: 5, "interfaceLost") { !d.events("interfaceLost").isEmpty }
        try Shell.must(["ip", "link", "add", lab.sender, "netns", lab.nsA, "mtu", "9000", "type", "veth",
                        "peer", "name", lab.trunk, "netns", lab.nsB, "mtu", "9000"])
        try Shell.must(["ip", "-n", lab.nsA, "link", "set", lab.sender, "up"])
        try Shell.must(["ip", "-n", lab.nsB, "link", "set", lab.trunk, "up"])
        try d.waitFor(timeout: 5, "sensorReattached") { !d.events("sensorReattached").isEmpty }
        #expect(try lab.ingressFilters().split(separator: "\n").filter { $0.contains("ls_tc_ingress") }.count == 1)

        try lab.send(["--vlan", "20", "--count", "50"])
        try d.waitFor(timeout: 5, "150 frames on VLAN 20") { d.frames(vlan: 20) == 150 }
        #expect(d.events("interfaceLost").count == 1 && d.events("sensorReattached").count == 1)
    }
}

/// kill -9 in the states the lab tests do not cover (cut, detected), then restore.
@Suite(.serialized, .enabled(if: runningAsRoot, rootReason))
final class DaemonKillInStateTests {
    static let noop = ["noop.yml": "- hosts: \"{{ target_host }}\"\n  gather_facts: false\n  tasks:\n    - ansible.builtin.debug: { msg: ok }\n"]

    @Test("kill -9 while cut: after restart still cut and restorable; restoring ends normal; the cut ran once")
    func killWhileCut() throws {
        let lab = try VethLab()
        defer { lab.destroy() }
        let d = try VethDaemon(lab: lab, playbooks: Self.noop, target: "playbook: noop.yml, host: edge-sw9, port: \(lab.trunk)",
                               verifyWindowMs: 3000)
        try d.start()
        let flood = try startFlood(lab, vlan: 20, rate: 3000)
        try d.waitFor(timeout: 10, "cutStarted") { !d.events("cutStarted", vlan: 20).isEmpty }
        flood.signal(SIGTERM)   // the "cut" worked: the storm stops
        _ = flood.wait(timeout: 5)
        try d.waitFor(timeout: 15, "cutApplied") { !d.notifications("cutApplied", vlan: 20).isEmpty }
        d.daemon?.signal(SIGKILL)
        _ = d.daemon?.wait(timeout: 5)

        try d.start()
        #expect(try d.state(vlan: 20) == "cut")
        let restore = try d.control("restore", vlan: 20, by: "dave")
        #expect(restore.status == 0, "\(restore.stderr)")
        try d.waitFor(timeout: 20, "vlanRestored") { !d.notifications("vlanRestored", vlan: 20).isEmpty }
        #expect(try d.state(vlan: 20) == "normal")
        let runs = try d.playbookRuns()
        #expect(runs.filter { $0["action"] as? String == "cut" }.count == 1)
        #expect(runs.filter { $0["action"] as? String == "restore" }.count == 1)
        #expect(d.stop() == 0)
    }
}
