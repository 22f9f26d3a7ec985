import LoopSentryCore

/// What the journal keeps of one open incident so it survives a restart (or a reboot). Times are
/// wall-clock milliseconds since 1970, as the monotonic clock does not survive a reboot.
public struct IncidentSnapshot: Codable, Equatable, Sendable {
    /// The persisted state. `verifying` and `retryWait` are saved as `cutting` of the last attempt
    /// started: all three resume the same way (see `IncidentStateMachine.restoring`).
    public enum Phase: Codable, Equatable, Sendable {
        /// Alarm-only incident, detected at `sinceMillis`.
        case detected(sinceMillis: Int64)
        /// Waiting for an acknowledgement; `deadlineMillis` nil once it passed with keep waiting.
        case pendingAck(sinceMillis: Int64, deadlineMillis: Int64?)
        /// Cut attempt `attempt` started; its result is not known to be verified.
        case cutting(attempt: Int)
        /// The VLAN is cut and verified.
        case cut
        /// Every cut attempt failed.
        case cutFailed
        /// The restore playbook was started from `cut` or, when true, from `cutFailed`.
        case restoring(afterCutFailed: Bool)
    }

    /// The incident's id.
    public var incident: UInt64
    /// The trunk interface name.
    public var interface: String
    /// The (outer) VLAN.
    public var vlan: UInt16
    /// The inner VLAN of a QinQ pair key, nil for a plain VLAN.
    public var innerVLAN: UInt16?
    /// The VNI of a VXLAN key (then `vlan` is 0), nil for a VLAN key; absent in older snapshots.
    public var vni: UInt32?
    /// The tenant's name when the incident started.
    public var tenant: String
    /// Where the incident was.
    public var phase: Phase
    /// Who caused the cut ("auto", "deadline", "hard limit" or an operator).
    public var cutAuthor: String
    /// Who asked for the restore.
    public var restoreAuthor: String

    /// Creates a snapshot.
    public init(incident: UInt64, interface: String, vlan: UInt16, innerVLAN: UInt16? = nil, vni: UInt32? = nil, tenant: String,
                phase: Phase, cutAuthor: String = "", restoreAuthor: String = "") {
        self.incident = incident
        self.interface = interface
        self.vlan = vlan
        self.innerVLAN = innerVLAN
        self.vni = vni
        self.tenant = tenant
        self.phase = phase
        self.cutAuthor = cutAuthor
        self.restoreAuthor = restoreAuthor
    }

    /// The key the snapshot is about, nil when its VLAN or VNI numbers are out of range.
    public var key: DetectionKey? {
        if let vni { return VNI(Int(vni)).map { DetectionKey(interface: interface, vni: $0) } }
        guard let outer = VLANID(Int(vlan)) else { return nil }
        guard let innerVLAN else { return DetectionKey(interface: interface, vlan: outer) }
        return VLANID(Int(innerVLAN)).map { DetectionKey(interface: interface, pair: VLANPair(outer: outer, inner: $0)) }
    }
}

extension IncidentStateMachine {
    /// The state to persist after every `.journal` action, nil in `normal` (no open incident).
    /// `now` (monotonic ns) and `wallNow` convert deadlines to wall-clock time.
    public func snapshot(now: UInt64, wallNow: UTCTimestamp) -> IncidentSnapshot? {
        let wall = { (t: UInt64) in wallMillis(of: t, now: now, wallNow: wallNow) }
        let phase: IncidentSnapshot.Phase
        switch state {
        case .normal: return nil
        case .detected(let since): phase = .detected(sinceMillis: wall(since))
        case .pendingAck(let since, let deadline):
            phase = .pendingAck(sinceMillis: wall(since), deadlineMillis: deadline.map(wall))
        case .cutting(let attempt), .verifying(let attempt, _): phase = .cutting(attempt: attempt)
        case .retryWait(let next, _): phase = .cutting(attempt: next - 1)
        case .cut: phase = .cut
        case .cutFailed: phase = .cutFailed
        case .restoring(let after): phase = .restoring(afterCutFailed: after == .cutFailed)
        }
        return IncidentSnapshot(incident: incidentID ?? 0, interface: key.interface, vlan: key.outer?.value ?? 0,
                                innerVLAN: key.inner?.value, vni: key.vni?.value, tenant: tenant.name, phase: phase,
                                cutAuthor: cutAuthor, restoreAuthor: restoreAuthor)
    }

    /// Resumes a persisted incident at `now` (monotonic ns) / `wallNow`; returns the machine and the
    /// actions to carry out once. The rule:
    /// - `detected`, `cut`, `cutFailed`: unchanged, no actions (a cut VLAN stays cut and restorable);
    /// - `pendingAck`: still pending with its original deadline (a tick is scheduled; a deadline
    ///   that passed while down fires at the first tick);
    /// - `cutting` of attempt n (playbook result unknown, or verifying, or waiting to retry): the cut
    ///   is NOT run again blindly. The machine verifies attempt n for a full verify window: a calm
    ///   rate confirms the cut; a storm that persists counts as attempt n failed, so attempt n+1
    ///   runs after the backoff (or `cutFailed` after the last attempt) — attempts stay bounded;
    /// - `restoring`: the restore playbook runs again (it is idempotent; re-adding changes nothing).
    public static func restoring(_ snapshot: IncidentSnapshot, key: DetectionKey, tenant: TenantPolicy,
                                 fallingThreshold: Double, now: UInt64,
                                 wallNow: UTCTimestamp) -> (machine: IncidentStateMachine, actions: [Action]) {
        var machine = IncidentStateMachine(key: key, tenant: tenant, fallingThreshold: fallingThreshold)
        let mono = { (ms: Int64) in monotonic(ofWallMillis: ms, now: now, wallNow: wallNow) }
        machine.incidentID = snapshot.incident
        machine.cutAuthor = snapshot.cutAuthor
        machine.restoreAuthor = snapshot.restoreAuthor
        switch snapshot.phase {
        case .detected(let since):
            machine.state = .detected(since: mono(since))
            return (machine, [])
        case .pendingAck(let since, let deadline):
            machine.state = .pendingAck(since: mono(since), deadline: deadline.map(mono))
            return (machine, machine.nextDeadline.map { [.scheduleTick(at: $0)] } ?? [])
        case .cutting(let attempt):
            machine.state = .cutting(attempt: attempt)
            let actions = machine.startVerifying(
                attempt, cause: "restart",
                detail: "cut attempt \(attempt) result unknown after restart: re-checking the counters", at: now)
            return (machine, actions)
        case .cut:
            machine.state = .cut
            return (machine, [])
        case .cutFailed:
            machine.state = .cutFailed
            return (machine, [])
        case .restoring(let afterCutFailed):
            machine.state = .restoring(after: afterCutFailed ? .cutFailed : .cut)
            let journal = machine.move(to: machine.state, cause: "restart",
                                       detail: "restore result unknown after restart: running it again", at: now)
            return (machine, [journal, .runRestore])
        }
    }
}

/// The wall-clock milliseconds of monotonic instant `t`, given that `now` is `wallNow`.
func wallMillis(of t: UInt64, now: UInt64, wallNow: UTCTimestamp) -> Int64 {
    let base = wallNow.millisecondsSince1970
    let delta = Int64(clamping: (t >= now ? t - now : now - t) / 1_000_000)
    let (result, overflow) = t >= now ? base.addingReportingOverflow(delta) : base.subtractingReportingOverflow(delta)
    return overflow ? (t >= now ? .max : .min) : result
}

/// The monotonic instant of wall-clock `ms`, given that `now` is `wallNow`; saturating at 0 and max.
func monotonic(ofWallMillis ms: Int64, now: UInt64, wallNow: UTCTimestamp) -> UInt64 {
    let delta = ms.subtractingReportingOverflow(wallNow.millisecondsSince1970)
    guard !delta.overflow else { return ms > 0 ? .max : 0 }
    let magnitude = delta.partialValue.magnitude.multipliedReportingOverflow(by: 1_000_000)
    if delta.partialValue >= 0 {
        let (sum, carry) = now.addingReportingOverflow(magnitude.partialValue)
        return magnitude.overflow || carry ? .max : sum
    }
    return magnitude.overflow || magnitude.partialValue > now ? 0 : now - magnitude.partialValue
}
