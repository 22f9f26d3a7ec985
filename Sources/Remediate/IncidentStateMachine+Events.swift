import LoopSentryCore

extension IncidentStateMachine {
    /// A Detector event for this key. `stormDetected` or `loopConfirmed` in `normal` starts incident
    /// `id` (ignored otherwise): alarm → `detected` + notify; auto → `detected` → `cutting` +
    /// `.runCut(attempt: 1)`; ack → `detected` → `pendingAck` + `cutPending` + a tick at the deadline,
    /// or straight to `cutting` when the detected rate is above the hard limit. During an incident
    /// a further detection only notifies the NOC. `stormCleared` is `cleared(at:)`.
    public mutating func detected(_ event: DetectionEvent, incident id: UInt64) -> [Action] {
        let kind: NOCNotificationKind
        let detail: String
        var rate: Double?
        switch event {
        case .stormCleared(_, let at, _, _):
            return cleared(at: at)
        case .stormDetected(_, let stormKind, let r, let threshold, _):
            kind = .stormDetected
            rate = stormKind == .broadcast ? r : nil
            detail = "\(stormKind) rate \(describeRate(r)) frames/s at or above \(describeRate(threshold))"
        case .loopConfirmed(_, let probes, _):
            kind = .loopConfirmed
            detail = "\(probes) probe\(probes == 1 ? "" : "s") returned"
        }
        let now = event.at
        guard state == .normal else { return [.notify(kind, author: "detector", detail: detail)] }
        incidentID = id
        var actions = [move(to: .detected(since: now), cause: "detector", detail: detail, at: now),
                       .notify(kind, author: "detector", detail: detail)]
        switch tenant.policy {
        case .alarm:
            break
        case .auto:
            actions += startCut(cause: "policy auto", author: "auto", detail: "policy auto: cutting at once", at: now)
        case .ack:
            if let rate, let limit = tenant.hardLimit, rate > limit {
                actions += hardLimitCut(rate: rate, limit: limit, at: now)
            } else {
                let deadline = adding(tenant.ackDeadline, to: now)
                let line = "waiting for acknowledgement for \(describe(tenant.ackDeadline))"
                actions += [move(to: .pendingAck(since: now, deadline: deadline), cause: "policy ack", detail: line, at: now),
                            .notify(.cutPending, author: "policy ack", detail: line),
                            .scheduleTick(at: deadline)]
            }
        }
        return actions
    }

    /// A broadcast rate sample (frames/s) measured at `now`. In `pendingAck`, a rate above the hard
    /// limit cuts at once. While verifying, a sample at or below the falling threshold before the
    /// window ends confirms the cut (`cut` + `cutApplied`); a sample after it fails the attempt.
    public mutating func rate(_ broadcastPerSecond: Double, at now: UInt64) -> [Action] {
        switch state {
        case .pendingAck:
            guard let limit = tenant.hardLimit, broadcastPerSecond > limit else { return [] }
            return hardLimitCut(rate: broadcastPerSecond, limit: limit, at: now)
        case .verifying(let attempt, let until):
            guard now < until else { return tick(at: now) }
            lastVerifyRate = broadcastPerSecond
            guard broadcastPerSecond <= fallingThreshold else { return [] }
            return confirmCut(cause: "verification",
                              detail: "rate \(describeRate(broadcastPerSecond)) frames/s at or below "
                                + "\(describeRate(fallingThreshold)) after cut attempt \(attempt)", at: now)
        default:
            return []
        }
    }

    /// Time passed to `now`. An ack deadline that passed cuts or keeps waiting (as the tenant chose),
    /// with a `cutPending` notification either way; a verify window that ended without a calm
    /// sample fails the attempt; a retry backoff that ended runs the next attempt.
    public mutating func tick(at now: UInt64) -> [Action] {
        switch state {
        case .pendingAck(let since, let deadline?) where now >= deadline:
            switch tenant.onAckDeadline {
            case .cut:
                let line = "ack deadline passed after \(describe(tenant.ackDeadline)): cutting without acknowledgement"
                return startCut(cause: "deadline", author: "deadline", detail: line, announce: true, at: now)
            case .keepWaiting:
                let line = "ack deadline passed after \(describe(tenant.ackDeadline)): still waiting for acknowledgement"
                return [move(to: .pendingAck(since: since, deadline: nil), cause: "deadline", detail: line, at: now),
                        .notify(.cutPending, author: "deadline", detail: line)]
            }
        case .verifying(let attempt, let until) where now >= until:
            let seen = lastVerifyRate.map { "last rate \(describeRate($0)) frames/s" } ?? "no rate sample"
            let why = "cut attempt \(attempt): rate not at or below \(describeRate(fallingThreshold)) frames/s "
                + "within \(describe(tenant.verifyWindow)) (\(seen))"
            lastVerifyRate = nil
            return failAttempt(attempt, cause: "verification", why: why, at: now)
        case .retryWait(let attempt, let at) where now >= at:
            return [move(to: .cutting(attempt: attempt), cause: "retry backoff",
                         detail: "cut attempt \(attempt) of \(tenant.attemptLimit)", at: now),
                    .runCut(attempt: attempt)]
        default:
            return []
        }
    }

    /// The storm ended by itself at `now`. Before any cut (`detected`, `pendingAck`) the incident
    /// ends: `normal` + `stormCleared`. While verifying, the cut is confirmed. A cut VLAN is never
    /// restored by this (only an operator restores); in other states nothing happens.
    public mutating func cleared(at now: UInt64) -> [Action] {
        switch state {
        case .detected, .pendingAck:
            let line = "storm ended before any cut"
            return [move(to: .normal, cause: "detector", detail: line, at: now),
                    .notify(.stormCleared, author: "detector", detail: line)]
        case .verifying(let attempt, _):
            return confirmCut(cause: "verification", detail: "storm cleared after cut attempt \(attempt)", at: now)
        default:
            return []
        }
    }

    /// The cut playbook of `attempt` finished. Success starts the verify window; failure retries
    /// after the backoff or, after the last attempt, ends in `cutFailed` + notification. A result
    /// for an attempt that is not running (duplicate, late, after a restart) is ignored.
    public mutating func cutFinished(attempt: Int, success: Bool, detail: String, at now: UInt64) -> [Action] {
        guard case .cutting(let running) = state, running == attempt else { return [] }
        if success {
            return startVerifying(attempt, cause: "playbook", detail: "cut attempt \(attempt) succeeded: \(detail)", at: now)
        }
        return failAttempt(attempt, cause: "playbook", why: "cut attempt \(attempt) failed: \(detail)", at: now)
    }

    /// The restore playbook finished. Success: `normal` + `vlanRestored` + `.rearmDetection`.
    /// Failure: back to `cut` (or `cutFailed`), re-announced as `cutApplied` (or `cutFailed`) with
    /// "restore failed: …". Ignored when no restore is running.
    public mutating func restoreFinished(success: Bool, detail: String, at now: UInt64) -> [Action] {
        guard case .restoring(let after) = state else { return [] }
        if success {
            let line = "restore succeeded: \(detail)"
            return [move(to: .normal, cause: "playbook", detail: line, at: now),
                    .notify(.vlanRestored, author: restoreAuthor, detail: line), .rearmDetection]
        }
        let back: State = after == .cutFailed ? .cutFailed : .cut
        let line = "restore failed: \(detail); VLAN left \(after)"
        return [move(to: back, cause: "playbook", detail: line, at: now),
                .notify(after == .cutFailed ? .cutFailed : .cutApplied, author: restoreAuthor, detail: line)]
    }

    /// Cuts at once because `rate` is above the ack policy's hard limit.
    mutating func hardLimitCut(rate: Double, limit: Double, at now: UInt64) -> [Action] {
        let line = "rate \(describeRate(rate)) frames/s above hard limit \(describeRate(limit)): "
            + "cutting without acknowledgement"
        return startCut(cause: "hard limit", author: "hard limit", detail: line, announce: true, at: now)
    }
}
