/// Whether the journal can be written, as a value the daemon feeds with the outcome of every
/// write. While it cannot (its disk is full, its file system read-only), the daemon keeps sensing
/// and notifying but starts no cut: a cut it cannot journal could not be resumed or audited.
///
/// States:
/// - `writable`: the last write succeeded (or none failed yet);
/// - `failing(since:reason:)`: a write failed at `since` (monotonic ns) for `reason`; stays
///   until a write succeeds again.
public struct JournalHealth: Equatable, Sendable {
    public enum State: Equatable, Sendable {
        case writable
        case failing(since: UInt64, reason: String)
    }

    /// What the daemon does after an event: raise or clear the alarm, once per excursion.
    public enum Action: Equatable, Sendable {
        case none
        /// The first failed write: tell the operator (one line naming the reason).
        case raiseAlarm(reason: String)
        /// A write succeeded after failures: say how long the journal was unavailable.
        case clearAlarm(unavailableNanos: UInt64)
    }

    public private(set) var state: State = .writable

    public init() {}

    /// True while a cut may start.
    public var allowsCuts: Bool { state == .writable }

    /// A journal write failed at `now` with `reason` (e.g. SQLite's "database or disk is full").
    public mutating func writeFailed(_ reason: String, at now: UInt64) -> Action {
        guard case .writable = state else { return .none }
        state = .failing(since: now, reason: reason)
        return .raiseAlarm(reason: reason)
    }

    /// A journal write succeeded at `now`.
    public mutating func writeSucceeded(at now: UInt64) -> Action {
        guard case let .failing(since, _) = state else { return .none }
        state = .writable
        return .clearAlarm(unavailableNanos: now >= since ? now - since : 0)
    }
}
