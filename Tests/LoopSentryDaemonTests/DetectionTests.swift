import LoopSentryConfig
import LoopSentryCore
import LoopSentryDaemon
import Testing

/// Counters become incidents only after the sustain time; the notification carries the storm's
/// own figures; returned probes confirm a loop.
@Suite struct DetectionTests {
    @Test("a rate below the rising threshold, or a burst shorter than the sustain time, does nothing")
    func shortOrLowBurst() {
        var h = Harness()
        #expect(h.polls(from: 1.0, to: 2.0, [30: 900]).isEmpty)
        #expect(h.polls(from: 2.1, to: 2.2, [30: 5000]).isEmpty)
        #expect(h.polls(from: 2.3, to: 3.0, [30: 100]).isEmpty)
        #expect(h.coordinator.book.machines.isEmpty)
        #expect(h.coordinator.board.row(key(30))?.state == .normal)
    }

    @Test("a sustained broadcast storm opens an incident and notifies with the storm's rate and threshold")
    func sustainedBroadcastStorm() {
        var h = Harness()
        let effects = h.storm(30, rate: 5000)
        #expect(trace(effects) == Expect.alarmOpened(30, event: "stormDetected trunk0/30: broadcast"))
        var detected = EventRecord("stormDetected", at: t(1.3), interface: "trunk0", vlan: 30, tenant: "org-c", rate: 5000,
                                   threshold: 1000, detail: "broadcast")
        detected.storm = "broadcast"
        var transition = EventRecord("transition", key: key(30), at: t(1.3), tenant: "org-c", state: "detected", incident: 1,
                                     detail: "normal → detected: detector — broadcast rate 5000 frames/s at or above 1000")
        transition.from = "normal"
        var notification = EventRecord("notification", key: key(30), at: t(1.3), tenant: "org-c", state: "detected",
                                       incident: 1, rate: 5000, threshold: 1000,
                                       detail: "stormDetected: broadcast rate 5000 frames/s at or above 1000", author: "detector")
        notification.notification = "stormDetected"
        notification.storm = "broadcast"
        #expect(records(effects) == [detected, transition, notification])
        #expect(notifications(effects) == [NOCNotification(
            kind: .stormDetected, key: VLANStatusKey(ifIndex: 7, vlan: VLANID(30)!), ifName: "trunk0", tenant: "org-c",
            broadcastRate: 5000, risingThreshold: 1000, state: .detected, actionAuthor: "detector",
            actionResult: "broadcast rate 5000 frames/s at or above 1000")])
        #expect(h.coordinator.board.row(key(30))?.state == .detected)
    }

    @Test("a multicast storm's notification carries the multicast rate and threshold of the event")
    func multicastStorm() {
        var h = Harness()
        _ = h.polls(from: 1.0, to: 1.2, [30: 200], multicast: [30: 8000])
        let effects = h.poll(at: 1.3, [30: 200], multicast: [30: 8000])
        #expect(trace(effects) == Expect.alarmOpened(30, event: "stormDetected trunk0/30: multicast"))
        var expected = NOCNotification(
            kind: .stormDetected, key: VLANStatusKey(ifIndex: 7, vlan: VLANID(30)!), ifName: "trunk0", tenant: "org-c",
            broadcastRate: 200, risingThreshold: 1000, state: .detected, actionAuthor: "detector",
            actionResult: "multicast rate 8000 frames/s at or above 2000")
        expected.storm = .multicast
        expected.multicastRate = 8000
        expected.multicastThreshold = 2000
        #expect(notifications(effects) == [expected])
        let line = records(effects).first { $0.event == "notification" }
        #expect(line?.storm == "multicast")
        #expect(line?.rate == 8000)
        #expect(line?.threshold == 2000)
    }

    @Test("returned probes confirm a loop below the rate thresholds and open an incident")
    func probesConfirmLoop() {
        var h = Harness()
        let effects = h.poll(at: 1.0, [30: 50], probeReturns: [30: 2])
        #expect(trace(effects) == Expect.alarmOpened(30, event: "loopConfirmed trunk0/30: 2 probe(s) returned",
                                                     kind: "loopConfirmed"))
        #expect(notifications(effects) == [NOCNotification(
            kind: .loopConfirmed, key: VLANStatusKey(ifIndex: 7, vlan: VLANID(30)!), ifName: "trunk0", tenant: "org-c",
            broadcastRate: 50, risingThreshold: 1000, state: .detected, returnedProbes: 2, actionAuthor: "detector",
            actionResult: "2 probes returned")])
    }

    @Test("a rising VLAN asks for a probe only on an interface with probe VLANs, until the loop is confirmed")
    func probeSoonOnlyWithProbeVLANs() {
        var config = Fixture.configuration(probeVLANs: VLANSet([VLANID(10)!...VLANID(39)!]))
        config.interfaces.append(InterfaceConfig(name: "trunk1"))
        var h = Harness(config)
        #expect(trace(h.poll(at: 1.0, [20: 5000, 21: 300])) == ["probeSoon trunk0 VLAN 20 at 1.0"])
        #expect(h.poll(at: 1.0, [20: 5000], interface: "trunk1").isEmpty)
        #expect(trace(h.poll(at: 1.1, [20: 5000], probeReturns: [20: 1])) == [
            "record loopConfirmed trunk0/20: 1 probe(s) returned",
            "journal open #1 trunk0/20 org-b ack, #1 normal→detected (detector), #1 detected→pendingAck (policy ack)",
        ] + Expect.moved(20, "normal", "detected") + Expect.notified(20, "loopConfirmed", "detected")
            + Expect.moved(20, "detected", "pendingAck") + Expect.notified(20, "cutPending", "pendingAck") + ["wake 61.1"])
        #expect(h.poll(at: 1.2, [20: 5000]).isEmpty)
    }
}
