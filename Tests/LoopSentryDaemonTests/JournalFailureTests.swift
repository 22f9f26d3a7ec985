import LoopSentryCore
import LoopSentryDaemon
import Remediate
import Testing

/// A journal that cannot be written raises the alarm once; sensing and notifications go on but
/// no batch starts until a write succeeds again.
@Suite struct JournalFailureTests {
    static let alarm = "journal \(Fixture.journalPath) cannot be written (database or disk is full): "
        + "sensing and notifications go on; no cut starts until it can"

    /// An attempt whose runs cannot be journaled: reported finished with the journal's failure.
    static func notStarted(_ attempt: Int, retryAt: String) -> [String] {
        ["startBatch \(attempt) cut nftables VLANs 10",
         "pollSoon",
         "record cutFinished trunk0/10 #1: journal cannot be written: cut not started",
         "journal open #1 trunk0/10 org-a auto, #1 cutting→cutting (playbook)"]
            + Expect.moved(10, "cutting", "cutting") + ["wake \(retryAt)"]
    }

    @Test("while the journal fails, the alarm is raised once and no cut starts; the first attempt after it recovers runs")
    func failingJournalStopsCuts() {
        var h = Harness()
        h.journalFailure = "database or disk is full"
        let first = h.storm(10)
        #expect(trace(first) == [
            "record stormDetected trunk0/10: broadcast",
            "journal open #1 trunk0/10 org-a auto, #1 normal→detected (detector), #1 detected→cutting (policy auto)",
            "record journalUnavailable: \(Self.alarm)",
            "alarm \(Self.alarm)",
        ] + Expect.moved(10, "normal", "detected") + Expect.notified(10, "stormDetected", "detected")
            + Expect.moved(10, "detected", "cutting") + Self.notStarted(1, retryAt: "3.3"))
        #expect(trace(first).filter { $0.hasPrefix("record cutStarted") }.isEmpty, "no start line for a batch never journaled")
        #expect(h.running.isEmpty)
        #expect(h.coordinator.journalHealth.state == .failing(since: t(1.3), reason: "database or disk is full"))

        let second = h.tick(at: 3.3)
        #expect(trace(second) == [
            "journal open #1 trunk0/10 org-a auto, #1 cutting→cutting (retry backoff)",
        ] + Expect.moved(10, "cutting", "cutting") + Self.notStarted(2, retryAt: "7.3"))
        #expect(h.running.isEmpty)
        #expect(trace(first + second).filter { $0.hasPrefix("alarm") }.count == 1)
        #expect(trace(second).filter { $0.hasPrefix("record cutStarted") }.isEmpty)

        h.journalFailure = nil
        #expect(trace(h.tick(at: 7.3)) == [
            "journal open #1 trunk0/10 org-a auto, #1 cutting→cutting (retry backoff)",
            "record journalRecovered: journal writable again after 6.0 s",
            "publish",
            "record transition trunk0/10 #1 cutting→cutting",
            "record cutStarted trunk0/10 #1: cut via nftables VLANs 10 port br0 attempt 3",
            "startBatch 3 cut nftables VLANs 10",
        ])
        #expect(h.coordinator.journalHealth.state == .writable)
        #expect(h.running.map(\.id) == [3])
        #expect(h.tick(at: 7.4).isEmpty)
    }

    @Test("an incident opened while the journal failed is opened once it can be written")
    func openedOnceWritable() {
        var h = Harness()
        h.journalFailure = "attempt to write a readonly database"
        _ = h.storm(30)
        h.journalFailure = nil
        let accepted = "dismiss accepted for VLAN 30 on trunk0 (incident 1)"
        var expected = Expect.accepted("dismiss", 30, leaving: "normal", accepted)
            + ["journal open #1 trunk0/30 org-c alarm, #1 detected→normal (operator alice via cli) closed"]
            + Expect.moved(30, "detected", "normal") + Expect.notified(30, "stormCleared", "normal")
        expected.insert("record journalRecovered: journal writable again after 0.7 s", at: 1)
        #expect(trace(h.operator_(.dismiss, 30, at: 2).1) == expected)
        #expect(h.openIncidents.isEmpty)
    }
}
