import Foundation

/// When a failed webhook delivery is tried again: exponential backoff, doubling from `initial`
/// and capped at `cap` (1 s, 2 s, 4 s, ... 5 min by default). A pure value: the caller passes
/// the time.
public struct WebhookBackoff: Equatable, Sendable {
    public var initial: TimeInterval
    public var cap: TimeInterval

    public init(initial: TimeInterval = 1, cap: TimeInterval = 300) {
        self.initial = initial
        self.cap = cap
    }

    /// The wait after the `failures`-th failed attempt (1 → `initial`).
    public func delay(afterFailures failures: Int) -> TimeInterval {
        guard failures > 0 else { return 0 }
        // 2^62 overflows nothing and is far past any cap.
        let factor = pow(2.0, Double(min(failures - 1, 62)))
        return min(initial * factor, cap)
    }

    /// When to try again after the `failures`-th failure at `now`.
    public func nextAttempt(afterFailures failures: Int, at now: Date) -> Date {
        now.addingTimeInterval(delay(afterFailures: failures))
    }
}
