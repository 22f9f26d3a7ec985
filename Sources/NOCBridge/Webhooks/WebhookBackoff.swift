import Foundation

/// When a failed webhook delivery is tried again: exponential backoff with "equal jitter". The
/// ceiling doubles from `initial` and is capped at `cap` (1 s, 2 s, 4 s, ... 5 min by default);
/// the wait is half the ceiling plus a uniformly random part of the other half, in whole
/// milliseconds, so failed deliveries spread out instead of retrying in lockstep. A pure value:
/// the caller passes the time and the randomness.
public struct WebhookBackoff: Equatable, Sendable {
    public var initial: TimeInterval
    public var cap: TimeInterval

    public init(initial: TimeInterval = 1, cap: TimeInterval = 300) {
        self.initial = initial
        self.cap = cap
    }

    /// The largest wait after the `failures`-th failed attempt (1 → `initial`): the doubled,
    /// capped delay before jitter.
    public func ceiling(afterFailures failures: Int) -> TimeInterval {
        guard failures > 0 else { return 0 }
        // 2^62 overflows nothing and is far past any cap.
        let factor = pow(2.0, Double(min(failures - 1, 62)))
        return min(initial * factor, cap)
    }

    /// The wait after the `failures`-th failed attempt: `ceiling / 2` plus a random
    /// 0...`ceiling / 2`, in whole milliseconds (so within [ceiling / 2, ceiling]).
    public func delay(afterFailures failures: Int, using random: inout some RandomNumberGenerator) -> TimeInterval {
        let ceilingMs = UInt64((ceiling(afterFailures: failures) * 1000).rounded(.down))
        let fixedMs = ceilingMs / 2
        let jitterMs = UInt64.random(in: 0...(ceilingMs - fixedMs), using: &random)
        return Double(fixedMs + jitterMs) / 1000
    }

    /// When to try again after the `failures`-th failure at `now`.
    public func nextAttempt(afterFailures failures: Int, at now: Date, using random: inout some RandomNumberGenerator) -> Date {
        now.addingTimeInterval(delay(afterFailures: failures, using: &random))
    }
}
