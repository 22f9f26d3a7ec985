import LoopSentryCore
import Remediate
import Testing

/// What each tenant policy does with a detected storm, the hard limit, and storms that end by themselves.
@Suite struct IncidentPolicyTests {
    @Test func alarmPolicyNotifiesOnlyAndStaysDetectedUntilCleared() {
        var m = machine(acme(.alarm))
        #expect(m.detected(storm(at: 10), incident: 1) == detectedActions(at: 10))
        #expect(m.state == .detected(since: t(10)))
        #expect(m.incidentState == .detected)
        #expect(m.tick(at: t(10_000)) == [])
        #expect(m.rate(90_000, at: t(10_001)) == [])
        #expect(m.cleared(at: t(10_002)) == [
            journal(.detected, .normal, "detector", at: 10_002, "storm ended before any cut"),
            .notify(.stormCleared, author: "detector", detail: "storm ended before any cut"),
        ])
        #expect(m.state == .normal)
        #expect(m.incidentID == nil)
    }

    @Test func autoPolicyCutsAtOnceThenVerifiesAndReportsCutApplied() {
        var m = machine(acme(.auto))
        #expect(m.detected(storm(at: 10), incident: 1) == detectedActions(at: 10) + [
            journal(.detected, .cutting, "policy auto", at: 10, "policy auto: cutting at once"),
            .runCut(attempt: 1),
        ])
        #expect(m.cutFinished(attempt: 1, success: true, detail: "changed", at: t(11)) == [
            journal(.cutting, .cutting, "playbook", at: 11, "cut attempt 1 succeeded: changed; verifying for 5 s"),
            .scheduleTick(at: t(16)),
        ])
        #expect(m.state == .verifying(attempt: 1, until: t(16)))
        #expect(m.incidentState == .cutting)
        #expect(m.rate(3000, at: t(11.5)) == [])
        let detail = "rate 400 frames/s at or below 500 after cut attempt 1"
        #expect(m.rate(400, at: t(12)) == [
            journal(.cutting, .cut, "verification", at: 12, detail),
            .notify(.cutApplied, author: "auto", detail: detail),
        ])
        #expect(m.state == .cut)
        #expect(m.nextDeadline == nil)
    }

    @Test func ackPolicyWaitsInPendingAckWithADeadlineTick() {
        var m = machine(acme(.ack))
        let line = "waiting for acknowledgement for 60 s"
        #expect(m.detected(storm(at: 10), incident: 7) == detectedActions(at: 10, incident: 7) + [
            journal(.detected, .pendingAck, "policy ack", at: 10, line, incident: 7),
            .notify(.cutPending, author: "policy ack", detail: line),
            .scheduleTick(at: t(70)),
        ])
        #expect(m.state == .pendingAck(since: t(10), deadline: t(70)))
        #expect(m.incidentID == 7)
        #expect(m.nextDeadline == t(70))
    }

    @Test func fractionalAckDeadlineIsSpelledInSecondsInTheNotification() {
        var m = machine(acme(.ack, ackDeadline: .milliseconds(1500)))
        #expect(m.detected(storm(at: 10), incident: 1).contains(
            .notify(.cutPending, author: "policy ack", detail: "waiting for acknowledgement for 1.5 s")))
        #expect(m.nextDeadline == t(11.5))
    }

    @Test func acknowledgedCutRunsAttemptOneCreditedToTheOperator() throws {
        var m = machine(acme(.ack))
        _ = m.detected(storm(at: 10), incident: 1)
        #expect(accepted(m.perform(.acknowledgeCut, by: "alice", via: "cli", at: t(30))) == [
            journal(.pendingAck, .cutting, "operator alice via cli", at: 30, "cut acknowledged"),
            .runCut(attempt: 1),
        ])
        _ = m.cutFinished(attempt: 1, success: true, detail: "ok", at: t(31))
        let detail = "rate 0 frames/s at or below 500 after cut attempt 1"
        #expect(m.rate(0, at: t(32)) == [journal(.cutting, .cut, "verification", at: 32, detail),
                                         .notify(.cutApplied, author: "alice", detail: detail)])
    }

    @Test func loopConfirmedStartsAnIncidentWithALoopNotification() {
        var m = machine(acme(.alarm))
        let event = DetectionEvent.loopConfirmed(key: vlan20, probesReturned: 3, at: t(5))
        #expect(m.detected(event, incident: 2) == [
            journal(.normal, .detected, "detector", at: 5, "3 probes returned", incident: 2),
            .notify(.loopConfirmed, author: "detector", detail: "3 probes returned"),
        ])
    }

    @Test func detectionDuringAnOpenIncidentOnlyNotifies() {
        var m = machine(acme(.ack))
        _ = m.detected(storm(at: 10), incident: 1)
        let loop = DetectionEvent.loopConfirmed(key: vlan20, probesReturned: 1, at: t(11))
        #expect(m.detected(loop, incident: 2) == [.notify(.loopConfirmed, author: "detector", detail: "1 probe returned")])
        #expect(m.state == .pendingAck(since: t(10), deadline: t(70)))
        #expect(m.incidentID == 1)
    }

    @Test func hardLimitAtDetectionCutsAnAckPolicyAtOnce() {
        var m = machine(acme(.ack, hardLimit: 20_000))
        let detail = "broadcast rate 30000 frames/s at or above 1000"
        let line = "rate 30000 frames/s above hard limit 20000: cutting without acknowledgement"
        #expect(m.detected(storm(at: 10, rate: 30_000), incident: 1) == [
            journal(.normal, .detected, "detector", at: 10, detail),
            .notify(.stormDetected, author: "detector", detail: detail),
            journal(.detected, .cutting, "hard limit", at: 10, line),
            .notify(.cutPending, author: "hard limit", detail: line),
            .runCut(attempt: 1),
        ])
        #expect(m.cutAuthor == "hard limit")
    }

    @Test func hardLimitDuringPendingAckCutsAtOnceButNotAtTheLimitItself() {
        var m = machine(acme(.ack, hardLimit: 20_000))
        _ = m.detected(storm(at: 10), incident: 1)
        #expect(m.rate(20_000, at: t(11)) == [])
        let line = "rate 25000 frames/s above hard limit 20000: cutting without acknowledgement"
        #expect(m.rate(25_000, at: t(12)) == [
            journal(.pendingAck, .cutting, "hard limit", at: 12, line),
            .notify(.cutPending, author: "hard limit", detail: line),
            .runCut(attempt: 1),
        ])
        #expect(m.state == .cutting(attempt: 1))
    }

    @Test func withoutAHardLimitNoRateCutsAPendingAck() {
        var m = machine(acme(.ack))
        _ = m.detected(storm(at: 10), incident: 1)
        #expect(m.rate(1e9, at: t(11)) == [])
        #expect(m.incidentState == .pendingAck)
    }

    @Test func stormThatEndsBeforeTheAckClosesTheIncidentAndRefusesALateAck() {
        var m = machine(acme(.ack))
        _ = m.detected(storm(at: 10), incident: 1)
        #expect(m.detected(calm(at: 20), incident: 99) == [
            journal(.pendingAck, .normal, "detector", at: 20, "storm ended before any cut"),
            .notify(.stormCleared, author: "detector", detail: "storm ended before any cut"),
        ])
        #expect(m.incidentID == nil)
        #expect(m.tick(at: t(70)) == [])
        #expect(refusal(m.perform(.acknowledgeCut, by: "alice", via: "cli", at: t(21)))
            == "VLAN 20 on eth1 is normal, not pendingAck: nothing to acknowledge")
    }

    @Test func clearedNeverRestoresACutVLAN() {
        var m = cutMachine()
        #expect(m.cleared(at: t(30)) == [])
        #expect(m.state == .cut)
    }

    @Test func retryDelayDoublesAndStaysBounded() {
        let policy = acme(.auto)
        #expect(policy.retryDelay(afterAttempt: 1) == .seconds(2))
        #expect(policy.retryDelay(afterAttempt: 2) == .seconds(4))
        #expect(policy.retryDelay(afterAttempt: 3) == .seconds(8))
        #expect(policy.retryDelay(afterAttempt: 100) == .seconds(2 * 65_536))
        #expect(TenantPolicy(name: "x", policy: .auto, maxCutAttempts: 0).attemptLimit == 1)
    }
}
