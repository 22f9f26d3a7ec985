import LoopSentryCore
import Testing

/// The journal's health: one alarm per excursion, cleared by the first good write, cuts held
/// while failing.
@Suite struct JournalHealthTests {
    @Test("first failure raises the alarm once; further failures are quiet; cuts are held")
    func failures() {
        var h = JournalHealth()
        #expect(h.allowsCuts)
        #expect(h.writeFailed("database or disk is full", at: 100) == .raiseAlarm(reason: "database or disk is full"))
        #expect(h.writeFailed("database or disk is full", at: 200) == .none)
        #expect(h.state == .failing(since: 100, reason: "database or disk is full"))
        #expect(!h.allowsCuts)
    }

    @Test("a good write clears the alarm with the time unavailable; good writes before are quiet")
    func recovery() {
        var h = JournalHealth()
        #expect(h.writeSucceeded(at: 50) == .none)
        _ = h.writeFailed("disk full", at: 1_000)
        #expect(h.writeSucceeded(at: 3_500) == .clearAlarm(unavailableNanos: 2_500))
        #expect(h.allowsCuts && h.state == .writable)
        #expect(h.writeSucceeded(at: 4_000) == .none)
        #expect(h.writeFailed("disk full", at: 5_000) == .raiseAlarm(reason: "disk full"))
    }
}
