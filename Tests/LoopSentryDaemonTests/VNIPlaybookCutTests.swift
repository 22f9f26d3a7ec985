import Foundation
import LoopSentryConfig
import LoopSentryCore
import LoopSentryDaemon
import Remediate
import Testing

/// A tenant with VNIs whose playbook cuts VNIs (driver ansible, `# loopsentry-cuts: vni`): its
/// VNI storm becomes a playbook batch with the VNI and the interface's UDP port, and an operator
/// restores it the same way. A native VNI cut that fails is still never handed to a playbook.
@Suite struct VNIPlaybookCutTests {
    static let vni5001 = DetectionKey(interface: "trunk0", vni: VNI(5001)!)

    func configuration(_ segments: PlaybookSegments) -> Configuration {
        var c = VNIDetectionTests.configuration()
        c.interfaces[0].vxlanPort = 8472
        c.tenants[3].policy = .auto
        var r = RemediationTarget(playbook: "linux-vxlan-vni.yml", host: "vtep1", port: "eth1", driver: .ansible)
        r.playbookSegments = segments
        c.tenants[3].remediation = r
        return c
    }

    @Test("a VNI storm of a tenant with a VNI playbook starts a playbook batch with the VNI; verified; restored by an operator")
    func vniCutByAPlaybook() throws {
        var h = Harness(configuration(PlaybookSegments(vlans: false, vnis: true)))
        let effects = VNIIncidentTests().vniPolls(&h, from: 1.0, to: 1.6, [5001: 4000])
        let start = try #require(h.running.first)
        #expect(start.driver == .ansible && start.batch.vnis == [VNI(5001)!] && start.batch.vlans.isEmpty && start.batch.vxlanPort == 8472)
        #expect(records(effects).contains { $0.event == "cutStarted" && $0.detail == "cut via ansible linux-vxlan-vni.yml VNIs 5001 port eth1 attempt 1" })
        _ = h.finish(start.id, CutOutcome(changed: true, detail: "linux-vxlan-vni.yml: ok, 2 change(s) in 900 ms", duration: .zero), at: 1.7)
        _ = VNIIncidentTests().vniPolls(&h, from: 1.8, to: 4.5, [5001: 10])
        #expect(h.coordinator.book.incidentState(for: Self.vni5001) == .cut)
        let (answer, _) = h.request(.vniAction(.restore, interface: "trunk0", vni: 5001, author: "bob", via: "cli"), at: 4.6)
        #expect(answer.ok)
        _ = h.tick(at: 4.8)  // the playbook batch window (150 ms) has passed
        let restore = try #require(h.running.first)
        #expect(restore.driver == .ansible && restore.batch.action == .restore && restore.batch.vnis == [VNI(5001)!])
        _ = h.finish(restore.id, CutOutcome(changed: true, detail: "linux-vxlan-vni.yml: ok, 2 change(s)", duration: .zero), at: 4.9)
        #expect(h.coordinator.book.incidentState(for: Self.vni5001) == .normal)
    }

    @Test("a playbook that does not cut VNIs is refused for a VNI with the reason, not run")
    func vlanPlaybookIsRefused() {
        var h = Harness(configuration(PlaybookSegments(vlans: true, vnis: false)))
        let effects = VNIIncidentTests().vniPolls(&h, from: 1.0, to: 1.3, [5001: 4000])
        #expect(h.running.isEmpty)
        #expect(records(effects).contains { $0.event == "cutFinished" && $0.detail == "cut failed: VNI cuts need remediation driver nftables or a VNI playbook" })
    }
}
