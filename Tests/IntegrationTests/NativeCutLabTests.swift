import Foundation
import LabTestSupport
import LoopSentryCore
import Remediate
import Testing

/// The daemon on the lab with the in-process nftables driver: the cut is one nftables transaction
/// on switch 1's trunk port, verified by the sensor's counters; the Linux playbook then audits it
/// (persistence) and sees it already done.
@Suite(.serialized, .enabled(if: runningAsRoot, rootReason))
final class NativeCutLabTests {
    let lab = SuiteLab(tag: "nc", binary: loopsentryBinary)
    var tenant20Native: String { lab.tenant20("auto", driver: "nftables") }

    init() throws { try lab.up() }

    deinit { lab.down() }

    /// Rows of the journal's run table, read with the sqlite3 tool: "driver action succeeded changed".
    func runs(_ journal: String) throws -> [String] {
        let r = try Shell.run(["sqlite3", journal, "SELECT driver, action, succeeded, changed FROM playbookRun ORDER BY id"])
        guard r.status == 0 else { throw ShellError("sqlite3 failed: \(r.stderr)") }
        return r.stdout.split(separator: "\n").map { $0.replacingOccurrences(of: "|", with: " ") }
    }

    /// The nftables rules on switch 1 that drop `vlan`; throws when nft cannot list the ruleset.
    func dropRules(vlan: Int) throws -> [String] {
        try lab.cutRules().split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { $0.contains("vlan id \(vlan) ") && $0.contains("drop") }
    }

    @Test("driver nftables, policy auto: VLAN 20 cut in-process and verified; VLAN 10 delivery exact; the playbook audits with no change; CLI restore removes exactly the two rules")
    func nativeCutAndRestore() throws {
        let d = try DaemonHarness(lab: lab, tenants: tenant20Native, probeVLANs: "20,30")
        try d.start()
        let got = try d.loopVLAN20CountingVLAN10(lab)
        print("VLAN 10 frames delivered during the VLAN 20 storm and native cut: \(got) of 1000")
        #expect(got == 1000, "VLAN 10 delivered \(got) of 1000")

        #expect(try d.state(vlan: 20) == "cut")
        let rules = try dropRules(vlan: 20)
        #expect(rules.count == 2, "\(rules)")
        #expect(rules.contains { $0.hasPrefix("iifname \"trunk\" vlan id 20 ") && $0.contains("dir=in incident=") })
        #expect(rules.contains { $0.hasPrefix("oifname \"trunk\" vlan id 20 ") && $0.contains("dir=out incident=") })
        #expect(try dropRules(vlan: 10).isEmpty)
        let cutLine = try #require(d.events("cutFinished", vlan: 20).first?.detail)
        #expect(cutLine.hasPrefix("nftables: 2 rule(s) added on bridge port trunk in netns \(lab.names.switch1) in "), "\(cutLine)")
        #expect(try runs(d.journal) == ["nftables cut 1 1", "ansible persist 1 0"])

        try lab.run(["unloop", "20"])
        let restore = try d.control("restore", vlan: 20, by: "bob")
        #expect(restore.status == 0, "\(restore.stderr)")
        try d.waitFor(timeout: 30, "vlanRestored") { !d.notifications("vlanRestored", vlan: 20).isEmpty }
        #expect(try dropRules(vlan: 20).isEmpty)
        #expect(try d.state(vlan: 20) == "normal")
        try d.waitFor(timeout: 60, "restore persisted") { d.events("persistFinished", vlan: 20).count == 2 }
        #expect(try runs(d.journal) == ["nftables cut 1 1", "ansible persist 1 0", "nftables restore 1 1", "ansible persist 1 0"])
        #expect(d.stop() == 0)
    }

    @Test("kill -9 between the native cut and its persistence: after restart the playbook persists once; the cut is not run again")
    func killBeforePersistence() throws {
        let d = try DaemonHarness(lab: lab, tenants: tenant20Native, probeVLANs: "20,30")
        try d.start()
        try lab.run(["loop", "20"])
        try d.waitFor(timeout: 30, "persistence started") { !d.events("persistStarted", vlan: 20).isEmpty }
        d.kill9()
        #expect(try dropRules(vlan: 20).count == 2)
        try d.start()
        #expect(!d.events("persistPending", vlan: 20).isEmpty)
        try d.waitFor(timeout: 60, "persistence after restart") {
            d.events("persistFinished", vlan: 20).contains { ($0.detail ?? "").hasPrefix("linux-bridge-vlan.yml: ok, 0 change(s)") }
        }
        #expect(try d.state(vlan: 20) == "cut")
        let rows = try runs(d.journal)
        #expect(rows.filter { $0.hasPrefix("nftables cut ") } == ["nftables cut 1 1"], "\(rows)")
        #expect(rows.filter { $0 == "ansible persist 1 0" }.count == 1, "\(rows)")
        #expect(rows.filter { $0.hasPrefix("ansible persist ") && $0 != "ansible persist 1 0" }.allSatisfy { $0 == "ansible persist  " },
                "a persistence run other than the one interrupted: \(rows)")
        #expect(try dropRules(vlan: 20).count == 2)
        #expect(d.stop() == 0)
    }
}
