/// A wall-clock instant in UTC, in milliseconds since 1970-01-01T00:00:00Z.
/// Kept as an integer so the model stays free of Foundation and exact in tests.
public struct UTCTimestamp: Hashable, Comparable, Sendable {
    public var millisecondsSince1970: Int64

    public init(millisecondsSince1970: Int64) { self.millisecondsSince1970 = millisecondsSince1970 }
    public init(secondsSince1970: Int64) { self.millisecondsSince1970 = secondsSince1970 * 1000 }

    public static func < (a: UTCTimestamp, b: UTCTimestamp) -> Bool {
        a.millisecondsSince1970 < b.millisecondsSince1970
    }
}

/// Identifies one row of the per-VLAN status: the Linux ifindex of the trunk and the VLAN.
/// Ordered by ifIndex, then VLAN, which is the SNMP table's order.
public struct VLANStatusKey: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The Linux interface index (= IF-MIB ifIndex as Net-SNMP reports it), 1...Int32.max.
    public let ifIndex: Int32
    public let vlan: VLANID

    public init(ifIndex: Int32, vlan: VLANID) {
        self.ifIndex = ifIndex
        self.vlan = vlan
    }

    /// True when the key can be a row of LOOPSENTRY-MIB's table: ifIndex ≥ 1 and VLAN
    /// 1...4094 (VID 0 is priority tagging and 4095 is reserved; neither can be cut).
    public var isValidTableIndex: Bool {
        ifIndex >= 1 && VLANID.validRange.contains(Int(vlan.value))
    }

    public static func < (a: VLANStatusKey, b: VLANStatusKey) -> Bool {
        (a.ifIndex, a.vlan.value) < (b.ifIndex, b.vlan.value)
    }

    public var description: String { "\(ifIndex).\(vlan)" }
}

/// Everything the NOC sees about one (interface, VLAN) at one instant: one row of
/// LOOPSENTRY-MIB's `loopSentryVlanTable`. The daemon builds these from the sensor's
/// counters, the detector's rates and Remediate's incidents, and publishes them together.
public struct VLANStatusRow: Equatable, Sendable {
    public var key: VLANStatusKey
    /// Linux interface name (at most 15 bytes).
    public var ifName: String
    /// Broadcast, multicast and all tagged frames since the sensor attached (`bytes` is not exported).
    public var counters: VLANCounters
    /// The sensor's own probes that came back on this VLAN.
    public var returnedProbes: UInt64
    /// Of the sensor's own probes sent on this VLAN, those that came back untagged or on another
    /// VLAN: two VLANs bridged into each other (a cross-VLAN loop), reported in /metrics.
    public var leakedProbes: UInt64 = 0
    /// Rates over the last poll interval, frames per second (saturating at UInt32.max).
    public var broadcastRate: UInt32
    public var multicastRate: UInt32
    public var frameRate: UInt32
    /// Broadcast frames per second at or above which a storm is detected.
    public var risingThreshold: UInt32
    /// Broadcast frames per second at or below which a storm is over.
    public var fallingThreshold: UInt32
    /// The organization the VLAN belongs to, or "".
    public var tenant: String
    public var policy: RemediationPolicy
    public var state: IncidentState
    /// When `state` last changed.
    public var lastChange: UTCTimestamp
    /// The last action an operator requested, if any, what became of it and who asked.
    public var lastAction: OperatorAction?
    public var lastActionResult: String
    public var lastActionAuthor: String
    /// The VNI of a VXLAN segment's row, nil for a VLAN row. A VNI row's `key` holds VLAN 0: SNMP
    /// serves it in `loopSentryVniTable` by (ifIndex, VNI); status and /metrics show it by VNI.
    public var vni: VNI?

    /// The row's segment: its VNI, else its VLAN.
    public var segment: Segment { vni.map(Segment.vni) ?? .vlan(key.vlan) }

    /// Orders rows by ifIndex, then segment (VLANs, then VNIs).
    public static func ordered(_ a: VLANStatusRow, _ b: VLANStatusRow) -> Bool {
        a.key.ifIndex != b.key.ifIndex ? a.key.ifIndex < b.key.ifIndex : a.segment < b.segment
    }

    public init(key: VLANStatusKey, ifName: String, counters: VLANCounters = .zero,
                returnedProbes: UInt64 = 0, broadcastRate: UInt32 = 0, multicastRate: UInt32 = 0,
                frameRate: UInt32 = 0, risingThreshold: UInt32, fallingThreshold: UInt32,
                tenant: String = "", policy: RemediationPolicy, state: IncidentState = .normal,
                lastChange: UTCTimestamp, lastAction: OperatorAction? = nil,
                lastActionResult: String = "", lastActionAuthor: String = "") {
        self.key = key
        self.ifName = ifName
        self.counters = counters
        self.returnedProbes = returnedProbes
        self.broadcastRate = broadcastRate
        self.multicastRate = multicastRate
        self.frameRate = frameRate
        self.risingThreshold = risingThreshold
        self.fallingThreshold = fallingThreshold
        self.tenant = tenant
        self.policy = policy
        self.state = state
        self.lastChange = lastChange
        self.lastAction = lastAction
        self.lastActionResult = lastActionResult
        self.lastActionAuthor = lastActionAuthor
    }

    /// A rate in frames per second as a Gauge32: rounded down, negative as 0, saturating.
    public static func gauge(_ perSecond: Double) -> UInt32 {
        guard perSecond.isFinite, perSecond > 0 else { return perSecond == .infinity ? .max : 0 }
        return perSecond >= Double(UInt32.max) ? .max : UInt32(perSecond)
    }
}
