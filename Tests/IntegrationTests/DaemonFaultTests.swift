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
        try d.waitFor(timeout: 5, "100 frames on VLAN 20") { self.frames(d, vlan: 20) == 100 }

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
        try d.waitFor(timeout: 5, "150 frames on VLAN 20") { self.frames(d, vlan: 20) == 150 }
        #expect(d.events("interfaceLost").count == 1 && d.events("sensorReattached").count == 1)
    }

    /// Frames the daemon counted on `vlan` (its status board's counters are the sensor's totals).
    func frames(_ d: VethDaemon, vlan: Int) -> Int {
        guard let rows = try? d.status() else { return -1 }
        return rows.first { $0["vlan"] as? Int == vlan }?["framesTotal"] as? Int ?? -1
    }
}
