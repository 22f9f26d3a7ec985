/// Thresholds that apply to one list of VLANs on one interface, e.g. a tenant's VLANs 100-199,300.
public struct VLANThresholdOverride: Equatable, Sendable {
    /// The outer VLANs this override covers.
    public var vlans: VLANSet
    /// The thresholds those VLANs get instead of the interface's defaults.
    public var thresholds: DetectionThresholds

    /// Creates an override for `vlans`.
    public init(vlans: VLANSet, thresholds: DetectionThresholds) {
        self.vlans = vlans
        self.thresholds = thresholds
    }
}

/// Thresholds that apply to one list of VXLAN VNIs on one underlay interface.
public struct VNIThresholdOverride: Equatable, Sendable {
    /// The VNIs this override covers.
    public var vnis: VNISet
    /// The thresholds those VNIs get instead of the interface's defaults.
    public var thresholds: DetectionThresholds

    public init(vnis: VNISet, thresholds: DetectionThresholds) {
        self.vnis = vnis
        self.thresholds = thresholds
    }
}

/// One interface's thresholds: its own defaults (or the global ones) and per-VLAN and per-VNI overrides.
public struct InterfaceDetectionPolicy: Equatable, Sendable {
    /// Thresholds for segments no override covers; nil uses the policy's global defaults.
    public var defaults: DetectionThresholds?
    /// Per-VLAN-list overrides; they must not overlap.
    public var overrides: [VLANThresholdOverride]
    /// Per-VNI-list overrides; they must not overlap.
    public var vniOverrides: [VNIThresholdOverride]

    /// Creates an interface policy.
    public init(defaults: DetectionThresholds? = nil, overrides: [VLANThresholdOverride] = [],
                vniOverrides: [VNIThresholdOverride] = []) {
        self.defaults = defaults
        self.overrides = overrides
        self.vniOverrides = vniOverrides
    }

    /// The thresholds for `vni`: its override, else this interface's defaults, else `fallback`.
    public func thresholds(for vni: VNI, fallback: DetectionThresholds) -> DetectionThresholds {
        vniOverrides.first { $0.vnis.contains(vni) }?.thresholds ?? defaults ?? fallback
    }

    /// The thresholds for `vlan`: its override, else this interface's defaults, else `fallback`.
    public func thresholds(for vlan: VLANID, fallback: DetectionThresholds) -> DetectionThresholds {
        for override in overrides where override.vlans.contains(vlan) {
            return override.thresholds
        }
        return defaults ?? fallback
    }
}

/// Which thresholds each (interface, VLAN) gets; the most specific setting wins:
/// a VLAN override on the interface, then the interface's defaults, then the global defaults.
///
/// QinQ pair keys use the thresholds of their outer VLAN; VNI keys the interface's VNI overrides.
public struct DetectionPolicy: Equatable, Sendable {
    /// Thresholds for interfaces and VLANs nothing more specific covers.
    public var defaults: DetectionThresholds
    /// Per-interface defaults and overrides, keyed by interface name.
    public var interfaces: [String: InterfaceDetectionPolicy]

    /// Creates a policy; with no arguments every key gets `DetectionThresholds()`.
    public init(defaults: DetectionThresholds = DetectionThresholds(),
                interfaces: [String: InterfaceDetectionPolicy] = [:]) {
        self.defaults = defaults
        self.interfaces = interfaces
    }

    /// The thresholds that apply to `key` (its outer VLAN decides for QinQ pairs).
    public func thresholds(for key: DetectionKey) -> DetectionThresholds {
        switch key.segment {
        case .vlan(let vlan): thresholds(interface: key.interface, vlan: vlan)
        case .pair(let pair): thresholds(interface: key.interface, vlan: pair.outer)
        case .vni(let vni): interfaces[key.interface]?.thresholds(for: vni, fallback: defaults) ?? defaults
        }
    }

    /// The thresholds that apply to `vlan` on `interface`.
    public func thresholds(interface: String, vlan: VLANID) -> DetectionThresholds {
        interfaces[interface]?.thresholds(for: vlan, fallback: defaults) ?? defaults
    }

    /// Every problem in the policy, interfaces in name order; empty when the policy is usable.
    public func validationErrors() -> [DetectionConfigError] {
        var errors = defaults.validationErrors(prefix: "defaults.")
        for name in interfaces.keys.sorted() {
            let interface = interfaces[name]!
            let path = "interfaces.\(name)"
            if name.isEmpty {
                errors.append(.init(field: "interfaces", message: "interface name must not be empty"))
            }
            errors += interface.defaults?.validationErrors(prefix: "\(path).defaults.") ?? []
            for (index, override) in interface.overrides.enumerated() {
                guard !override.vlans.isEmpty else {
                    errors.append(.init(field: "\(path).overrides[\(index)].vlans", message: "must not be empty"))
                    continue
                }
                let outOfRange = override.vlans.ranges.contains {
                    !VLANID.validRange.contains(Int($0.lowerBound.value))
                        || !VLANID.validRange.contains(Int($0.upperBound.value))
                }
                if outOfRange {
                    errors.append(.init(field: "\(path).overrides[\(override.vlans)].vlans",
                                        message: "VLANs must be within 1-4094"))
                }
                errors += override.thresholds.validationErrors(prefix: "\(path).overrides[\(override.vlans)].")
                for earlier in interface.overrides[..<index] {
                    if let common = earlier.vlans.firstCommonVLAN(with: override.vlans) {
                        errors.append(.init(field: "\(path).overrides",
                                            message: "VLANs \(earlier.vlans) and \(override.vlans) overlap at VLAN \(common)"))
                    }
                }
            }
            for (index, override) in interface.vniOverrides.enumerated() {
                errors += override.thresholds.validationErrors(prefix: "\(path).overrides[vnis \(override.vnis)].")
                for earlier in interface.vniOverrides[..<index] {
                    if let common = earlier.vnis.firstCommonVNI(with: override.vnis) {
                        errors.append(.init(field: "\(path).overrides",
                                            message: "VNIs \(earlier.vnis) and \(override.vnis) overlap at VNI \(common)"))
                    }
                }
            }
        }
        return errors
    }
}
