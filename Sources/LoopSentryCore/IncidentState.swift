/// The incident state of one (interface, VLAN), as the incident state machine (docs/architecture.md) and
/// LOOPSENTRY-MIB's `LoopSentryIncidentState` define it. Raw values are the MIB's.
public enum IncidentState: Int, CaseIterable, Sendable, CustomStringConvertible {
    /// No storm.
    case normal = 1
    /// Rate above the rising threshold for the sustain time, or a probe returned.
    case detected = 2
    /// Policy `ack`: the cut waits for an operator.
    case pendingAck = 3
    /// The cut playbook is running.
    case cutting = 4
    /// The VLAN is off the trunk and the counters confirm the storm stopped.
    case cut = 5
    /// The cut did not succeed after bounded retries.
    case cutFailed = 6
    /// The restore playbook is running.
    case restoring = 7

    public var description: String {
        switch self {
        case .normal: "normal"
        case .detected: "detected"
        case .pendingAck: "pendingAck"
        case .cutting: "cutting"
        case .cut: "cut"
        case .cutFailed: "cutFailed"
        case .restoring: "restoring"
        }
    }
}

/// A tenant's answer to "what happens when a storm is detected on my VLAN".
/// Raw values are LOOPSENTRY-MIB's `LoopSentryPolicy`.
public enum RemediationPolicy: Int, CaseIterable, Sendable, CustomStringConvertible {
    /// Cut the VLAN at once.
    case auto = 1
    /// Wait for an operator to acknowledge the cut.
    case ack = 2
    /// Notify only; never cut.
    case alarm = 3

    public var description: String {
        switch self {
        case .auto: "auto"
        case .ack: "ack"
        case .alarm: "alarm"
        }
    }
}

/// What an operator can ask of an incident (SNMP SET, CLI). Raw values are the
/// `loopSentryVlanAction` enumeration, where 1 is `none`.
public enum OperatorAction: Int, CaseIterable, Sendable, CustomStringConvertible {
    /// Allow the pending cut (state `pendingAck` → `cutting`).
    case acknowledgeCut = 2
    /// Not a loop: back to `normal` with a hold-down (from `detected` or `pendingAck`).
    case dismiss = 3
    /// Put a cut VLAN back on the trunk (from `cut` or `cutFailed`).
    case restore = 4

    /// The states in which this action makes sense; in any other state it is refused.
    public var acceptedStates: Set<IncidentState> {
        switch self {
        case .acknowledgeCut: [.pendingAck]
        case .dismiss: [.detected, .pendingAck]
        case .restore: [.cut, .cutFailed]
        }
    }

    public var description: String {
        switch self {
        case .acknowledgeCut: "acknowledgeCut"
        case .dismiss: "dismiss"
        case .restore: "restore"
        }
    }
}
