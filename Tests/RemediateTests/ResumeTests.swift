import Foundation
import LoopSentryCore
import Remediate
import Testing

/// Snapshots and resumption after a restart (or a reboot, when the monotonic clock starts over).
@Suite struct ResumeTests {
    /// Wall-clock time when the monotonic clock reads `seconds` before the restart.
    func wall(_ seconds: Double) -> UTCTimestamp {
        UTCTimestamp(millisecondsSince1970: 1_700_000_000_000 + Int64(seconds * 1000))
    }

    func resume(_ snapshot: IncidentSnapshot, tenant: TenantPolicy, now: Double,
                wallSeconds: Double) -> (machine: IncidentStateMachine, actions: [Action]) {
        IncidentStateMachine.restoring(snapshot, key: vlan20, tenant: tenant, fallingThreshold: 500,
                                       now: t(now), wallNow: wall(wallSeconds))
    }

    @Test func snapshotIsCodableAndNormalHasNone() throws {
        #expect(machine(acme(.auto)).snapshot(now: t(1), wallNow: wall(1)) == nil)
        let snapshot = try #require(cutMachine().snapshot(now: t(20), wallNow: wall(20)))
        #expect(snapshot == IncidentSnapshot(incident: 1, interface: "eth1", vlan: 20, tenant: "acme",
                                             phase: .cut, cutAuthor: "auto"))
        let data = try JSONEncoder().encode(snapshot)
        #expect(try JSONDecoder().decode(IncidentSnapshot.self, from: data) == snapshot)
    }

    @Test func pendingAckResumesPendingWithItsOriginalDeadlineAfterAReboot() throws {
        var m = machine(acme(.ack))
        _ = m.detected(storm(at: 10), incident: 4)
        let snapshot = try #require(m.snapshot(now: t(20), wallNow: wall(20)))
        #expect(snapshot.phase == .pendingAck(sinceMillis: 1_700_000_010_000, deadlineMillis: 1_700_000_070_000))
        // Rebooted: the monotonic clock reads 5 s when the wall clock is 30 s past the old origin.
        var (resumed, actions) = resume(snapshot, tenant: acme(.ack), now: 5, wallSeconds: 30)
        #expect(resumed.state == .pendingAck(since: 0, deadline: t(45)))
        #expect(actions == [.scheduleTick(at: t(45))])
        #expect(resumed.tick(at: t(44)) == [])
        #expect(accepted(resumed.perform(.acknowledgeCut, by: "alice", via: "cli", at: t(44))) == [
            journal(.pendingAck, .cutting, "operator alice via cli", at: 44, "cut acknowledged", incident: 4),
            .runCut(attempt: 1),
        ])
    }

    @Test func ackDeadlineThatPassedWhileDownFiresAtTheFirstTick() throws {
        var m = machine(acme(.ack, onAckDeadline: .cut))
        _ = m.detected(storm(at: 10), incident: 1)
        let snapshot = try #require(m.snapshot(now: t(20), wallNow: wall(20)))
        var (resumed, actions) = resume(snapshot, tenant: acme(.ack, onAckDeadline: .cut), now: 500, wallSeconds: 100)
        #expect(actions == [.scheduleTick(at: t(470))])
        #expect(resumed.tick(at: t(500)).last == .runCut(attempt: 1))
    }

    @Test func cuttingResumesByRecheckingTheCountersNotByRerunningTheCut() throws {
        let snapshot = try #require(cuttingMachine().snapshot(now: t(10), wallNow: wall(10)))
        #expect(snapshot.phase == .cutting(attempt: 1))
        var (resumed, actions) = resume(snapshot, tenant: acme(.auto), now: 100, wallSeconds: 100)
        #expect(actions == [
            journal(.cutting, .cutting, "restart", at: 100,
                    "cut attempt 1 result unknown after restart: re-checking the counters; verifying for 5 s"),
            .scheduleTick(at: t(105)),
        ])
        #expect(resumed.cutFinished(attempt: 1, success: true, detail: "stale", at: t(100.5)) == [])
        let detail = "rate 0 frames/s at or below 500 after cut attempt 1"
        #expect(resumed.rate(0, at: t(101)) == [journal(.cutting, .cut, "verification", at: 101, detail),
                                                .notify(.cutApplied, author: "auto", detail: detail)])
    }

    @Test func cuttingResumedWhileTheStormPersistsRunsTheNextAttemptAfterBackoff() throws {
        let snapshot = try #require(cuttingMachine().snapshot(now: t(10), wallNow: wall(10)))
        var (resumed, _) = resume(snapshot, tenant: acme(.auto), now: 100, wallSeconds: 100)
        #expect(resumed.rate(4000, at: t(101)) == [])
        #expect(resumed.tick(at: t(105)).last == .scheduleTick(at: t(107)))
        #expect(resumed.tick(at: t(107)).last == .runCut(attempt: 2))
    }

    @Test func verifyingAndRetryWaitPersistAsCuttingOfTheLastAttemptStarted() {
        var m = cuttingMachine()
        _ = m.cutFinished(attempt: 1, success: true, detail: "ok", at: t(11))
        #expect(m.snapshot(now: t(12), wallNow: wall(12))?.phase == .cutting(attempt: 1))
        _ = m.tick(at: t(16))
        #expect(m.state == .retryWait(nextAttempt: 2, at: t(18)))
        #expect(m.snapshot(now: t(17), wallNow: wall(17))?.phase == .cutting(attempt: 1))
    }

    @Test func cutResumesCutAndRestorable() throws {
        let snapshot = try #require(cutMachine().snapshot(now: t(20), wallNow: wall(20)))
        var (resumed, actions) = resume(snapshot, tenant: acme(.auto), now: 3, wallSeconds: 90)
        #expect(actions == [])
        #expect(resumed.state == .cut)
        #expect(resumed.incidentID == 1)
        #expect(accepted(resumed.perform(.restore, by: "carol", via: "cli", at: t(4)))?.last == .runRestore)
    }

    @Test func restoringResumesByRunningTheIdempotentRestoreAgain() throws {
        var m = cutMachine()
        _ = m.perform(.restore, by: "carol", via: "cli", at: t(30))
        let snapshot = try #require(m.snapshot(now: t(30), wallNow: wall(30)))
        #expect(snapshot.phase == .restoring(afterCutFailed: false))
        var (resumed, actions) = resume(snapshot, tenant: acme(.auto), now: 50, wallSeconds: 50)
        #expect(actions == [journal(.restoring, .restoring, "restart", at: 50,
                                    "restore result unknown after restart: running it again"), .runRestore])
        #expect(resumed.restoreFinished(success: true, detail: "no change", at: t(51)).last == .rearmDetection)
    }
}
