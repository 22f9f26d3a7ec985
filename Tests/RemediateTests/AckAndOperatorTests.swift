import LoopSentryCore
import Remediate
import Testing

/// Ack deadlines (cut or keep waiting) and operator actions: accepted, refused with exact messages.
@Suite struct AckAndOperatorTests {
    @Test func ackDeadlineWithCutCutsWithoutAcknowledgementAndTellsTheNOC() {
        var m = machine(acme(.ack, onAckDeadline: .cut))
        _ = m.detected(storm(at: 10), incident: 1)
        #expect(m.tick(at: t(69.9)) == [])
        let line = "ack deadline passed after 60 s: cutting without acknowledgement"
        #expect(m.tick(at: t(70)) == [
            journal(.pendingAck, .cutting, "deadline", at: 70, line),
            .notify(.cutPending, author: "deadline", detail: line),
            .runCut(attempt: 1),
        ])
        #expect(m.cutAuthor == "deadline")
        #expect(m.tick(at: t(71)) == [])
    }

    @Test func ackDeadlineWithKeepWaitingRemindsOnceAndStaysPending() {
        var m = machine(acme(.ack, onAckDeadline: .keepWaiting))
        _ = m.detected(storm(at: 10), incident: 1)
        let line = "ack deadline passed after 60 s: still waiting for acknowledgement"
        #expect(m.tick(at: t(70)) == [
            journal(.pendingAck, .pendingAck, "deadline", at: 70, line),
            .notify(.cutPending, author: "deadline", detail: line),
        ])
        #expect(m.state == .pendingAck(since: t(10), deadline: nil))
        #expect(m.nextDeadline == nil)
        #expect(m.tick(at: t(10_000)) == [])
        #expect(accepted(m.perform(.acknowledgeCut, by: "alice", via: "cli", at: t(10_001))) == [
            journal(.pendingAck, .cutting, "operator alice via cli", at: 10_001, "cut acknowledged"),
            .runCut(attempt: 1),
        ])
    }

    @Test func ackOfANormalVLANIsRefusedNamingTheState() {
        var m = machine(acme(.ack))
        let result = m.perform(.acknowledgeCut, by: "alice", via: "cli", at: t(1))
        #expect(refusal(result) == "VLAN 20 on eth1 is normal, not pendingAck: nothing to acknowledge")
        #expect(m.state == .normal)
    }

    @Test func secondAckIsRefusedSoTheCutRunsOnce() {
        var m = machine(acme(.ack))
        _ = m.detected(storm(at: 10), incident: 1)
        #expect(accepted(m.perform(.acknowledgeCut, by: "alice", via: "cli", at: t(20)))?.contains(.runCut(attempt: 1)) == true)
        #expect(refusal(m.perform(.acknowledgeCut, by: "bob", via: "snmp", at: t(21)))
            == "VLAN 20 on eth1 is cutting, not pendingAck: nothing to acknowledge")
        #expect(m.state == .cutting(attempt: 1))
    }

    @Test func restoreOfAVLANThatIsNotCutIsRefused() {
        var m = machine(acme(.ack))
        #expect(refusal(m.perform(.restore, by: "alice", via: "cli", at: t(1)))
            == "VLAN 20 on eth1 is normal, not cut or cutFailed: nothing to restore")
        _ = m.detected(storm(at: 10), incident: 1)
        #expect(refusal(m.perform(.restore, by: "alice", via: "cli", at: t(11)))
            == "VLAN 20 on eth1 is pendingAck, not cut or cutFailed: nothing to restore")
        var cutting = cuttingMachine()
        #expect(refusal(cutting.perform(.restore, by: "alice", via: "cli", at: t(11)))
            == "VLAN 20 on eth1 is cutting, not cut or cutFailed: nothing to restore")
    }

    @Test func dismissOfAPendingAckReturnsToNormalWithAHoldDown() {
        var m = machine(acme(.ack))
        _ = m.detected(storm(at: 10), incident: 1)
        let line = "dismissed by bob via snmp: detection suppressed for 600 s"
        #expect(accepted(m.perform(.dismiss, by: "bob", via: "snmp", at: t(20))) == [
            journal(.pendingAck, .normal, "operator bob via snmp", at: 20, line),
            .notify(.stormCleared, author: "bob", detail: line),
            .suppressDetection(until: t(620)),
        ])
        #expect(m.state == .normal)
        #expect(m.incidentID == nil)
        #expect(m.tick(at: t(70)) == [])
    }

    @Test func dismissOfAnAlarmOnlyDetectionReturnsToNormalWithAHoldDown() {
        var m = machine(acme(.alarm))
        _ = m.detected(storm(at: 10), incident: 1)
        let line = "dismissed by alice via cli: detection suppressed for 600 s"
        #expect(accepted(m.perform(.dismiss, by: "alice", via: "cli", at: t(11))) == [
            journal(.detected, .normal, "operator alice via cli", at: 11, line),
            .notify(.stormCleared, author: "alice", detail: line),
            .suppressDetection(until: t(611)),
        ])
    }

    @Test func dismissOfACutVLANIsRefused() {
        var m = cutMachine()
        let result = m.perform(.dismiss, by: "alice", via: "cli", at: t(20))
        #expect(refusal(result) == "VLAN 20 on eth1 is cut, not detected or pendingAck: nothing to dismiss")
        if case .failure(let refusal) = result {
            #expect(refusal.actionResult == OperatorActionResult(accepted: false, message: refusal.message))
        }
        #expect(m.state == .cut)
    }

    @Test func refusalNamesAQinQPairAsOuterDotInner() {
        let pair = DetectionKey(interface: "eth2", pair: VLANPair(outer: VLANID(100)!, inner: VLANID(20)!))
        var m = IncidentStateMachine(key: pair, tenant: acme(.ack), fallingThreshold: 500)
        #expect(refusal(m.perform(.acknowledgeCut, by: "a", via: "cli", at: 0))
            == "VLAN 100.20 on eth2 is normal, not pendingAck: nothing to acknowledge")
    }
}
