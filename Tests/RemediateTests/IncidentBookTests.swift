import LoopSentryCore
import Remediate
import Testing

/// The book of incidents: tenant lookup, incident ids, routing, untenanted VLANs, resumption.
@Suite struct IncidentBookTests {
    /// VLAN 20 belongs to acme (auto); every other VLAN has no tenant.
    func book(unassigned: TenantPolicy? = .alarmOnly, falling: Double = 500) -> IncidentBook {
        let detection = DetectionPolicy(defaults: DetectionThresholds(
            broadcast: RateThreshold(rising: 1000, falling: falling)))
        return IncidentBook(nextIncidentID: 1, detection: detection, unassigned: unassigned) { key in
            key.outer?.value == 20 ? acme(.auto) : nil
        }
    }

    func tagged(_ actions: [Action], incident: UInt64, key: DetectionKey = vlan20) -> [IncidentAction] {
        actions.map { IncidentAction(key: key, incident: incident, action: $0) }
    }

    @Test func detectionOpensAnIncidentWithTheNextIdUnderTheTenantsPolicy() {
        var b = book()
        #expect(b.handle(storm(at: 10)) == tagged(detectedActions(at: 10) + [
            journal(.detected, .cutting, "policy auto", at: 10, "policy auto: cutting at once"),
            .runCut(attempt: 1),
        ], incident: 1))
        #expect(b.nextIncidentID == 2)
        #expect(b.incidentState(for: vlan20) == .cutting)
        #expect(b.handle(storm(at: 11)) == tagged([
            .notify(.stormDetected, author: "detector", detail: "broadcast rate 5000 frames/s at or above 1000"),
        ], incident: 1))
        #expect(b.nextIncidentID == 2)
    }

    @Test func vlanWithoutATenantIsAlarmOnlyByDefault() {
        var b = book()
        #expect(b.handle(storm(at: 10, key: vlan10)) == tagged(detectedActions(at: 10, key: vlan10),
                                                               incident: 1, key: vlan10))
        #expect(b.machines[vlan10]?.tenant == .alarmOnly)
        #expect(b.incidentState(for: vlan10) == .detected)
    }

    @Test func vlanWithoutATenantIsIgnoredWhenUnassignedIsNil() {
        var b = book(unassigned: nil)
        #expect(b.handle(storm(at: 10, key: vlan10)) == [])
        #expect(b.machines.isEmpty)
        #expect(b.nextIncidentID == 1)
    }

    @Test func clearedOnAQuietKeyDoesNothingAndUsesNoId() {
        var b = book()
        #expect(b.handle(calm(at: 10)) == [])
        #expect(b.machines.isEmpty)
        #expect(b.nextIncidentID == 1)
    }

    @Test func incidentBackToNormalIsDroppedAndTheNextStormGetsANewId() {
        var b = book()
        _ = b.handle(storm(at: 10, key: vlan10))
        #expect(b.handle(calm(at: 20, key: vlan10)).count == 2)
        #expect(b.machines.isEmpty)
        #expect(b.handle(storm(at: 30, key: vlan10)).first
            == IncidentAction(key: vlan10, incident: 2, action: journal(
                .normal, .detected, "detector", at: 30, "broadcast rate 5000 frames/s at or above 1000",
                incident: 2, key: vlan10)))
    }

    @Test func playbookResultsRatesAndTicksReachTheRightIncident() {
        var b = book(falling: 100)
        _ = b.handle(storm(at: 10))
        _ = b.handle(storm(at: 10, key: vlan10))
        #expect(b.cutFinished(vlan20, attempt: 1, success: true, detail: "ok", at: t(11)).last
            == IncidentAction(key: vlan20, incident: 1, action: .scheduleTick(at: t(16))))
        #expect(b.nextDeadline == t(16))
        #expect(b.rate(200, for: vlan20, at: t(12)) == [])
        #expect(b.rate(100, for: vlan20, at: t(13)).count == 2)
        #expect(b.incidentState(for: vlan20) == .cut)
        #expect(b.tick(at: t(100)) == [])
        #expect(b.restoreFinished(vlan20, success: true, detail: "x", at: t(101)) == [])
    }

    @Test func operatorActionOnAQuietKeyIsRefusedAsNormal() {
        var b = book()
        let result = b.perform(.acknowledgeCut, on: vlan20, by: "alice", via: "cli", at: t(1))
        #expect(result == .failure(OperatorRefusal(message: "VLAN 20 on eth1 is normal, not pendingAck: nothing to acknowledge")))
    }

    @Test func dismissThroughTheBookDropsTheIncident() throws {
        var b = book()
        _ = b.handle(storm(at: 10, key: vlan10))
        let actions = try b.perform(.dismiss, on: vlan10, by: "bob", via: "snmp", at: t(20)).get()
        #expect(actions.last == IncidentAction(key: vlan10, incident: 1, action: .suppressDetection(until: t(620))))
        #expect(b.machines.isEmpty)
    }

    @Test func resumeRestoresIncidentsAndMovesTheIdCounterPastThem() throws {
        var b = book()
        let cut = IncidentSnapshot(incident: 41, interface: "eth1", vlan: 10, tenant: "gone", phase: .cut)
        let bad = IncidentSnapshot(incident: 50, interface: "eth1", vlan: 4096, tenant: "x", phase: .cut)
        #expect(b.resume([cut, bad], now: t(1), wallNow: UTCTimestamp(secondsSince1970: 1_700_000_000)) == [])
        #expect(b.nextIncidentID == 42)
        #expect(b.machines[vlan10]?.tenant == TenantPolicy(name: "gone", policy: .alarm))
        #expect(b.snapshots(now: t(2), wallNow: UTCTimestamp(secondsSince1970: 1_700_000_001)) == [cut])
        let restore = try b.perform(.restore, on: vlan10, by: "carol", via: "cli", at: t(3)).get()
        #expect(restore.last == IncidentAction(key: vlan10, incident: 41, action: .runRestore))
    }
}
