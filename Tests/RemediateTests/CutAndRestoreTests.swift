import LoopSentryCore
import Remediate
import Testing

/// Cut attempts, verification with the counters, retries with backoff, cutFailed, and restore.
@Suite struct CutAndRestoreTests {
    @Test func failedPlaybooksRetryAfterDoublingBackoffThenEndCutFailed() {
        var m = cuttingMachine()
        #expect(m.cutFinished(attempt: 1, success: false, detail: "unreachable", at: t(11)) == [
            journal(.cutting, .cutting, "playbook", at: 11, "cut attempt 1 failed: unreachable; attempt 2 of 3 in 2 s"),
            .scheduleTick(at: t(13)),
        ])
        #expect(m.state == .retryWait(nextAttempt: 2, at: t(13)))
        #expect(m.tick(at: t(12.9)) == [])
        #expect(m.tick(at: t(13)) == [
            journal(.cutting, .cutting, "retry backoff", at: 13, "cut attempt 2 of 3"), .runCut(attempt: 2),
        ])
        #expect(m.cutFinished(attempt: 2, success: false, detail: "timeout", at: t(14)) == [
            journal(.cutting, .cutting, "playbook", at: 14, "cut attempt 2 failed: timeout; attempt 3 of 3 in 4 s"),
            .scheduleTick(at: t(18)),
        ])
        #expect(m.tick(at: t(18)) == [
            journal(.cutting, .cutting, "retry backoff", at: 18, "cut attempt 3 of 3"), .runCut(attempt: 3),
        ])
        let line = "cut attempt 3 failed: timeout; giving up after 3 attempts"
        #expect(m.cutFinished(attempt: 3, success: false, detail: "timeout", at: t(19)) == [
            journal(.cutting, .cutFailed, "playbook", at: 19, line),
            .notify(.cutFailed, author: "auto", detail: line),
        ])
        #expect(m.tick(at: t(1000)) == [])
        #expect(m.cutFinished(attempt: 3, success: false, detail: "again", at: t(1001)) == [])
    }

    @Test func verifyWindowWithoutACalmSampleFailsTheAttemptAndRetries() {
        var m = cuttingMachine()
        _ = m.cutFinished(attempt: 1, success: true, detail: "changed", at: t(11))
        #expect(m.rate(3000, at: t(12)) == [])
        #expect(m.rate(2800, at: t(15.9)) == [])
        let line = "cut attempt 1: rate not at or below 500 frames/s within 5 s (last rate 2800 frames/s); "
            + "attempt 2 of 3 in 2 s"
        #expect(m.tick(at: t(16)) == [journal(.cutting, .cutting, "verification", at: 16, line), .scheduleTick(at: t(18))])
        #expect(m.tick(at: t(18)) == [
            journal(.cutting, .cutting, "retry backoff", at: 18, "cut attempt 2 of 3"), .runCut(attempt: 2),
        ])
    }

    @Test func verifyFailureOnTheLastAttemptEndsCutFailed() {
        var m = cuttingMachine(acme(.auto, maxCutAttempts: 1))
        _ = m.cutFinished(attempt: 1, success: true, detail: "changed", at: t(11))
        let line = "cut attempt 1: rate not at or below 500 frames/s within 5 s (no rate sample); "
            + "giving up after 1 attempt"
        #expect(m.tick(at: t(16)) == [journal(.cutting, .cutFailed, "verification", at: 16, line),
                                      .notify(.cutFailed, author: "auto", detail: line)])
    }

    @Test func calmSampleAfterTheVerifyWindowCountsAsAFailedAttempt() {
        var m = cuttingMachine(acme(.auto, maxCutAttempts: 1))
        _ = m.cutFinished(attempt: 1, success: true, detail: "changed", at: t(11))
        #expect(m.rate(0, at: t(16)).first == journal(
            .cutting, .cutFailed, "verification", at: 16,
            "cut attempt 1: rate not at or below 500 frames/s within 5 s (no rate sample); giving up after 1 attempt"))
    }

    @Test func rateEqualToTheFallingThresholdVerifiesTheCut() {
        var m = cuttingMachine()
        _ = m.cutFinished(attempt: 1, success: true, detail: "changed", at: t(11))
        #expect(m.rate(500, at: t(12)).count == 2)
        #expect(m.state == .cut)
    }

    @Test func stormClearedWhileVerifyingConfirmsTheCut() {
        var m = cuttingMachine()
        #expect(m.cleared(at: t(10.5)) == [])
        _ = m.cutFinished(attempt: 1, success: true, detail: "changed", at: t(11))
        #expect(m.cleared(at: t(13)) == [
            journal(.cutting, .cut, "verification", at: 13, "storm cleared after cut attempt 1"),
            .notify(.cutApplied, author: "auto", detail: "storm cleared after cut attempt 1"),
        ])
    }

    @Test func duplicateAndStalePlaybookResultsAreIgnored() {
        var m = cuttingMachine()
        #expect(m.cutFinished(attempt: 2, success: true, detail: "who?", at: t(11)) == [])
        #expect(m.cutFinished(attempt: 1, success: false, detail: "err", at: t(11)).count == 2)
        #expect(m.cutFinished(attempt: 1, success: false, detail: "err", at: t(11.1)) == [])
        _ = m.tick(at: t(13))
        #expect(m.cutFinished(attempt: 1, success: true, detail: "late", at: t(13.5)) == [])
        #expect(m.state == .cutting(attempt: 2))
    }

    @Test func aCutNeverRunsTwiceForOneIncident() {
        var m = machine(acme(.ack, onAckDeadline: .cut, hardLimit: 10_000))
        var actions = m.detected(storm(at: 10), incident: 1)
        actions += accepted(m.perform(.acknowledgeCut, by: "alice", via: "cli", at: t(11))) ?? []
        actions += accepted(m.perform(.acknowledgeCut, by: "bob", via: "snmp", at: t(11))) ?? []
        actions += m.rate(50_000, at: t(12))
        actions += m.tick(at: t(70))
        actions += m.detected(storm(at: 71), incident: 2)
        actions += m.cutFinished(attempt: 1, success: true, detail: "ok", at: t(72))
        actions += m.cutFinished(attempt: 1, success: true, detail: "ok", at: t(72))
        actions += m.rate(0, at: t(73))
        actions += m.tick(at: t(1000))
        #expect(actions.filter { if case .runCut = $0 { true } else { false } } == [.runCut(attempt: 1)])
        #expect(m.state == .cut)
    }

    @Test func restoreRunsThePlaybookThenReturnsToNormalAndRearmsDetection() {
        var m = cutMachine()
        #expect(accepted(m.perform(.restore, by: "carol", via: "cli", at: t(100))) == [
            journal(.cut, .restoring, "operator carol via cli", at: 100, "restore requested"), .runRestore,
        ])
        #expect(m.restoreFinished(success: true, detail: "changed", at: t(105)) == [
            journal(.restoring, .normal, "playbook", at: 105, "restore succeeded: changed"),
            .notify(.vlanRestored, author: "carol", detail: "restore succeeded: changed"),
            .rearmDetection,
        ])
        #expect(m.state == .normal)
        #expect(m.incidentID == nil)
        #expect(m.detected(storm(at: 200), incident: 2).first
            == journal(.normal, .detected, "detector", at: 200, "broadcast rate 5000 frames/s at or above 1000", incident: 2))
    }

    @Test func failedRestoreLeavesTheVLANCutAndSaysSo() {
        var m = cutMachine()
        _ = m.perform(.restore, by: "carol", via: "cli", at: t(100))
        let line = "restore failed: unreachable; VLAN left cut"
        #expect(m.restoreFinished(success: false, detail: "unreachable", at: t(105)) == [
            journal(.restoring, .cut, "playbook", at: 105, line),
            .notify(.cutApplied, author: "carol", detail: line),
        ])
        #expect(m.state == .cut)
        #expect(m.restoreFinished(success: true, detail: "late", at: t(106)) == [])
        #expect(accepted(m.perform(.restore, by: "carol", via: "cli", at: t(107))) != nil)
    }

    @Test func failedRestoreOfACutFailedVLANReturnsToCutFailed() {
        var m = cuttingMachine(acme(.auto, maxCutAttempts: 1))
        _ = m.cutFinished(attempt: 1, success: false, detail: "unreachable", at: t(11))
        #expect(m.state == .cutFailed)
        #expect(accepted(m.perform(.restore, by: "dave", via: "snmp", at: t(20))) == [
            journal(.cutFailed, .restoring, "operator dave via snmp", at: 20, "restore requested"), .runRestore,
        ])
        let line = "restore failed: exit 2; VLAN left cutFailed"
        #expect(m.restoreFinished(success: false, detail: "exit 2", at: t(25)) == [
            journal(.restoring, .cutFailed, "playbook", at: 25, line),
            .notify(.cutFailed, author: "dave", detail: line),
        ])
    }
}
