import LoopSentryCore
import LoopSentryDaemon
import Remediate
import Testing

/// A new process resumes the journal's open incidents from the snapshots the previous one's
/// transition writes carried.
@Suite struct RestartTests {
    @Test("a pending and a cut incident come back in the same state, and their ids are not reused")
    func pendingAndCutResume() {
        var old = Harness()
        _ = old.polls(from: 1.0, to: 1.2, [10: 5000, 20: 5000])
        _ = old.poll(at: 1.3, [10: 5000, 20: 5000])
        _ = old.succeed(1, at: 1.35)
        _ = old.poll(at: 1.4, [10: 300, 20: 5000])
        let open = old.openIncidents
        #expect(open.map { "#\($0.id) VLAN \($0.vlan) \($0.tenant) \($0.policy) \($0.state)" } == [
            "#1 VLAN 10 org-a auto cut", "#2 VLAN 20 org-b ack pendingAck"])

        var new = Harness(nextIncidentID: 3, at: 10)
        #expect(trace(new.resume(open, at: 10)) == [
            "record resumed: 2 open incident(s) from the journal",
            "wake 61.3",
            "publish",
        ])
        for k in [key(10), key(20)] {
            #expect(new.coordinator.book.machines[k]?.state == old.coordinator.book.machines[k]?.state)
            #expect(new.coordinator.book.machines[k]?.incidentID == old.coordinator.book.machines[k]?.incidentID)
            #expect(new.coordinator.board.row(k)?.state == old.coordinator.board.row(k)?.state)
        }
        #expect(new.coordinator.book.machines[key(20)]?.state == .pendingAck(since: t(1.3), deadline: t(61.3)))
        #expect(new.coordinator.book.machines[key(10)]?.cutAuthor == "auto")
        #expect(new.coordinator.book.nextIncidentID == 3)

        // The journal already has the incidents: the next transitions do not open them again.
        #expect(trace(new.operator_(.restore, 10, at: 11).1).filter { $0.hasPrefix("journal #") } == [
            "journal #1 cut→restoring (operator alice via cli)"])
        #expect(trace(new.tick(at: 61.3)).first == "journal #2 pendingAck→pendingAck (deadline)")
    }

    @Test("a cut whose result the previous process never saw is verified, not run again")
    func cuttingResumesByVerifying() {
        var old = Harness()
        _ = old.storm(10)
        #expect(old.running.count == 1)
        var new = Harness(nextIncidentID: 2, at: 10)
        #expect(trace(new.resume(old.openIncidents, at: 10)) == [
            "record resumed: 1 open incident(s) from the journal",
            "journal #1 cutting→cutting (restart)",
            "publish",
            "record transition trunk0/10 #1 cutting→cutting",
            "wake 12.0",
            "publish",
        ])
        #expect(new.coordinator.book.machines[key(10)]?.state == .verifying(attempt: 1, until: t(12)))
        #expect(new.running.isEmpty)
        #expect(trace(new.poll(at: 10.1, [10: 0])).first == "journal #1 cutting→cut (verification)")
    }

    @Test("a native cut the playbook had not saved is persisted after the restart")
    func unsavedCutPersisted() {
        let config = Fixture.configuration(persist: true)
        var old = Harness(config)
        _ = old.storm(10)
        _ = old.succeed(1, at: 1.35)
        _ = old.poll(at: 1.5, [10: 300])
        #expect(old.openIncidents.map(\.state) == ["cut"])

        var new = Harness(config, nextIncidentID: 2, at: 10)
        #expect(trace(new.resume(old.openIncidents, unsaved: [1], at: 10)) == [
            "record resumed: 1 open incident(s) from the journal",
            "record persistPending trunk0/10 #1: a native cut was not yet saved by linux_bridge.yml: running it now",
            "publish",
        ])
        #expect(trace(new.service(at: 10.15)) == [
            "record persistStarted trunk0/10 #1: persist cut via ansible linux_bridge.yml VLANs 10 port br0 attempt 1",
            "startBatch 1 persist ansible VLANs 10",
        ])

        var saved = Harness(config, nextIncidentID: 2, at: 10)
        #expect(trace(saved.resume(old.openIncidents, unsaved: [], at: 10)) == [
            "record resumed: 1 open incident(s) from the journal",
            "publish",
        ])
        #expect(saved.service(at: 10.15).isEmpty)
    }
}
