import LoopSentryCore

/// How one organization wants storms on its VLANs handled: notify only, cut at once, or cut after
/// an operator acknowledges, with the timings of the cut, its verification and its retries.
///
/// Values come from the tenant's configuration. An incident keeps the policy it started with, so a
/// configuration reload never changes the rules of an incident in progress.
public struct TenantPolicy: Equatable, Sendable {
    /// What happens when an ack-policy cut has waited `ackDeadline` without an answer.
    public enum DeadlineOutcome: String, Equatable, Sendable, Codable {
        /// Cut without acknowledgement; the NOC is told with `cutPending` (state `cutting`).
        case cut
        /// Keep waiting, with no further deadline; the NOC is reminded once with `cutPending`
        /// (state `pendingAck`). This is the default: nothing is cut without a human unless the
        /// tenant asked for it.
        case keepWaiting
    }

    /// The organization's name, as shown in notifications ("" for VLANs without a tenant).
    public var name: String
    /// alarm (notify only), auto (cut at once) or ack (cut once an operator acknowledges).
    public var policy: RemediationPolicy
    /// How long an ack-policy cut waits for an operator before `onAckDeadline` applies.
    public var ackDeadline: Duration
    /// What happens when `ackDeadline` passes.
    public var onAckDeadline: DeadlineOutcome
    /// Broadcast frames/s above which an ack-policy incident cuts at once, without waiting for an
    /// acknowledgement; nil disables it.
    public var hardLimit: Double?
    /// How long after a cut playbook succeeds the broadcast rate may take to fall to or below the
    /// falling threshold; if it does not, the attempt counts as failed.
    public var verifyWindow: Duration
    /// How many times the cut playbook may run for one incident (at least 1).
    public var maxCutAttempts: Int
    /// The wait before the second attempt; it doubles for each further attempt.
    public var retryBackoff: Duration
    /// How long detection stays suppressed on a VLAN after an operator dismisses its incident.
    public var dismissHoldDown: Duration

    /// Creates a policy. Defaults: ack deadline 5 min then keep waiting, no hard limit, verify
    /// window 5 s, 3 cut attempts with 2 s doubling backoff, dismiss hold-down 10 min.
    public init(name: String, policy: RemediationPolicy, ackDeadline: Duration = .seconds(300),
                onAckDeadline: DeadlineOutcome = .keepWaiting, hardLimit: Double? = nil,
                verifyWindow: Duration = .seconds(5), maxCutAttempts: Int = 3,
                retryBackoff: Duration = .seconds(2), dismissHoldDown: Duration = .seconds(600)) {
        self.name = name
        self.policy = policy
        self.ackDeadline = ackDeadline
        self.onAckDeadline = onAckDeadline
        self.hardLimit = hardLimit
        self.verifyWindow = verifyWindow
        self.maxCutAttempts = maxCutAttempts
        self.retryBackoff = retryBackoff
        self.dismissHoldDown = dismissHoldDown
    }

    /// The policy of VLANs that belong to no tenant: notify only, never cut.
    public static let alarmOnly = TenantPolicy(name: "", policy: .alarm)

    /// `maxCutAttempts`, at least 1.
    public var attemptLimit: Int { max(1, maxCutAttempts) }

    /// The wait after failed attempt `attempt` (1-based) before the next one: `retryBackoff`
    /// doubled `attempt - 1` times, the doubling capped at 2^16 so it stays bounded.
    public func retryDelay(afterAttempt attempt: Int) -> Duration {
        retryBackoff * (1 << min(max(attempt - 1, 0), 16))
    }
}

/// Whole nanoseconds in `duration`; negative durations give 0, huge ones saturate.
func nanos(_ duration: Duration) -> UInt64 {
    guard duration > .zero else { return 0 }
    let (seconds, attoseconds) = duration.components
    let (whole, overflow) = UInt64(seconds).multipliedReportingOverflow(by: 1_000_000_000)
    let (total, carry) = whole.addingReportingOverflow(UInt64(attoseconds / 1_000_000_000))
    return overflow || carry ? .max : total
}

/// `instant + duration` in monotonic nanoseconds, saturating.
func adding(_ duration: Duration, to instant: UInt64) -> UInt64 {
    let (sum, overflow) = instant.addingReportingOverflow(nanos(duration))
    return overflow ? .max : sum
}

/// A duration for messages: `300 s`, `1.5 s`, `250 ms`.
func describe(_ duration: Duration) -> String {
    let ms = nanos(duration) / 1_000_000
    if ms % 1000 == 0 { return "\(ms / 1000) s" }
    if ms >= 1000 { return "\(ms / 1000).\(String(ms % 1000).leftPadded(to: 3).trimmingTrailingZeros) s" }
    return "\(ms) ms"
}

/// A rate for messages, rounded to whole frames per second.
func describeRate(_ rate: Double) -> String {
    guard rate.isFinite else { return rate > 0 ? "inf" : "nan" }
    let rounded = rate.rounded()
    guard abs(rounded) < 9e18 else { return rounded > 0 ? "\(Int64.max)" : "\(Int64.min)" }
    return String(Int64(rounded))
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: max(0, width - count)) + self
    }

    fileprivate var trimmingTrailingZeros: String {
        var s = self
        while s.count > 1, s.hasSuffix("0") { s.removeLast() }
        return s
    }
}
