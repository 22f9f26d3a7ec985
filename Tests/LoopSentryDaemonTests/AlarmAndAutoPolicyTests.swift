import LoopSentryCore
import LoopSentryDaemon
import Remediate
import Testing

/// Policy alarm only notifies; policy auto cuts at once with the tenant's native driver, verifies
/// the cut against the falling threshold and retries a failed attempt after the backoff.
@Suite struct AlarmAndAutoPolicyTests {
    /// What detecting a 5000 frames/s storm on org-a's VLAN 10 at 1.3 s does, up to the batch.
    static let autoDetection = [
        "record stormDetected trunk0/10: broadcast",
        "journal open #1 trunk0/10 org-a auto, #1 normal→detected (detector), #1 detected→cutting (policy auto)",
    ] + Expect.moved(10, "normal", "detected") + Expect.notified(10, "stormDetected", "detected")
        + Expect.moved(10, "detected", "cutting") + [
            "record cutStarted trunk0/10 #1: cut via nftables VLANs 10 port br0 attempt 1",
            "startBatch 1 cut nftables VLANs 10",
        ]

    @Test("an alarm-only tenant and an unowned VLAN are notified and never cut")
    func alarmNeverCuts() {
        var h = Harness()
        _ = h.polls(from: 1.0, to: 1.2, [30: 5000, 100: 5000])
        let effects = h.poll(at: 1.3, [30: 5000, 100: 5000])
        #expect(trace(effects) == Expect.alarmOpened(30, event: "stormDetected trunk0/30: broadcast")
            + Expect.alarmOpened(100, tenant: "-", event: "stormDetected trunk0/100: broadcast", incident: 2))
        #expect(h.polls(from: 1.4, to: 70, [30: 5000, 100: 5000]).isEmpty)
        #expect(h.tick(at: 700).isEmpty)
        #expect(h.running.isEmpty)
        #expect(h.coordinator.book.incidentState(for: key(30)) == .detected)
        #expect(h.coordinator.book.incidentState(for: key(100)) == .detected)
    }

    @Test("an alarm-only incident ends when the storm clears by itself")
    func alarmClears() {
        var h = Harness()
        _ = h.storm(30)
        #expect(h.polls(from: 1.4, to: 3.2, [30: 100]).isEmpty)
        #expect(trace(h.poll(at: 3.3, [30: 100])) == [
            "record stormCleared trunk0/30",
            "journal #1 detected→normal (detector) closed",
            "publish",
            "record transition trunk0/30 #1 detected→normal",
            "record notification trunk0/30 #1 stormCleared",
            "notify stormCleared #1 normal",
        ])
        #expect(h.coordinator.book.machines.isEmpty)
    }

    @Test("auto cuts at once with nftables, verifies and is cut once the rate falls within the verify window")
    func autoCutVerified() {
        var h = Harness()
        #expect(trace(h.storm(10)) == Self.autoDetection)
        #expect(h.running.map(\.runs) == [[Journal.RunStart(incident: 1, playbook: "nftables", action: "cut", attempt: 1,
                                                             at: wall(1.3).date, driver: "nftables")]])
        #expect(trace(h.succeed(1, at: 1.35)) == [
            "pollSoon",
            "journal run 1 succeeded",
            "record cutFinished trunk0/10 #1: nftables: 1 rule(s) changed",
            "journal #1 cutting→cutting (playbook)",
            "publish",
            "record transition trunk0/10 #1 cutting→cutting",
            "wake 3.35",
        ])
        #expect(h.coordinator.book.machines[key(10)]?.state == .verifying(attempt: 1, until: t(3.35)))
        #expect(h.poll(at: 1.4, [10: 800]).isEmpty)
        #expect(trace(h.poll(at: 1.5, [10: 300])) == Expect.verified(10))
        #expect(notifications(h.poll(at: 1.6, [10: 0])).isEmpty)
        #expect(h.coordinator.board.row(key(10))?.state == .cut)
        #expect(h.running.isEmpty)
    }

    @Test("a cut whose rate stays high through the verify window counts as a failed attempt")
    func verifyWindowExpires() {
        var h = Harness()
        _ = h.storm(10)
        _ = h.succeed(1, at: 1.35)
        #expect(h.polls(from: 1.4, to: 3.3, [10: 5000]).isEmpty)
        #expect(trace(h.poll(at: 3.4, [10: 5000])) == [
            "journal #1 cutting→cutting (verification)",
            "publish",
            "record transition trunk0/10 #1 cutting→cutting",
            "wake 5.4",
        ])
        #expect(h.coordinator.book.machines[key(10)]?.state == .retryWait(nextAttempt: 2, at: t(5.4)))
    }

    @Test("a failed auto cut is retried after the doubling backoff and ends cutFailed after the last attempt")
    func autoCutFailsThenGivesUp() {
        var h = Harness()
        _ = h.storm(10)
        #expect(trace(h.fail(1, "netlink: Operation not permitted", at: 1.35)) == [
            "pollSoon",
            "journal run 1 failed",
            "record cutFinished trunk0/10 #1: netlink: Operation not permitted",
            "journal #1 cutting→cutting (playbook)",
            "publish",
            "record transition trunk0/10 #1 cutting→cutting",
            "wake 3.35",
        ])
        #expect(h.tick(at: 3.3).isEmpty)
        #expect(trace(h.tick(at: 3.35)) == [
            "journal #1 cutting→cutting (retry backoff)",
            "publish",
            "record transition trunk0/10 #1 cutting→cutting",
            "record cutStarted trunk0/10 #1: cut via nftables VLANs 10 port br0 attempt 2",
            "startBatch 2 cut nftables VLANs 10",
        ])
        #expect(trace(h.fail(2, at: 3.4)).last == "wake 7.4")
        #expect(trace(h.tick(at: 7.4)).last == "startBatch 3 cut nftables VLANs 10")
        let last = h.fail(3, at: 7.45)
        #expect(trace(last) == [
            "pollSoon",
            "journal run 3 failed",
            "record cutFinished trunk0/10 #1: device refused the change",
            "journal #1 cutting→cutFailed (playbook)",
            "publish",
            "record transition trunk0/10 #1 cutting→cutFailed",
            "record notification trunk0/10 #1 cutFailed",
            "notify cutFailed #1 cutFailed",
        ])
        #expect(notifications(last).map(\.actionResult) == [
            "cut attempt 3 failed: device refused the change; giving up after 3 attempts"])
        #expect(notifications(last).map(\.actionAuthor) == ["auto"])
        #expect(h.tick(at: 100).isEmpty)
        #expect(h.running.isEmpty)
    }
}
