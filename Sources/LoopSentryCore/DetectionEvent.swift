/// What detection is keyed by: an interface and a segment on it (a VLAN, a QinQ pair or a VNI).
/// The one identity of a segment from the sensor's maps to the journal.
public struct DetectionKey: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The trunk or underlay interface name, e.g. `eth1`.
    public var interface: String
    /// The VLAN, QinQ pair or VXLAN VNI.
    public var segment: Segment

    /// A key for any segment.
    public init(interface: String, segment: Segment) {
        self.interface = interface
        self.segment = segment
    }

    /// A key for a plain (outer) VLAN.
    public init(interface: String, vlan: VLANID) { self.init(interface: interface, segment: .vlan(vlan)) }

    /// A key for a QinQ (outer, inner) pair.
    public init(interface: String, pair: VLANPair) { self.init(interface: interface, segment: .pair(pair)) }

    /// A key for a VXLAN VNI on an underlay interface.
    public init(interface: String, vni: VNI) { self.init(interface: interface, segment: .vni(vni)) }

    /// The (outer) VLAN of a VLAN or QinQ key; nil for a VNI key.
    public var outer: VLANID? { segment.vlan }
    /// The inner (customer) VLAN for a QinQ pair key; nil otherwise.
    public var inner: VLANID? { segment.inner }
    /// The VNI of a VXLAN key; nil otherwise.
    public var vni: VNI? { segment.vni }

    /// True for a QinQ pair key.
    public var isPair: Bool { segment.kind == .qinq }

    /// The key a status row is kept under: a pair's outer VLAN, else the key itself.
    public var rowKey: DetectionKey {
        if case .pair(let p) = segment { return DetectionKey(interface: interface, vlan: p.outer) }
        return self
    }

    /// Orders by interface, then segment (VLANs, their pairs after them, then VNIs).
    public static func < (a: DetectionKey, b: DetectionKey) -> Bool {
        if a.interface != b.interface { return a.interface < b.interface }
        return a.segment < b.segment
    }

    /// `eth1 VLAN 20`, `eth1 VLAN 100.20` for a pair, `eth1 VNI 5000`.
    public var description: String { "\(interface) \(segment)" }
}

/// Rates of one QinQ (outer, inner) pair over one poll interval, for pair-keyed detection.
public struct VLANPairRate: Equatable, Sendable {
    /// The service and customer VLAN.
    public var pair: VLANPair
    /// Broadcast frames per second.
    public var broadcastPerSecond: Double
    /// Multicast frames per second.
    public var multicastPerSecond: Double
    /// All frames per second.
    public var framesPerSecond: Double
    /// Bytes per second.
    public var bytesPerSecond: Double

    /// Creates a pair rate; frames and bytes default to 0 as detection does not use them.
    public init(pair: VLANPair, broadcastPerSecond: Double, multicastPerSecond: Double = 0,
                framesPerSecond: Double = 0, bytesPerSecond: Double = 0) {
        self.pair = pair
        self.broadcastPerSecond = broadcastPerSecond
        self.multicastPerSecond = multicastPerSecond
        self.framesPerSecond = framesPerSecond
        self.bytesPerSecond = bytesPerSecond
    }
}

/// Which rate crossed its threshold.
public enum StormKind: String, Hashable, Sendable, CaseIterable {
    /// Broadcast frames/s (destination ff:ff:ff:ff:ff:ff).
    case broadcast
    /// Multicast frames/s (group destination other than broadcast).
    case multicast
}

/// A verdict from the Detector; times are the monotonic nanoseconds passed in as `now`.
public enum DetectionEvent: Equatable, Sendable {
    /// The rate stayed at/above `threshold` (the rising one) for the sustain time; `rate` is the
    /// sample that completed it. Fires at most once per excursion.
    case stormDetected(key: DetectionKey, kind: StormKind, rate: Double, threshold: Double, at: UInt64)
    /// This sensor's own probe came back on the key: a loop, whatever the rate. Fires at most once
    /// per excursion; `probesReturned` is the count reported in the confirming observation.
    case loopConfirmed(key: DetectionKey, probesReturned: UInt64, at: UInt64)
    /// Every rate stayed at/below its falling threshold, and no probe returned, for the clear time.
    /// `peakRate` is the highest rate of the storm's kind (broadcast for a probe-only excursion)
    /// while it was active; `duration` runs from the first event of the excursion to this one.
    case stormCleared(key: DetectionKey, at: UInt64, peakRate: Double, duration: Duration)

    /// The key the event is about.
    public var key: DetectionKey {
        switch self {
        case .stormDetected(let key, _, _, _, _), .loopConfirmed(let key, _, _), .stormCleared(let key, _, _, _):
            return key
        }
    }

    /// When the event happened (monotonic nanoseconds).
    public var at: UInt64 {
        switch self {
        case .stormDetected(_, _, _, _, let at), .loopConfirmed(_, _, let at), .stormCleared(_, let at, _, _):
            return at
        }
    }
}

/// An excursion in progress, for status displays.
public struct ActiveStorm: Equatable, Sendable {
    /// The key that is storming or looping.
    public var key: DetectionKey
    /// When the excursion's first event fired (monotonic nanoseconds).
    public var since: UInt64
    /// The rate that crossed its threshold, nil while only probe evidence exists.
    public var kind: StormKind?
    /// True once a returned probe confirmed a loop.
    public var loopConfirmed: Bool
    /// The highest rate of `kind` (broadcast when nil) seen while active.
    public var peakRate: Double

    /// Creates a status row.
    public init(key: DetectionKey, since: UInt64, kind: StormKind?, loopConfirmed: Bool, peakRate: Double) {
        self.key = key
        self.since = since
        self.kind = kind
        self.loopConfirmed = loopConfirmed
        self.peakRate = peakRate
    }
}
