import LoopSentryCore

/// The incident of one (interface, VLAN): a value with no I/O whose mutating event methods take the
/// time (monotonic nanoseconds) and return the `Action`s the shell carries out, in order.
///
/// Events: `detected` (from the Detector), `rate` (broadcast samples), `tick` (deadlines),
/// `cleared` (the storm ended by itself), `perform` (operator actions), `cutFinished` and
/// `restoreFinished` (playbook results). Every state change comes back as a `.journal(Transition)`
/// first in its list. Events that do not fit the state (a late or duplicate playbook result, a
/// stale tick) return no actions, so a cut never runs twice for one attempt, and attempts are
/// bounded by the tenant's `maxCutAttempts`.
///
/// The shell persists `snapshot(now:wallNow:)` after every event that returned a `.journal`, before
/// it carries out the other actions (so a crash after a playbook started still shows `cutting`), and
/// resumes with `restoring(_:key:tenant:fallingThreshold:now:wallNow:)` after a restart.
public struct IncidentStateMachine: Sendable {
    /// The states; `incidentState` maps them onto the MIB's `IncidentState`.
    public enum State: Equatable, Sendable {
        /// No incident.
        case normal
        /// Storm or loop detected under policy alarm: notified, waits for the storm to clear or
        /// an operator's dismiss. Also the passing state on the way to `pendingAck` or `cutting`.
        case detected(since: UInt64)
        /// Policy ack: the cut waits for an operator until `deadline`; nil once the deadline passed
        /// and the tenant keeps waiting.
        case pendingAck(since: UInt64, deadline: UInt64?)
        /// The cut playbook is running as attempt `attempt` (1-based).
        case cutting(attempt: Int)
        /// Attempt `attempt` succeeded (or, after a restart, its result is unknown); the broadcast
        /// rate must fall to or below the falling threshold before `until`. MIB state `cutting`.
        case verifying(attempt: Int, until: UInt64)
        /// An attempt failed; attempt `nextAttempt` runs at `at`. MIB state `cutting`.
        case retryWait(nextAttempt: Int, at: UInt64)
        /// The VLAN is off the trunk and the counters confirmed the storm stopped.
        case cut
        /// Every attempt failed; waits for an operator's restore.
        case cutFailed
        /// The restore playbook is running; `after` (cut or cutFailed) is where a failure returns.
        case restoring(after: IncidentState)
    }

    /// The (interface, VLAN) this machine is about.
    public let key: DetectionKey
    /// The tenant's policy, fixed for the machine's life.
    public let tenant: TenantPolicy
    /// Broadcast frames/s at or below which a cut counts as verified (the detector's falling threshold).
    public let fallingThreshold: Double
    /// The current state.
    public internal(set) var state: State = .normal
    /// The incident in progress, nil in `normal`.
    public internal(set) var incidentID: UInt64?
    /// Who caused the current cut ("auto", "deadline", "hard limit" or an operator's name).
    public internal(set) var cutAuthor = ""
    /// Who asked for the current restore.
    public internal(set) var restoreAuthor = ""
    /// The last broadcast rate seen while verifying, for the failure message.
    var lastVerifyRate: Double?

    /// A machine in `normal` for `key`, run by `tenant`'s policy, verifying cuts against `fallingThreshold`.
    public init(key: DetectionKey, tenant: TenantPolicy, fallingThreshold: Double) {
        self.key = key
        self.tenant = tenant
        self.fallingThreshold = fallingThreshold
    }

    /// The state as LOOPSENTRY-MIB shows it: `verifying` and `retryWait` are `cutting`.
    public var incidentState: IncidentState {
        switch state {
        case .normal: .normal
        case .detected: .detected
        case .pendingAck: .pendingAck
        case .cutting, .verifying, .retryWait: .cutting
        case .cut: .cut
        case .cutFailed: .cutFailed
        case .restoring: .restoring
        }
    }

    /// When `tick(at:)` next has something to do, nil when nothing waits on time.
    public var nextDeadline: UInt64? {
        switch state {
        case .pendingAck(_, let deadline): deadline
        case .verifying(_, let until): until
        case .retryWait(_, let at): at
        default: nil
        }
    }

    /// Moves to `next` and returns the journal action for it; leaving for `normal` ends the incident.
    mutating func move(to next: State, cause: String, detail: String, at now: UInt64) -> Action {
        let from = incidentState
        state = next
        let transition = Transition(incident: incidentID ?? 0, key: key, from: from, to: incidentState,
                                    cause: cause, at: now, detail: detail)
        if next == .normal { incidentID = nil }
        return .journal(transition)
    }

    /// Starts cut attempt 1, caused by `cause`; `author` is who the cut is credited to. `announce`
    /// tells the NOC with `cutPending` (a cut that goes ahead without an acknowledgement).
    mutating func startCut(cause: String, author: String, detail: String, announce: Bool = false,
                           at now: UInt64) -> [Action] {
        cutAuthor = author
        let journal = move(to: .cutting(attempt: 1), cause: cause, detail: detail, at: now)
        let notice: [Action] = announce ? [.notify(.cutPending, author: author, detail: detail)] : []
        return [journal] + notice + [.runCut(attempt: 1)]
    }

    /// Attempt `attempt` failed (`why`): retry after the backoff, or give up as `cutFailed`.
    mutating func failAttempt(_ attempt: Int, cause: String, why: String, at now: UInt64) -> [Action] {
        guard attempt < tenant.attemptLimit else {
            let detail = "\(why); giving up after \(attempt) attempt\(attempt == 1 ? "" : "s")"
            return [move(to: .cutFailed, cause: cause, detail: detail, at: now),
                    .notify(.cutFailed, author: cutAuthor, detail: detail)]
        }
        let delay = tenant.retryDelay(afterAttempt: attempt)
        let next = adding(delay, to: now)
        let detail = "\(why); attempt \(attempt + 1) of \(tenant.attemptLimit) in \(describe(delay))"
        return [move(to: .retryWait(nextAttempt: attempt + 1, at: next), cause: cause, detail: detail, at: now),
                .scheduleTick(at: next)]
    }

    /// Verification passed: the VLAN is cut.
    mutating func confirmCut(cause: String, detail: String, at now: UInt64) -> [Action] {
        lastVerifyRate = nil
        return [move(to: .cut, cause: cause, detail: detail, at: now),
                .notify(.cutApplied, author: cutAuthor, detail: detail)]
    }

    /// Starts verifying attempt `attempt` for the tenant's verify window.
    mutating func startVerifying(_ attempt: Int, cause: String, detail: String, at now: UInt64) -> [Action] {
        let until = adding(tenant.verifyWindow, to: now)
        lastVerifyRate = nil
        let line = "\(detail); verifying for \(describe(tenant.verifyWindow))"
        return [move(to: .verifying(attempt: attempt, until: until), cause: cause, detail: line, at: now),
                .scheduleTick(at: until)]
    }
}
