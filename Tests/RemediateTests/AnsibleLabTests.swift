import Foundation
import LabTestSupport
import LoopSentryCore
import Remediate
import Testing

/// linux-bridge-vlan.yml through `AnsibleRunner` on the lab (`loopsentry lab`): a loop on VLAN 20
/// storms until the playbook cuts VLAN 20 on switch 1's trunk port; VLAN 10 keeps crossing; the
/// restore puts VLAN 20 back; second runs and check mode change nothing. The lab is the suite's
/// own (its namespace prefix); its tests share it, so they run serialized, and the lab is torn
/// down even when a test fails.
@Suite(.serialized, .enabled(if: AnsibleTestEnv.canRunLab, AnsibleTestEnv.noLab))
final class AnsibleLabTests {
    let lab = SuiteLab(tag: "al", binary: AnsibleTestEnv.loopsentry)
    var switch1: String { lab.names.switch1 }

    init() throws { try lab.up() }

    deinit { lab.down() }

    /// Runs the Linux playbook on switch 1's trunk port (in its netns, local connection).
    func playbook(_ action: PlaybookAction, check: Bool = false) async throws -> PlaybookResult {
        let vars = PlaybookVariables(action: action, vlan: AnsibleTestEnv.vlan(20), targetHost: switch1,
                                     port: "trunk", tenant: "acme", incidentID: "INC-LAB-20", netns: switch1)
        let r = try await AnsibleTestEnv.runner().run(
            PlaybookRequest(playbook: "linux-bridge-vlan", variables: vars,
                            inventory: AnsibleTestEnv.localInventory(switch1), check: check, timeout: .seconds(60)))
        #expect(r.succeeded, "\(action) check=\(check): \(r.error?.description ?? "") \(r.output)")
        return r
    }

    /// VLAN 20's broadcast rate at the sensor: the last report of a 2 s `loopsentry monitor`.
    func vlan20Rate() throws -> Double {
        let out = try AnsibleTestShell.must([lab.binary, "monitor", "--netns", lab.names.sensor, "--interface", "trunk0",
                                             "--json", "--duration", "2"])
        let reports = out.split(separator: "\n").compactMap {
            try? JSONDecoder().decode(MonitorReport.self, from: Data($0.utf8))
        }
        let last = try #require(reports.last, "monitor printed no report: \(out)")
        return last.vlans.first { $0.vlan == 20 }?.broadcastPerSecond ?? 0
    }

    @Test("cut on the trunk stops the VLAN 20 storm, VLAN 10 delivers 500 of 500 during and after it; restore re-adds VLAN 20; second runs change nothing")
    func cutStopsStormRestoreReadds() async throws {
        try lab.run(["loop", "20"])
        try lab.sendFromHostA(["--vlan", "20", "--count", "1"])
        let storm = try vlan20Rate()
        #expect(storm > 1000, "no storm before the cut: \(storm) pps")
        #expect(try LabReadings.delivered(lab, vlan: 10, count: 500) == 500, "VLAN 10 lost frames during the VLAN 20 storm")

        let cut = try await playbook(.cut)
        #expect(cut.changed >= 1)
        #expect(try LabReadings.nftRuleCount(netns: switch1) == 2)
        let after = try vlan20Rate()
        #expect(after < 10, "storm still \(after) pps after the cut (cut took \(cut.duration))")
        #expect(try LabReadings.delivered(lab, vlan: 10, count: 500) == 500)

        let again = try await playbook(.cut)
        #expect(again.changed == 0, "second cut changed \(again.changed)")
        #expect(try LabReadings.nftRuleCount(netns: switch1) == 2)

        // Without the loop link, VLAN 20 can only cross the trunk: cut, nothing crosses.
        try lab.run(["unloop", "20"])
        #expect(try LabReadings.delivered(lab, vlan: 20, count: 200) == 0)

        let restore = try await playbook(.restore)
        #expect(restore.changed >= 1)
        #expect(try LabReadings.nftRuleCount(netns: switch1) == 0)
        #expect(try LabReadings.delivered(lab, vlan: 20, count: 200) == 200)
        let restoreAgain = try await playbook(.restore)
        #expect(restoreAgain.changed == 0, "second restore changed \(restoreAgain.changed)")
        #expect(try LabReadings.delivered(lab, vlan: 10, count: 500) == 500)
    }

    @Test("check mode reports the change and changes nothing: the storm goes on, no rule appears or goes")
    func checkModeChangesNothing() async throws {
        try lab.run(["loop", "20"])
        try lab.sendFromHostA(["--vlan", "20", "--count", "1"])
        let preview = try await playbook(.cut, check: true)
        #expect(preview.changed >= 1, "check mode did not report the cut")
        let planned = preview.tasks.first { $0.task == "Show the nftables change" }?.messages ?? []
        #expect(planned.contains { $0.hasPrefix("add rule bridge loopsentry cut iifname \"trunk\" vlan id 20 counter drop") },
                "\(planned)")
        #expect(try LabReadings.nftRuleCount(netns: switch1) == 0)
        #expect(try vlan20Rate() > 1000, "the storm stopped although only check mode ran")

        _ = try await playbook(.cut)
        let previewRestore = try await playbook(.restore, check: true)
        #expect(previewRestore.changed >= 1)
        #expect(try LabReadings.nftRuleCount(netns: switch1) == 2)
        let previewCut = try await playbook(.cut, check: true)
        #expect(previewCut.changed == 0)
    }
}
