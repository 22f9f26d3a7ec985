import LoopSentryCore
import LoopSentryDaemon
import Remediate
import Testing

/// Acknowledge, dismiss and restore, accepted or refused: each answers the operator in one line,
/// and is journaled, sent to syslog (operatorAction) and logged.
@Suite struct OperatorActionTests {
    /// The effects of a refused action on `vlan` of `interface`: journal, syslog, log line, and the
    /// row's publication when the interface is watched.
    static func refused(_ action: OperatorAction, _ vlan: Int, on interface: String = "trunk0", incident: UInt64? = nil,
                        state: IncidentState = .normal, _ message: String) -> [String] {
        let id = incident.map { "#\($0)" }
        return ["journal action \(action) refused \(id ?? "#-")",
                "operatorAction \(action) \(interface) VLAN \(vlan) \(id.map { "\($0) " } ?? "")\(state) by alice via cli: \(message)",
                "record operatorAction \(interface)/\(vlan)\(id.map { " \($0)" } ?? ""): \(action) refused: \(message)"]
            + (interface == "trunk0" ? ["publish"] : [])
    }

    @Test("acknowledging a VLAN with no incident is refused with the state it is in")
    func acknowledgeRefusedWhenNormal() {
        var h = Harness()
        let message = "VLAN 20 on trunk0 is normal, not pendingAck: nothing to acknowledge"
        let (response, effects) = h.operator_(.acknowledgeCut, 20, at: 5)
        #expect(response == ControlResponse(ok: false, message: message))
        #expect(trace(effects) == Self.refused(.acknowledgeCut, 20, message))
        #expect(h.journal == [.action(JournalAction(incidentID: nil, at: wall(5).date, interface: "trunk0", vlan: 20,
                                                    action: "acknowledgeCut", author: "alice", via: "cli", accepted: false,
                                                    result: message))])
        #expect(h.coordinator.board.row(key(20))?.lastAction == .acknowledgeCut)
        #expect(h.coordinator.board.row(key(20))?.lastActionResult == message)
    }

    @Test("a second acknowledgement finds the incident cutting and is refused, so the cut runs once")
    func secondAcknowledgeRefused() {
        var h = Harness()
        _ = h.storm(20)
        _ = h.operator_(.acknowledgeCut, 20, at: 2)
        let message = "VLAN 20 on trunk0 is cutting, not pendingAck: nothing to acknowledge"
        let (response, effects) = h.operator_(.acknowledgeCut, 20, at: 2.05)
        #expect(response == ControlResponse(ok: false, message: message))
        #expect(trace(effects) == Self.refused(.acknowledgeCut, 20, incident: 1, state: .cutting, message))
        #expect(trace(h.service(at: 2.2)) == AckPolicyTests.playbookStarted)
        #expect(h.service(at: 3).isEmpty)
    }

    @Test("dismissing a cutting incident and restoring a pending one are refused")
    func dismissAndRestoreRefused() {
        var h = Harness()
        _ = h.polls(from: 1.0, to: 1.2, [10: 5000, 20: 5000])
        _ = h.poll(at: 1.3, [10: 5000, 20: 5000])
        let dismiss = "VLAN 10 on trunk0 is cutting, not detected or pendingAck: nothing to dismiss"
        let (r1, e1) = h.operator_(.dismiss, 10, at: 2)
        #expect(r1 == ControlResponse(ok: false, message: dismiss))
        #expect(trace(e1) == Self.refused(.dismiss, 10, incident: 1, state: .cutting, dismiss))
        let restore = "VLAN 20 on trunk0 is pendingAck, not cut or cutFailed: nothing to restore"
        let (r2, e2) = h.operator_(.restore, 20, at: 2)
        #expect(r2 == ControlResponse(ok: false, message: restore))
        #expect(trace(e2) == Self.refused(.restore, 20, incident: 2, state: .pendingAck, restore))
        #expect(h.coordinator.book.incidentState(for: key(10)) == .cutting)
        #expect(h.coordinator.book.incidentState(for: key(20)) == .pendingAck)
    }

    @Test("an action on an interface the daemon does not watch is refused in one line")
    func unknownInterfaceRefused() {
        var h = Harness()
        let message = "interface eth9 is not watched by this daemon"
        let (response, effects) = h.operator_(.acknowledgeCut, 20, on: "eth9", at: 5)
        #expect(response == ControlResponse(ok: false, message: message))
        #expect(trace(effects) == Self.refused(.acknowledgeCut, 20, on: "eth9", message))
    }

    @Test("an action on a VLAN number outside 1-4094 is refused naming the VLAN, not the interface")
    func outOfRangeVLANRefused() {
        var h = Harness()
        for vlan in [0, 4095, 5000] {
            let message = "VLAN \(vlan) is out of range (1-4094)"
            let (response, effects) = h.operator_(.acknowledgeCut, vlan, at: 5)
            #expect(response == ControlResponse(ok: false, message: message))
            #expect(trace(effects).first == "journal action acknowledgeCut refused #-")
            #expect(trace(effects).last == "record operatorAction trunk0/\(vlan): acknowledgeCut refused: \(message)")
        }
    }

    @Test("dismiss ends the incident and suppresses detection for the hold-down")
    func dismissSuppressesDetection() {
        var h = Harness()
        _ = h.storm(30)
        let accepted = "dismiss accepted for VLAN 30 on trunk0 (incident 1)"
        let (response, effects) = h.operator_(.dismiss, 30, at: 1.35)
        #expect(response == ControlResponse(ok: true, message: accepted))
        #expect(trace(effects) == Expect.accepted("dismiss", 30, leaving: "normal", accepted)
            + ["journal #1 detected→normal (operator alice via cli) closed"]
            + Expect.moved(30, "detected", "normal") + Expect.notified(30, "stormCleared", "normal"))
        #expect(notifications(effects).map(\.actionResult) == [
            "dismissed by alice via cli: detection suppressed for 600 s"])
        #expect(h.polls(from: 1.4, to: 601.6, [30: 5000]).isEmpty)
        #expect(h.coordinator.book.machines.isEmpty)
        #expect(trace(h.poll(at: 601.7, [30: 5000])).prefix(2) == [
            "record stormDetected trunk0/30: broadcast",
            "journal open #2 trunk0/30 org-c alarm, #2 normal→detected (detector)",
        ])
    }

    @Test("restore puts a cut VLAN back with the tenant's driver and re-arms detection")
    func restoreCutVLAN() {
        var h = Harness()
        _ = h.storm(10)
        _ = h.succeed(1, at: 1.35)
        _ = h.poll(at: 1.4, [10: 300])
        #expect(h.polls(from: 1.5, to: 3.0, [10: 0]).isEmpty)
        let accepted = "restore accepted for VLAN 10 on trunk0 (incident 1)"
        let (response, effects) = h.operator_(.restore, 10, at: 3.0)
        #expect(response == ControlResponse(ok: true, message: accepted))
        #expect(trace(effects) == Expect.accepted("restore", 10, leaving: "restoring", accepted)
            + ["journal #1 cut→restoring (operator alice via cli)"] + Expect.moved(10, "cut", "restoring") + [
            "record cutStarted trunk0/10 #1: restore via nftables VLANs 10 port br0 attempt 1",
            "startBatch 2 restore nftables VLANs 10",
        ])
        let restored = h.succeed(2, at: 3.01)
        #expect(trace(restored) == Expect.restored(10, run: 2))
        #expect(notifications(restored).map(\.actionAuthor) == ["alice"])
        #expect(h.coordinator.book.machines.isEmpty)
        #expect(h.polls(from: 3.1, to: 3.2, [10: 5000]).isEmpty)
        #expect(trace(h.poll(at: 3.3, [10: 5000])).prefix(2) == [
            "record stormDetected trunk0/10: broadcast",
            "journal open #2 trunk0/10 org-a auto, #2 normal→detected (detector), #2 detected→cutting (policy auto)",
        ])
    }
}
