import LoopSentryCore

/// One change of an incident's state, for the journal: what changed, who or what caused it, when,
/// and the result in words. The state machine hands these to the shell as `.journal` actions, first
/// in each list, so the shell can write them before it starts any playbook (write-ahead).
public struct Transition: Equatable, Sendable {
    /// The incident the change belongs to.
    public var incident: UInt64
    /// The (interface, VLAN) of the incident.
    public var key: DetectionKey
    /// The state before the change (as the MIB shows it).
    public var from: IncidentState
    /// The state after the change; it may equal `from` (a retry, a verified step, a reminder).
    public var to: IncidentState
    /// Who or what caused it: "detector", "policy auto", "operator alice via cli", "deadline",
    /// "hard limit", "playbook", "verification", "retry backoff", "restart".
    public var cause: String
    /// When, in monotonic nanoseconds; the shell adds the wall-clock time as it journals.
    public var at: UInt64
    /// What happened, in one line.
    public var detail: String

    /// Creates a transition record.
    public init(incident: UInt64, key: DetectionKey, from: IncidentState, to: IncidentState,
                cause: String, at: UInt64, detail: String) {
        self.incident = incident
        self.key = key
        self.from = from
        self.to = to
        self.cause = cause
        self.at = at
        self.detail = detail
    }
}

extension IncidentStateMachine {
    /// Work for the shell, carried out in the order returned. Times are monotonic nanoseconds.
    public enum Action: Equatable, Sendable {
        /// Write the transition to the journal (and the machine's `snapshot`) before the actions
        /// that follow it.
        case journal(Transition)
        /// Tell the NOC (SNMP notification, syslog). `author` is who caused the event; `detail`
        /// the result in words. The shell fills the rate, thresholds and state from the status row.
        case notify(NOCNotificationKind, author: String, detail: String)
        /// Run the cut playbook, then report with `cutFinished(attempt:success:detail:at:)`.
        case runCut(attempt: Int)
        /// Run the restore playbook, then report with `restoreFinished(success:detail:at:)`.
        case runRestore
        /// Call `tick(at:)` at or after `at` (an ack deadline, a verify window, a retry backoff).
        case scheduleTick(at: UInt64)
        /// Suppress detection on the key until `until` (`Detector.suppress(_:until:)`).
        case suppressDetection(until: UInt64)
        /// Forget the key's detection state so a new storm is detected afresh (`Detector.reset`).
        case rearmDetection
    }
}

/// Why an operator's action was refused, in one line naming the VLAN and its state.
public struct OperatorRefusal: Error, Equatable, Sendable, CustomStringConvertible {
    /// E.g. "VLAN 20 on eth1 is normal, not pendingAck: nothing to acknowledge".
    public var message: String

    /// Creates a refusal.
    public init(message: String) { self.message = message }

    /// The message.
    public var description: String { message }

    /// The refusal as the operator sees it (loopSentryVlanActionResult).
    public var actionResult: OperatorActionResult {
        OperatorActionResult(accepted: false, message: message)
    }
}

extension DetectionKey {
    /// `VLAN 20 on eth1`, `VLAN 100.20 on eth1` for a QinQ pair, `VNI 5000 on eth1`.
    var spoken: String { "\(segment) on \(interface)" }
}
