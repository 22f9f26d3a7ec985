import LoopSentryConfig
import LoopSentryCore
import Remediate

/// The one place the daemon looks up how a VLAN is treated: its detection thresholds (with an
/// operator's runtime overrides), the tenant that owns it, the tenant's incident policy and its
/// remediation target. Built once from the configuration; only thresholds change at run time.
public struct PolicyDirectory: Sendable {
    /// A tenant as the daemon uses it: its configuration and its incident policy.
    public struct Tenant: Sendable {
        public var config: TenantConfig
        public var incident: TenantPolicy
    }

    /// Thresholds per (interface, VLAN): the configuration's, then the operator's overrides.
    public private(set) var detection: DetectionPolicy
    /// The tenants, in configuration order (the first that claims a VLAN owns it).
    public let tenants: [Tenant]
    /// The VXLAN UDP port of each interface watching VNIs.
    let vxlanPorts: [String: UInt16]

    public init(_ c: Configuration) {
        detection = c.detectionPolicy
        vxlanPorts = Dictionary(c.interfaces.map { ($0.name, $0.vxlanPort) }, uniquingKeysWith: { a, _ in a })
        let r = c.remediation
        tenants = c.tenants.map { t in
            Tenant(config: t, incident: TenantPolicy(
                name: t.name, policy: t.policy, ackDeadline: .seconds(t.ackDeadlineSeconds),
                onAckDeadline: t.onDeadline == .cut ? .cut : .keepWaiting, hardLimit: t.hardLimit,
                verifyWindow: .milliseconds(r.verifyWindowMilliseconds), maxCutAttempts: r.maxAttempts,
                retryBackoff: .milliseconds(r.retryBackoffMilliseconds), dismissHoldDown: .seconds(r.dismissHoldDownSeconds)))
        }
    }

    /// The tenant that owns `key`'s (outer) VLAN, or its VNI, if any.
    public func tenant(_ key: DetectionKey) -> Tenant? {
        tenants.first { t in t.config.owns(key) }
    }

    /// The UDP destination port of VXLAN on `interface` (the default where not configured).
    public func vxlanPort(_ interface: String) -> UInt16 { vxlanPorts[interface] ?? VXLANWatch.defaultPort }

    /// The owner's name, "" for a VLAN no tenant claims.
    public func tenantName(_ key: DetectionKey) -> String { tenant(key)?.config.name ?? "" }

    /// The owner's remediation target, if it has one.
    public func target(_ key: DetectionKey) -> (tenant: TenantConfig, target: RemediationTarget)? {
        guard let t = tenant(key)?.config, let r = t.remediation else { return nil }
        return (t, r)
    }

    /// Every (interface, VLAN) some tenant claims, ordered.
    public var tenantVLANs: [DetectionKey] {
        tenants.flatMap { t in t.config.vlans.flatMap { v in v.vlans.map { DetectionKey(interface: v.interface, vlan: $0) } } }
            .sorted()
    }

    /// What the status row of `key` shows: thresholds and owner.
    public func rowPolicy(_ key: DetectionKey) -> StatusBoard.RowPolicy {
        let t = detection.thresholds(for: key).broadcast
        let owner = tenant(key)?.config
        return StatusBoard.RowPolicy(rising: t.rising, falling: t.falling, tenant: owner?.name ?? "", policy: owner?.policy ?? .alarm)
    }

    /// An operator's broadcast thresholds for one VLAN (a QinQ key's outer VLAN) or VNI, kept as
    /// a one-segment override (not written to the file); the segment's other thresholds stay, and
    /// an override that covered it keeps covering the rest. Returns the refusal, nil when applied.
    public mutating func setBroadcastThresholds(_ key: DetectionKey, rising: Double, falling: Double) -> String? {
        var policy = detection
        var iface = policy.interfaces[key.interface] ?? InterfaceDetectionPolicy()
        var t = policy.thresholds(for: key)
        t.broadcast = RateThreshold(rising: rising, falling: falling)
        if let vni = key.vni {
            let one = VNISet([vni...vni])
            iface.vniOverrides = iface.vniOverrides.compactMap { o in
                var o = o
                o.vnis = o.vnis.removing(vni)
                return o.vnis.isEmpty ? nil : o
            } + [VNIThresholdOverride(vnis: one, thresholds: t)]
        } else if let vlan = key.outer {
            let one = VLANSet([vlan...vlan])
            iface.overrides = iface.overrides.compactMap { o in
                var o = o
                o.vlans = o.vlans.removing(vlan)
                return o.vlans.isEmpty ? nil : o
            } + [VLANThresholdOverride(vlans: one, thresholds: t)]
        }
        policy.interfaces[key.interface] = iface
        if let e = policy.validationErrors().first { return e.description }
        detection = policy
        return nil
    }
}
