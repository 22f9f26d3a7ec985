import Foundation
import LoopSentryCore
import Sensor

extension Daemon {
    /// Runs one journal write. A failure (disk full, read-only file system) does not stop the
    /// daemon: it goes to `journalHealth`, which raises the alarm once, and the caller gets nil.
    /// The next write that succeeds clears the alarm.
    @discardableResult
    func journaled<T>(_ body: () throws -> T) -> T? {
        do {
            let result = try body()
            raise(journalHealth.writeSucceeded(at: MonotonicClock.nanos()))
            return result
        } catch {
            // GRDB: "SQLite error 13: database or disk is full - while executing `...`": keep the cause.
            let reason = String(describing: error).components(separatedBy: " - while executing").first ?? "\(error)"
            raise(journalHealth.writeFailed(reason, at: MonotonicClock.nanos()))
            return nil
        }
    }

    /// Carries out the health's action: an event line (and one stderr line for the alarm, which
    /// journald and the service's log keep even when the event log is redirected).
    private func raise(_ action: JournalHealth.Action) {
        switch action {
        case .none:
            break
        case let .raiseAlarm(reason):
            let line = "journal \(journal.path) cannot be written (\(reason)): sensing and notifications go on; no cut starts until it can"
            log.write("journalUnavailable", detail: line, at: MonotonicClock.nanos())
            FileHandle.standardError.write(Data("loopsentry: \(line)\n".utf8))
        case let .clearAlarm(nanos):
            log.write("journalRecovered", detail: String(format: "journal writable again after %.1f s", Double(nanos) / 1e9),
                      at: MonotonicClock.nanos())
        }
    }
}
