import Foundation
import Lab
import LabTestSupport
import LoopSentryCore
import Testing

/// The daemon on the lab with switch 1 an Open vSwitch (`lab up --ovs`: private ovsdb-server and
/// ovs-vswitchd, userspace datapath): a loop through it, the sensor on its trunk, the cut with
/// the `ovs` driver verified by the sensor's counters and persisted by ovs-trunk-vlan.yml; and a
/// database that is not there (socket missing): cutFailed after the retries, the trunks untouched.
@Suite(.serialized, .enabled(if: runningAsRoot && PrivateOVS.unavailableReason == nil,
                             "needs root and openvswitch-switch: \(PrivateOVS.unavailableReason ?? "not root")"))
final class OVSCutLabTests {
    let lab = SuiteLab(tag: "ov", binary: loopsentryBinary)

    init() throws { try lab.up(ovs: true) }

    deinit { lab.down() }

    func tenant(database: String) -> String {
        """
          - name: org-b
            policy: auto
            vlans: [{ interface: trunk0, vlans: "20" }]
            remediation: { driver: ovs, playbook: ovs-trunk-vlan.yml, \(lab.switch1Target), timeout_s: 60, ovs: { database: "\(database)", timeout_ms: 3000 } }
        """
    }

    /// `ovs-vsctl get Port trunk COLUMN` on the lab's switch; throws when ovs-vsctl fails.
    func trunk(_ column: String) throws -> String {
        let r = try Shell.run(["ovs-vsctl", "--db=\(lab.ovsDatabase)", "--timeout=5", "get", "Port", "trunk", column])
        guard r.status == 0 else { throw ShellError("ovs-vsctl get: \(r.stderr)") }
        return r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func runs(_ journal: String) throws -> [String] {
        let r = try Shell.run(["sqlite3", journal, "SELECT driver, action, succeeded, changed FROM playbookRun ORDER BY id"])
        guard r.status == 0 else { throw ShellError("sqlite3 failed: \(r.stderr)") }
        return r.stdout.split(separator: "\n").map { $0.replacingOccurrences(of: "|", with: " ") }
    }

    @Test("driver ovs, policy auto: loop through the OVS switch detected, VLAN 20 leaves the trunk's trunks, verified; VLAN 10 delivery exact; the playbook audits with no change; CLI restore gives back 10,20,30")
    func loopDetectedCutVerified() throws {
        #expect(try trunk("trunks") == "[10, 20, 30]")
        let d = try DaemonHarness(lab: lab, tenants: tenant(database: lab.ovsDatabase), probeVLANs: "20,30")
        try d.start()
        let got = try d.loopVLAN20CountingVLAN10(lab)
        print("VLAN 10 frames delivered through the OVS switch during the VLAN 20 storm and its cut: \(got) of 1000")
        #expect(got == 1000, "VLAN 10 delivered \(got) of 1000")

        #expect(try d.state(vlan: 20) == "cut")
        #expect(try trunk("trunks") == "[10, 30]")
        #expect(try trunk("external_ids") == "{loopsentry-cut-vlans=\"20\", loopsentry-original-trunks=\"10,20,30\"}")
        let cutLine = try #require(d.events("cutFinished", vlan: 20).first?.detail)
        #expect(cutLine.hasPrefix("ovs: VLAN 20 removed from port trunk: trunks 10,20,30 -> 10,30, applied by ovs-vswitchd in "), "\(cutLine)")
        #expect(try runs(d.journal) == ["ovs cut 1 1", "ansible persist 1 0"])

        try lab.run(["unloop", "20"])
        let restore = try d.control("restore", vlan: 20, by: "bob")
        #expect(restore.status == 0, "\(restore.stderr)")
        try d.waitFor(timeout: 30, "vlanRestored") { !d.notifications("vlanRestored", vlan: 20).isEmpty }
        #expect(try trunk("trunks") == "[10, 20, 30]")
        #expect(try trunk("external_ids") == "{}")
        #expect(try d.state(vlan: 20) == "normal")
        try d.waitFor(timeout: 60, "restore persisted") { d.events("persistFinished", vlan: 20).count == 2 }
        #expect(try runs(d.journal) == ["ovs cut 1 1", "ansible persist 1 0", "ovs restore 1 1", "ansible persist 1 0"])
        #expect(d.stop() == 0)
    }

    @Test("OVS database socket missing: each attempt fails with one line naming the socket, cutFailed after 2 attempts, trunks untouched")
    func databaseMissing() throws {
        let missing = "unix:/run/loopsentry-lab/\(lab.prefix)-nowhere/db.sock"
        let d = try DaemonHarness(lab: lab, tenants: tenant(database: missing), probeVLANs: "20,30")
        try d.start()
        try lab.run(["loop", "20"])
        defer { _ = try? lab.run(["unloop", "20"]) }
        try d.waitFor(timeout: 40, "cutFailed on VLAN 20") { !d.notifications("cutFailed", vlan: 20).isEmpty }
        let reason = "ovs port trunk (\(missing)): connect /run/loopsentry-lab/\(lab.prefix)-nowhere/db.sock: No such file or directory (errno 2)"
        #expect(d.events("cutFinished", vlan: 20).map { $0.detail ?? "" } == [reason, reason])
        let detail = d.notifications("cutFailed", vlan: 20).first?.detail ?? ""
        #expect(detail == "cutFailed: cut attempt 2 failed: \(reason); giving up after 2 attempts", "\(detail)")
        #expect(try d.state(vlan: 20) == "cutFailed")
        #expect(try trunk("trunks") == "[10, 20, 30]")
        #expect(try trunk("external_ids") == "{}")
        #expect(d.stop() == 0)
    }
}
