import LoopSentryCore
import Remediate

/// Shared fixtures: a manual clock in seconds, VLAN 20 on eth1, tenant "acme" with a 500 frames/s
/// falling threshold, and builders for the exact actions the machine returns.
typealias Action = IncidentStateMachine.Action

/// Monotonic nanoseconds of `seconds` on the manual clock.
func t(_ seconds: Double) -> UInt64 { UInt64(seconds * 1_000_000_000) }

/// VLAN 20 on eth1.
let vlan20 = DetectionKey(interface: "eth1", vlan: VLANID(20)!)
/// VLAN 10 on eth1.
let vlan10 = DetectionKey(interface: "eth1", vlan: VLANID(10)!)

/// Tenant "acme" with `policy` and the given overrides of the defaults.
func acme(_ policy: RemediationPolicy, ackDeadline: Duration = .seconds(60),
          onAckDeadline: TenantPolicy.DeadlineOutcome = .keepWaiting, hardLimit: Double? = nil,
          maxCutAttempts: Int = 3) -> TenantPolicy {
    TenantPolicy(name: "acme", policy: policy, ackDeadline: ackDeadline, onAckDeadline: onAckDeadline,
                 hardLimit: hardLimit, verifyWindow: .seconds(5), maxCutAttempts: maxCutAttempts,
                 retryBackoff: .seconds(2), dismissHoldDown: .seconds(600))
}

/// A machine for VLAN 20 on eth1 run by `tenant`, falling threshold 500 frames/s.
func machine(_ tenant: TenantPolicy) -> IncidentStateMachine {
    IncidentStateMachine(key: vlan20, tenant: tenant, fallingThreshold: 500)
}

/// A broadcast storm of `rate` frames/s detected on `key` at `seconds` (rising threshold 1000).
func storm(at seconds: Double, rate: Double = 5000, key: DetectionKey = vlan20) -> DetectionEvent {
    .stormDetected(key: key, kind: .broadcast, rate: rate, threshold: 1000, at: t(seconds))
}

/// The storm on `key` cleared at `seconds`.
func calm(at seconds: Double, key: DetectionKey = vlan20) -> DetectionEvent {
    .stormCleared(key: key, at: t(seconds), peakRate: 5000, duration: .seconds(3))
}

/// The journal action of incident `incident` on VLAN 20.
func journal(_ from: IncidentState, _ to: IncidentState, _ cause: String, at seconds: Double,
             _ detail: String, incident: UInt64 = 1, key: DetectionKey = vlan20) -> Action {
    .journal(Transition(incident: incident, key: key, from: from, to: to, cause: cause, at: t(seconds),
                        detail: detail))
}

/// What detecting a 5000 frames/s storm journals and notifies first, under every policy.
func detectedActions(at seconds: Double, incident: UInt64 = 1, key: DetectionKey = vlan20) -> [Action] {
    let detail = "broadcast rate 5000 frames/s at or above 1000"
    return [journal(.normal, .detected, "detector", at: seconds, detail, incident: incident, key: key),
            .notify(.stormDetected, author: "detector", detail: detail)]
}

/// Successful `.success` actions, or nil after a refusal.
func accepted(_ result: Result<[Action], OperatorRefusal>) -> [Action]? {
    try? result.get()
}

/// The refusal message, or nil when accepted.
func refusal(_ result: Result<[Action], OperatorRefusal>) -> String? {
    if case .failure(let refusal) = result { return refusal.message }
    return nil
}

/// A machine of tenant `tenant` that detected a storm at 10 s and whose cut attempt 1 is running.
func cuttingMachine(_ tenant: TenantPolicy = acme(.auto)) -> IncidentStateMachine {
    var m = machine(tenant)
    _ = m.detected(storm(at: 10), incident: 1)
    if tenant.policy == .ack { _ = m.perform(.acknowledgeCut, by: "alice", via: "cli", at: t(10)) }
    return m
}

/// A machine whose VLAN 20 was cut (attempt 1 at 10 s, verified at 12 s).
func cutMachine() -> IncidentStateMachine {
    var m = cuttingMachine()
    _ = m.cutFinished(attempt: 1, success: true, detail: "changed", at: t(11))
    _ = m.rate(0, at: t(12))
    return m
}
