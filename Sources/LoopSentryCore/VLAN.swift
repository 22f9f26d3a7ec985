/// An IEEE 802.1Q VLAN identifier, 0...4095. VID 0 marks priority-tagged frames and
/// 4095 is reserved by the standard, but both can appear on a wire and are counted.
public struct VLANID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let value: UInt16

    public static let range: ClosedRange<Int> = 0...4095
    /// The VLAN IDs a configuration, a request or a cut may name: 0 (priority tag) and 4095
    /// (reserved) are excluded.
    public static let validRange: ClosedRange<Int> = 1...4094

    /// Returns nil when `value` is outside 0...4095.
    public init?(_ value: Int) {
        guard Self.range.contains(value) else { return nil }
        self.value = UInt16(value)
    }

    public init(masking tci: UInt16) { self.value = tci & 0x0fff }

    public static func < (a: VLANID, b: VLANID) -> Bool { a.value < b.value }
    public var description: String { String(value) }
}

/// The counters the BPF sensor keeps for one VLAN (summed over CPUs).
/// Field order and meaning match `struct ls_vlan_counters` in bpf/loopsentry_shared.h.
public struct VLANCounters: Equatable, Sendable {
    public var broadcast: UInt64
    public var multicast: UInt64
    public var frames: UInt64
    public var bytes: UInt64

    public init(broadcast: UInt64 = 0, multicast: UInt64 = 0, frames: UInt64 = 0, bytes: UInt64 = 0) {
        self.broadcast = broadcast
        self.multicast = multicast
        self.frames = frames
        self.bytes = bytes
    }

    public static let zero = VLANCounters()
    public var isZero: Bool { frames == 0 && bytes == 0 && broadcast == 0 && multicast == 0 }

    public static func + (a: VLANCounters, b: VLANCounters) -> VLANCounters {
        VLANCounters(broadcast: a.broadcast &+ b.broadcast, multicast: a.multicast &+ b.multicast,
                     frames: a.frames &+ b.frames, bytes: a.bytes &+ b.bytes)
    }
}

/// Counters that belong to no VLAN: untagged traffic, malformed frames and drops.
/// Matches `enum ls_global_index` in bpf/loopsentry_shared.h.
public struct GlobalCounters: Equatable, Sendable {
    public var untaggedFrames: UInt64 = 0
    public var untaggedBytes: UInt64 = 0
    public var malformed: UInt64 = 0
    public var qinqOverflow: UInt64 = 0
    public var dropped: UInt64 = 0
    /// UDP to the VXLAN port whose VXLAN or inner Ethernet header is cut, or without the I flag.
    public var vxlanMalformed: UInt64 = 0
    /// VXLAN frames of VNIs that are not watched.
    public var vniUnwatched: UInt64 = 0
    /// VNIs or (VNI, inner VLAN) pairs not counted because their map was full.
    public var vniOverflow: UInt64 = 0

    public init(untaggedFrames: UInt64 = 0, untaggedBytes: UInt64 = 0, malformed: UInt64 = 0,
                qinqOverflow: UInt64 = 0, dropped: UInt64 = 0, vxlanMalformed: UInt64 = 0,
                vniUnwatched: UInt64 = 0, vniOverflow: UInt64 = 0) {
        self.untaggedFrames = untaggedFrames
        self.untaggedBytes = untaggedBytes
        self.malformed = malformed
        self.qinqOverflow = qinqOverflow
        self.dropped = dropped
        self.vxlanMalformed = vxlanMalformed
        self.vniUnwatched = vniUnwatched
        self.vniOverflow = vniOverflow
    }
}

/// A QinQ (802.1ad) service VLAN with its customer VLAN.
public struct VLANPair: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let outer: VLANID
    public let inner: VLANID
    public init(outer: VLANID, inner: VLANID) { self.outer = outer; self.inner = inner }
    /// Decodes the BPF map key `(outer << 12) | inner`.
    public init(key: UInt32) {
        outer = VLANID(masking: UInt16(truncatingIfNeeded: key >> 12))
        inner = VLANID(masking: UInt16(truncatingIfNeeded: key))
    }
    public var key: UInt32 { UInt32(outer.value) << 12 | UInt32(inner.value) }
    public static func < (a: VLANPair, b: VLANPair) -> Bool { a.key < b.key }
    public var description: String { "\(outer).\(inner)" }
}
