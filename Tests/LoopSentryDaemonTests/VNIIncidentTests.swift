import Foundation
import LoopSentryConfig
import LoopSentryCore
import LoopSentryDaemon
import Remediate
import Testing

/// A VNI storm is an incident of its own, keyed by (interface, VNI): alarm only, journaled with
/// its VNI, shown as a status row of kind `vni`, resumed after a restart, and never cut.
@Suite struct VNIIncidentTests {
    static let vni5001 = DetectionKey(interface: "trunk0", vni: VNI(5001)!)

    /// Polls every 100 ms from `from` to `to` inclusive with the same VNI broadcast rates.
    func vniPolls(_ h: inout Harness, from: Double, to: Double, _ broadcast: [Int: Double]) -> [Effect] {
        let steps = Int(((to - from) * 10).rounded())
        return (0...steps).flatMap { i -> [Effect] in
            let s = from + Double(i) / 10
            return h.play(h.coordinator.poll([VNIDetectionTests().vniPoll(at: s, broadcast)], now: t(s), wall: wall(s)), at: s)
        }
    }

    @Test("a VNI storm opens an alarm-only incident journaled with its VNI and notified with it")
    func vniStormOpensAnIncident() {
        var h = Harness(VNIDetectionTests.configuration())
        #expect(vniPolls(&h, from: 1.0, to: 1.2, [5001: 4000, 5002: 10]).isEmpty)
        let effects = vniPolls(&h, from: 1.3, to: 1.3, [5001: 4000, 5002: 10])
        #expect(trace(effects) == [
            "record stormDetected trunk0: broadcast",
            "journal open #1 trunk0/0 org-v alarm, #1 normal→detected (detector)",
            "publish",
            "record transition trunk0 #1 normal→detected",
            "record notification trunk0 #1 stormDetected",
            "notify stormDetected #1 detected",
        ])
        guard case let .journal(writes) = effects[1], case let .openIncident(opened) = writes[0] else {
            Issue.record("no journal write")
            return
        }
        #expect(opened.vni == 5001 && opened.vlan == 0 && opened.inner == nil)
        let notified = notifications(effects)
        #expect(notified.map(\.vni) == [VNI(5001)!])
        #expect(notified.map(\.tenant) == ["org-v"] && notified.map(\.broadcastRate) == [4000])
        #expect(records(effects).compactMap(\.vni) == [5001, 5001, 5001])
        #expect(h.coordinator.book.incidentState(for: Self.vni5001) == .detected)
        #expect(h.coordinator.book.machines.keys.sorted() == [Self.vni5001])
        let row = h.coordinator.board.row(Self.vni5001)
        #expect(row?.vni == VNI(5001)! && row?.state == .detected && row?.tenant == "org-v" && row?.broadcastRate == 4000)
        #expect(row?.key.isValidTableIndex == false, "a VNI row is never a MIB table index")
        #expect(h.running.isEmpty)
    }

    @Test("the incident closes when the VNI's storm clears; the row goes back to normal")
    func vniIncidentCloses() {
        var h = Harness(VNIDetectionTests.configuration())
        _ = vniPolls(&h, from: 1.0, to: 1.3, [5001: 4000])
        #expect(vniPolls(&h, from: 1.4, to: 3.2, [5001: 100]).isEmpty)
        #expect(trace(vniPolls(&h, from: 3.3, to: 3.3, [5001: 100])) == [
            "record stormCleared trunk0",
            "journal #1 detected→normal (detector) closed",
            "publish",
            "record transition trunk0 #1 detected→normal",
            "record notification trunk0 #1 stormCleared",
            "notify stormCleared #1 normal",
        ])
        #expect(h.coordinator.book.machines.isEmpty)
        #expect(h.coordinator.board.row(Self.vni5001)?.state == .normal)
        #expect(h.coordinator.board.row(Self.vni5001)?.broadcastRate == 100)
    }

    @Test("status shows the VNI row with its kind, VNI and incident, after the VLAN rows")
    func statusRows() {
        var h = Harness(VNIDetectionTests.configuration())
        _ = vniPolls(&h, from: 1.0, to: 1.3, [5001: 4000, 5002: 10])
        let rows = h.coordinator.status(interfaces: 1).rows ?? []
        let vniRows = rows.filter { $0.segment == "vni" }
        #expect(vniRows.map(\.vni) == [5001, 5002])
        #expect(vniRows.map(\.vlan) == [0, 0])
        #expect(vniRows.map(\.state) == ["detected", "normal"])
        #expect(vniRows.map(\.incident) == [1, nil])
        #expect(vniRows.map(\.tenant) == ["org-v", "org-v"])
        #expect(vniRows.map(\.broadcastPerSecond) == [4000, 10])
        // The tenants' VLAN rows (10, 11, 20, 21, 30) come first and stay of kind vlan.
        #expect(rows.prefix(5).map(\.segment) == Array(repeating: "vlan", count: 5))
        #expect(rows.prefix(5).map(\.vlan) == [10, 11, 20, 21, 30] && rows.count == 7)
        #expect(h.coordinator.status(interfaces: 1).message == "loopsentry: 1 interface(s), 1 open incident(s)")
    }

    @Test("an open VNI incident survives a restart through its journal snapshot")
    func vniIncidentResumes() {
        var h = Harness(VNIDetectionTests.configuration())
        _ = vniPolls(&h, from: 1.0, to: 1.3, [5001: 4000])
        let open = h.openIncidents
        #expect(open.map(\.vni) == [5001])
        var next = Harness(VNIDetectionTests.configuration(), nextIncidentID: 2, at: 10)
        _ = next.resume(open, at: 10)
        #expect(next.coordinator.book.incidentState(for: Self.vni5001) == .detected)
        #expect(next.coordinator.book.machines[Self.vni5001]?.incidentID == 1)
        #expect(next.coordinator.board.row(Self.vni5001)?.state == .detected)
    }

    @Test("a VNI cut by a driver other than nftables is refused with a reason, not a crash")
    func vniCutByAPlaybookIsRefused() {
        // The loader refuses this configuration; the coordinator must still not crash on it.
        var c = VNIDetectionTests.configuration()
        c.tenants[3].policy = .auto
        c.tenants[3].remediation = RemediationTarget(playbook: "linux_bridge.yml", host: "localhost", port: "br0", driver: .ansible)
        var h = Harness(c)
        let effects = vniPolls(&h, from: 1.0, to: 1.3, [5001: 4000])
        #expect(h.running.isEmpty)
        #expect(records(effects).contains { $0.event == "cutFinished" && $0.detail == "cut failed: VNI cuts need remediation driver nftables or a VNI playbook" })
        #expect(h.coordinator.book.incidentState(for: Self.vni5001) != .normal)
    }

    @Test("a VNI storm of a tenant with driver nftables is cut on the underlay port with its UDP port, verified, and restored by an operator")
    func vniCutStartsANftablesBatch() throws {
        var c = VNIDetectionTests.configuration()
        c.interfaces[0].vxlanPort = 8472
        c.tenants[3].policy = .auto
        c.tenants[3].remediation = RemediationTarget(playbook: nil, host: "localhost", port: "br0", driver: .nftables)
        var h = Harness(c)
        let effects = vniPolls(&h, from: 1.0, to: 1.3, [5001: 4000, 5002: 10])
        #expect(h.running.count == 1)
        guard let start = h.running.first else { return }
        #expect(start.driver == .nftables && start.batch.vnis == [VNI(5001)!] && start.batch.vlans.isEmpty)
        #expect(start.batch.vxlanPort == 8472 && start.batch.incidentOfVNI == [VNI(5001)!: 1] && start.batch.tenant == "org-v")
        #expect(records(effects).contains { $0.event == "cutStarted" && $0.detail == "cut via nftables VNIs 5001 port br0 attempt 1" })
        let ok = CutOutcome(changed: true, detail: "nftables: 2 rule(s) added", duration: .zero)
        let done = h.finish(start.id, ok, at: 1.4)
        #expect(records(done).contains { $0.event == "cutFinished" && $0.detail == "nftables: 2 rule(s) added" })
        #expect(h.coordinator.book.incidentState(for: Self.vni5001) == .cutting, "verifying")
        // Verification is the VLANs': the VNI's rate stays below the falling threshold for the window.
        let verified = vniPolls(&h, from: 1.5, to: 4.0, [5001: 10, 5002: 10])
        #expect(records(verified).contains { $0.event == "transition" && ($0.detail ?? "").hasPrefix("cutting → cut") })
        #expect(h.coordinator.book.incidentState(for: Self.vni5001) == .cut)

        let (refused, _) = h.request(.vniAction(.restore, interface: "trunk0", vni: 16_777_216, author: "bob", via: "cli"), at: 4.1)
        #expect(refused == ControlResponse(ok: false, message: "VNI 16777216 is out of range (1-16777215)"))
        let (answer, _) = h.request(.vniAction(.restore, interface: "trunk0", vni: 5001, author: "bob", via: "cli"), at: 4.2)
        #expect(answer == ControlResponse(ok: true, message: "restore accepted for VNI 5001 on trunk0 (incident 1)"))
        let restore = try #require(h.running.first)
        #expect(restore.batch.action == .restore && restore.batch.vnis == [VNI(5001)!] && restore.batch.vxlanPort == 8472)
        _ = h.finish(restore.id, CutOutcome(changed: true, detail: "nftables: 2 rule(s) deleted", duration: .zero), at: 4.3)
        #expect(h.coordinator.book.incidentState(for: Self.vni5001) == .normal)
    }
}
