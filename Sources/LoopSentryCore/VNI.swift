/// A VXLAN network identifier (RFC 7348): 24 bits, 0...16777215. Each VNI is one tenant
/// segment on an underlay, counted like a VLAN on a trunk.
public struct VNI: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let value: UInt32

    public static let range: ClosedRange<Int> = 0...0xFF_FFFF

    /// Returns nil when `value` is outside 0...16777215.
    public init?(_ value: Int) {
        guard Self.range.contains(value) else { return nil }
        self.value = UInt32(value)
    }

    /// Keeps the low 24 bits (the BPF map key).
    public init(masking key: UInt32) { self.value = key & 0xFF_FFFF }

    public static func < (a: VNI, b: VNI) -> Bool { a.value < b.value }
    public var description: String { String(value) }
}

/// A VNI with the 802.1Q VLAN of its inner frames (a tenant that tags inside VXLAN), counted
/// like a QinQ pair.
public struct VNIVLANPair: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let vni: VNI
    public let vlan: VLANID
    public init(vni: VNI, vlan: VLANID) { self.vni = vni; self.vlan = vlan }
    /// Decodes the BPF map key `(vni << 12) | vlan`.
    public init(key: UInt64) {
        vni = VNI(masking: UInt32(truncatingIfNeeded: key >> 12))
        vlan = VLANID(masking: UInt16(truncatingIfNeeded: key))
    }
    public var key: UInt64 { UInt64(vni.value) << 12 | UInt64(vlan.value) }
    public static func < (a: VNIVLANPair, b: VNIVLANPair) -> Bool { a.key < b.key }
    public var description: String { "\(vni).\(vlan)" }
}

/// Which VXLAN traffic the sensor counts on an underlay interface.
public struct VXLANWatch: Equatable, Sendable {
    /// IANA's VXLAN port.
    public static let defaultPort: UInt16 = 4789

    /// The UDP destination port that marks VXLAN.
    public var port: UInt16
    /// The VNIs counted; empty counts every VNI seen, up to `learnCapacity`.
    public var vnis: [VNI]
    /// Map rows for VNIs seen when `vnis` is empty.
    public var learnCapacity: Int

    public init(port: UInt16 = VXLANWatch.defaultPort, vnis: [VNI] = [], learnCapacity: Int = 4096) {
        self.port = port
        self.vnis = vnis
        self.learnCapacity = learnCapacity
    }

    /// Rows the per-VNI map needs: one per watched VNI, or the learn capacity.
    public var mapSlots: Int { vnis.isEmpty ? learnCapacity : max(Set(vnis).count, 1) }
}
