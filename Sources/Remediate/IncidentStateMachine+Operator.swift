import LoopSentryCore

extension IncidentStateMachine {
    /// An operator's `action`, asked by `author` through `via` ("cli", "snmp") at `now`. Accepted only
    /// in `action.acceptedStates`, otherwise refused with a one-line message naming the state:
    /// - acknowledgeCut (pendingAck): `cutting` + `.runCut(attempt: 1)`; a second ack finds the
    ///   incident `cutting` and is refused, so the cut runs once;
    /// - dismiss (detected, pendingAck): `normal` + `stormCleared` + `.suppressDetection` for the
    ///   tenant's hold-down (the NOC's open alarm is closed; the storm may go on unseen meanwhile);
    /// - restore (cut, cutFailed): `restoring` + `.runRestore`.
    public mutating func perform(_ action: OperatorAction, by author: String, via: String,
                                 at now: UInt64) -> Result<[Action], OperatorRefusal> {
        guard action.acceptedStates.contains(incidentState) else {
            return .failure(refusal(for: action))
        }
        let cause = "operator \(author) via \(via)"
        switch action {
        case .acknowledgeCut:
            return .success(startCut(cause: cause, author: author, detail: "cut acknowledged", at: now))
        case .dismiss:
            let until = adding(tenant.dismissHoldDown, to: now)
            let line = "dismissed by \(author) via \(via): detection suppressed for \(describe(tenant.dismissHoldDown))"
            return .success([move(to: .normal, cause: cause, detail: line, at: now),
                             .notify(.stormCleared, author: author, detail: line),
                             .suppressDetection(until: until)])
        case .restore:
            restoreAuthor = author
            let after = incidentState
            return .success([move(to: .restoring(after: after), cause: cause, detail: "restore requested", at: now),
                             .runRestore])
        }
    }

    /// The refusal of `action` in the current state, e.g.
    /// "VLAN 20 on eth1 is normal, not pendingAck: nothing to acknowledge".
    public func refusal(for action: OperatorAction) -> OperatorRefusal {
        let accepted = action.acceptedStates.sorted { $0.rawValue < $1.rawValue }.map(\.description)
        let what = switch action {
        case .acknowledgeCut: "nothing to acknowledge"
        case .dismiss: "nothing to dismiss"
        case .restore: "nothing to restore"
        }
        return OperatorRefusal(message: "\(key.spoken) is \(incidentState), not "
            + "\(accepted.joined(separator: " or ")): \(what)")
    }
}
