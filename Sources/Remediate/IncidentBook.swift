import LoopSentryCore

/// An action of one incident, with the key and incident it belongs to, as `IncidentBook` returns it.
public struct IncidentAction: Equatable, Sendable {
    /// The (interface, VLAN).
    public var key: DetectionKey
    /// The incident (for playbook variables and the journal).
    public var incident: UInt64
    /// What to do.
    public var action: IncidentStateMachine.Action

    /// Creates a keyed action.
    public init(key: DetectionKey, incident: UInt64, action: IncidentStateMachine.Action) {
        self.key = key
        self.incident = incident
        self.action = action
    }
}

/// Every open incident, one `IncidentStateMachine` per (interface, VLAN): routes Detector events,
/// rate samples, ticks, operator actions and playbook results to the right machine and returns
/// their actions tagged with key and incident. Pure, like the machines.
///
/// A detection on a key with no open incident opens one with the tenant `tenantFor` names and the
/// falling threshold `detection` gives; incident ids come from `nextIncidentID`, which the shell
/// seeds from the journal. A VLAN with no tenant gets `unassigned` (by default `.alarmOnly`:
/// notified, never cut); set it to nil to ignore such VLANs entirely. Machines that return to
/// `normal` are dropped.
public struct IncidentBook: Sendable {
    /// Thresholds per key; the broadcast falling threshold verifies cuts.
    public var detection: DetectionPolicy
    /// The policy of VLANs no tenant claims; nil ignores them.
    public var unassigned: TenantPolicy?
    /// The id the next incident gets.
    public private(set) var nextIncidentID: UInt64
    /// The open incidents.
    public private(set) var machines: [DetectionKey: IncidentStateMachine] = [:]
    let tenantFor: @Sendable (DetectionKey) -> TenantPolicy?

    /// Creates an empty book; `tenantFor` maps a key to its tenant's policy (nil: no tenant).
    public init(nextIncidentID: UInt64, detection: DetectionPolicy = DetectionPolicy(),
                unassigned: TenantPolicy? = .alarmOnly,
                tenantFor: @escaping @Sendable (DetectionKey) -> TenantPolicy?) {
        self.nextIncidentID = nextIncidentID
        self.detection = detection
        self.unassigned = unassigned
        self.tenantFor = tenantFor
    }

    /// The MIB state of `key`: `normal` when no incident is open.
    public func incidentState(for key: DetectionKey) -> IncidentState {
        machines[key]?.incidentState ?? .normal
    }

    /// The earliest instant a `tick(at:)` has something to do, nil when none.
    public var nextDeadline: UInt64? { machines.values.compactMap(\.nextDeadline).min() }

    /// A Detector event: opens an incident on a quiet key (unless it has no tenant and
    /// `unassigned` is nil), or feeds the open one.
    public mutating func handle(_ event: DetectionEvent) -> [IncidentAction] {
        let key = event.key
        if machines[key] == nil {
            if case .stormCleared = event { return [] }
            guard let tenant = tenantFor(key) ?? unassigned else { return [] }
            machines[key] = IncidentStateMachine(key: key, tenant: tenant, fallingThreshold: fallingThreshold(key))
        }
        let opening = machines[key]?.incidentState == .normal
        let id = nextIncidentID
        let result = update(key) { $0.detected(event, incident: id) }
        if opening, !result.isEmpty { nextIncidentID += 1 }
        return result
    }

    /// A broadcast rate sample for `key` (hard limit while pending, verification after a cut).
    public mutating func rate(_ broadcastPerSecond: Double, for key: DetectionKey, at now: UInt64) -> [IncidentAction] {
        update(key) { $0.rate(broadcastPerSecond, at: now) }
    }

    /// Time passed to `now`: every machine's deadlines, ordered by key.
    public mutating func tick(at now: UInt64) -> [IncidentAction] {
        machines.keys.sorted().flatMap { key in update(key) { $0.tick(at: now) } }
    }

    /// An operator's action on `key`; refused with the machine's message when it does not fit
    /// (a key with no incident is `normal`).
    public mutating func perform(_ action: OperatorAction, on key: DetectionKey, by author: String, via: String,
                                 at now: UInt64) -> Result<[IncidentAction], OperatorRefusal> {
        guard var machine = machines[key] else {
            let quiet = IncidentStateMachine(key: key, tenant: tenantFor(key) ?? unassigned ?? .alarmOnly,
                                             fallingThreshold: fallingThreshold(key))
            return .failure(quiet.refusal(for: action))
        }
        let incident = machine.incidentID ?? 0
        let result = machine.perform(action, by: author, via: via, at: now)
        store(machine)
        return result.map { $0.map { IncidentAction(key: key, incident: incident, action: $0) } }
    }

    /// The cut playbook's result for `key`.
    public mutating func cutFinished(_ key: DetectionKey, attempt: Int, success: Bool, detail: String,
                                     at now: UInt64) -> [IncidentAction] {
        update(key) { $0.cutFinished(attempt: attempt, success: success, detail: detail, at: now) }
    }

    /// The restore playbook's result for `key`.
    public mutating func restoreFinished(_ key: DetectionKey, success: Bool, detail: String,
                                         at now: UInt64) -> [IncidentAction] {
        update(key) { $0.restoreFinished(success: success, detail: detail, at: now) }
    }

    /// Every open incident to persist, ordered by key.
    public func snapshots(now: UInt64, wallNow: UTCTimestamp) -> [IncidentSnapshot] {
        machines.keys.sorted().compactMap { machines[$0]?.snapshot(now: now, wallNow: wallNow) }
    }

    /// Reopens persisted incidents after a restart (see `IncidentStateMachine.restoring` for the
    /// rule) and returns their resume actions, ordered by key. A tenant that left the configuration
    /// gets an alarm-only policy under its old name, so its cut VLAN stays restorable. Snapshots
    /// with an invalid VLAN are skipped. `nextIncidentID` moves past every restored id.
    public mutating func resume(_ snapshots: [IncidentSnapshot], now: UInt64, wallNow: UTCTimestamp) -> [IncidentAction] {
        let valid = snapshots.compactMap { snapshot in snapshot.key.map { (key: $0, snapshot: snapshot) } }
        return valid.sorted { $0.key < $1.key }.flatMap { key, snapshot in
            let tenant = tenantFor(key) ?? TenantPolicy(name: snapshot.tenant, policy: .alarm)
            let (machine, actions) = IncidentStateMachine.restoring(
                snapshot, key: key, tenant: tenant, fallingThreshold: fallingThreshold(key), now: now, wallNow: wallNow)
            machines[key] = machine
            nextIncidentID = max(nextIncidentID, snapshot.incident &+ 1)
            return actions.map { IncidentAction(key: key, incident: snapshot.incident, action: $0) }
        }
    }

    /// Runs `event` on `key`'s machine (if any), tags its actions and drops the machine once normal.
    mutating func update(_ key: DetectionKey,
                         _ event: (inout IncidentStateMachine) -> [IncidentStateMachine.Action]) -> [IncidentAction] {
        guard var machine = machines[key] else { return [] }
        let before = machine.incidentID
        let actions = event(&machine)
        let incident = machine.incidentID ?? before ?? 0
        store(machine)
        return actions.map { IncidentAction(key: key, incident: incident, action: $0) }
    }

    /// Keeps `machine`, or drops it when it is back to normal.
    mutating func store(_ machine: IncidentStateMachine) {
        machines[machine.key] = machine.incidentState == .normal ? nil : machine
    }

    /// The broadcast falling threshold of `key`.
    func fallingThreshold(_ key: DetectionKey) -> Double {
        detection.thresholds(for: key).broadcast.falling
    }
}
