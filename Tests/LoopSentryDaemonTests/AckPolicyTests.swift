import LoopSentryConfig
import LoopSentryCore
import LoopSentryDaemon
import Remediate
import Testing

/// Policy ack waits for an operator; the deadline cuts or keeps waiting as the tenant chose; a
/// rate above the hard limit cuts at once. org-b's cuts run its playbook after the 150 ms batch window.
@Suite struct AckPolicyTests {
    /// What detecting a 5000 frames/s storm on org-b's VLAN 20 at 1.3 s does.
    static let pending = [
        "record stormDetected trunk0/20: broadcast",
        "journal open #1 trunk0/20 org-b ack, #1 normal→detected (detector), #1 detected→pendingAck (policy ack)",
    ] + Expect.moved(20, "normal", "detected") + Expect.notified(20, "stormDetected", "detected")
        + Expect.moved(20, "detected", "pendingAck") + Expect.notified(20, "cutPending", "pendingAck") + ["wake 61.3"]

    /// The deadline's or hard limit's cut of VLAN 20: journaled, announced with cutPending.
    static func cutWithoutAck(_ cause: String, from: String = "pendingAck") -> [String] {
        ["journal #1 \(from)→cutting (\(cause))"] + Expect.moved(20, from, "cutting") + Expect.notified(20, "cutPending", "cutting")
    }

    static let playbookStarted = [
        "record cutStarted trunk0/20 #1: cut via ansible ios_trunk.yml VLANs 20 port Gi0/1 attempt 1",
        "startBatch 1 cut ansible VLANs 20",
    ]

    @Test("an ack storm waits in pendingAck; the operator's acknowledgement cuts with the playbook")
    func acknowledgeCuts() {
        var h = Harness()
        #expect(trace(h.storm(20)) == Self.pending)
        #expect(h.coordinator.book.machines[key(20)]?.state == .pendingAck(since: t(1.3), deadline: t(61.3)))
        #expect(h.service(at: 3).isEmpty)
        let (response, effects) = h.operator_(.acknowledgeCut, 20, at: 5.0)
        let accepted = "acknowledgeCut accepted for VLAN 20 on trunk0 (incident 1)"
        #expect(response == ControlResponse(ok: true, message: accepted))
        #expect(trace(effects) == Expect.accepted("acknowledgeCut", 20, leaving: "cutting", accepted)
            + ["journal #1 pendingAck→cutting (operator alice via cli)"] + Expect.moved(20, "pendingAck", "cutting"))
        #expect(h.service(at: 5.1).isEmpty)
        #expect(trace(h.service(at: 5.15)) == Self.playbookStarted)
        #expect(h.running.map(\.runs) == [[Journal.RunStart(incident: 1, playbook: "ios_trunk.yml", action: "cut", attempt: 1,
                                                             at: wall(5.15).date, driver: "ansible")]])
        #expect(h.running.map(\.target.host) == ["sw1"])
        #expect(h.tick(at: 61.3).isEmpty)
    }

    @Test("with on_deadline cut, the passing deadline cuts without acknowledgement")
    func deadlineCuts() {
        var h = Harness(Fixture.configuration(onDeadline: .cut))
        #expect(trace(h.storm(20)) == Self.pending)
        #expect(h.tick(at: 61.2).isEmpty)
        let effects = h.tick(at: 61.3)
        #expect(trace(effects) == Self.cutWithoutAck("deadline"))
        #expect(notifications(effects).map(\.actionAuthor) == ["deadline"])
        #expect(notifications(effects).map(\.actionResult) == [
            "ack deadline passed after 60 s: cutting without acknowledgement"])
        #expect(trace(h.service(at: 61.45)) == Self.playbookStarted)
    }

    @Test("with on_deadline keep-waiting, the passing deadline reminds once and keeps waiting")
    func deadlineKeepsWaiting() {
        var h = Harness(Fixture.configuration(onDeadline: .keepWaiting))
        #expect(trace(h.storm(20)) == Self.pending)
        let effects = h.tick(at: 61.3)
        #expect(trace(effects) == [
            "journal #1 pendingAck→pendingAck (deadline)",
            "publish",
            "record transition trunk0/20 #1 pendingAck→pendingAck",
            "record notification trunk0/20 #1 cutPending",
            "notify cutPending #1 pendingAck",
        ])
        #expect(notifications(effects).map(\.actionResult) == [
            "ack deadline passed after 60 s: still waiting for acknowledgement"])
        #expect(h.tick(at: 1000).isEmpty)
        #expect(h.service(at: 1000).isEmpty)
        #expect(h.coordinator.book.machines[key(20)]?.state == .pendingAck(since: t(1.3), deadline: nil))
    }

    @Test("a storm above the hard limit cuts at once without waiting for an acknowledgement")
    func hardLimitAtDetection() {
        var h = Harness()
        let effects = h.storm(20, rate: 25000)
        #expect(trace(effects) == [
            "record stormDetected trunk0/20: broadcast",
            "journal open #1 trunk0/20 org-b ack, #1 normal→detected (detector), #1 detected→cutting (hard limit)",
        ] + Expect.moved(20, "normal", "detected") + Expect.notified(20, "stormDetected", "detected")
            + Self.cutWithoutAck("hard limit", from: "detected").dropFirst())
        #expect(notifications(effects).map(\.actionResult).last
            == "rate 25000 frames/s above hard limit 20000: cutting without acknowledgement")
        #expect(trace(h.service(at: 1.45)) == Self.playbookStarted)
    }

    @Test("a pending incident whose rate climbs above the hard limit cuts at once")
    func hardLimitWhilePending() {
        var h = Harness()
        _ = h.storm(20)
        let effects = h.poll(at: 1.4, [20: 25000])
        #expect(trace(effects) == Self.cutWithoutAck("hard limit"))
        #expect(notifications(effects).map(\.broadcastRate) == [25000])
        #expect(notifications(effects).map(\.actionAuthor) == ["hard limit"])
        #expect(trace(h.poll(at: 1.55, [20: 25000])) == Self.playbookStarted)
    }
}
