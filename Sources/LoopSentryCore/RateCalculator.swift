/// Rates of one segment (a VLAN, a VNI) over one poll interval.
public struct SegmentRate<Key: Hashable & Comparable & Sendable>: Equatable, Sendable {
    public var key: Key
    public var broadcastPerSecond: Double
    public var multicastPerSecond: Double
    public var framesPerSecond: Double
    public var bytesPerSecond: Double
    /// Counters since the sensor attached (the snapshot's values).
    public var totals: VLANCounters

    public init(key: Key, broadcastPerSecond: Double, multicastPerSecond: Double,
                framesPerSecond: Double, bytesPerSecond: Double, totals: VLANCounters) {
        self.key = key
        self.broadcastPerSecond = broadcastPerSecond
        self.multicastPerSecond = multicastPerSecond
        self.framesPerSecond = framesPerSecond
        self.bytesPerSecond = bytesPerSecond
        self.totals = totals
    }
}

/// Per-VLAN rates over one poll interval.
public typealias VLANRate = SegmentRate<VLANID>
/// Per-VNI rates (VXLAN inner frames) over one poll interval.
public typealias VNIRate = SegmentRate<VNI>

extension SegmentRate where Key == VLANID {
    public var vlan: VLANID { key }
    public init(vlan: VLANID, broadcastPerSecond: Double, multicastPerSecond: Double,
                framesPerSecond: Double, bytesPerSecond: Double, totals: VLANCounters) {
        self.init(key: vlan, broadcastPerSecond: broadcastPerSecond, multicastPerSecond: multicastPerSecond,
                  framesPerSecond: framesPerSecond, bytesPerSecond: bytesPerSecond, totals: totals)
    }
}

extension SegmentRate where Key == VNI {
    public var vni: VNI { key }
}

/// Turns successive counter snapshots into rates. Pure: the caller passes the snapshots.
///
/// - A missed poll only lengthens the interval: the rate is the counter delta over the real
///   elapsed time, so it stays right.
/// - A counter that went backwards was reset (program reloaded, map recreated): the new value
///   is what accumulated since the reset, so it is taken as the delta.
public struct RateCalculator: Sendable {
    private var previous: CounterSnapshot?
    /// QinQ (outer, inner) pair rates from the last `update`.
    public private(set) var pairRates: [VLANPairRate] = []
    /// Self-probes returned since the previous snapshot, per segment (VLAN or VNI) they were sent in.
    public private(set) var probeReturns: [Segment: UInt64] = [:]
    /// Per-VNI rates (VXLAN) from the last `update`.
    public private(set) var vniRates: [VNIRate] = []

    public init() {}

    /// Feeds one snapshot; returns the rates since the previous one (empty on the first call,
    /// or when the clock did not advance).
    public mutating func update(_ snapshot: CounterSnapshot) -> [VLANRate] {
        defer { previous = snapshot }
        pairRates = []
        probeReturns = [:]
        vniRates = []
        guard let prev = previous, snapshot.monotonicNanos > prev.monotonicNanos else { return [] }
        let seconds = Double(snapshot.monotonicNanos - prev.monotonicNanos) / 1e9
        for (pair, now) in snapshot.pairs {
            let before = prev.pairs[pair] ?? .zero
            pairRates.append(VLANPairRate(
                pair: pair,
                broadcastPerSecond: Self.delta(now.broadcast, before.broadcast) / seconds,
                multicastPerSecond: Self.delta(now.multicast, before.multicast) / seconds,
                framesPerSecond: Self.delta(now.frames, before.frames) / seconds,
                bytesPerSecond: Self.delta(now.bytes, before.bytes) / seconds))
        }
        for (vlan, now) in snapshot.probes {
            let d = UInt64(Self.delta(now.returned, prev.probes[vlan]?.returned ?? 0))
            if d > 0 { probeReturns[.vlan(vlan)] = d }
        }
        for (vni, now) in snapshot.vniProbes {
            let d = UInt64(Self.delta(now.returned, prev.vniProbes[vni]?.returned ?? 0))
            if d > 0 { probeReturns[.vni(vni)] = d }
        }
        vniRates = Self.rates(snapshot.vnis, before: prev.vnis, seconds: seconds)
        return Self.rates(snapshot.vlans, before: prev.vlans, seconds: seconds)
    }

    /// Rates of every row of `now` against `before` over `seconds`.
    static func rates<Key>(_ now: [Key: VLANCounters], before: [Key: VLANCounters],
                           seconds: Double) -> [SegmentRate<Key>] {
        var rates: [SegmentRate<Key>] = []
        rates.reserveCapacity(now.count)
        for (key, counters) in now {
            let b = before[key] ?? .zero
            rates.append(SegmentRate(
                key: key,
                broadcastPerSecond: delta(counters.broadcast, b.broadcast) / seconds,
                multicastPerSecond: delta(counters.multicast, b.multicast) / seconds,
                framesPerSecond: delta(counters.frames, b.frames) / seconds,
                bytesPerSecond: delta(counters.bytes, b.bytes) / seconds,
                totals: counters))
        }
        return rates
    }

    /// Counter delta that treats a decrease as a reset to zero in between.
    static func delta(_ now: UInt64, _ before: UInt64) -> Double {
        now >= before ? Double(now - before) : Double(now)
    }

    /// Orders rates busiest first: frames/s, then total frames, then the segment's number.
    public static func busiestFirst<Key>(_ rates: [SegmentRate<Key>]) -> [SegmentRate<Key>] {
        rates.sorted {
            if $0.framesPerSecond != $1.framesPerSecond { return $0.framesPerSecond > $1.framesPerSecond }
            if $0.totals.frames != $1.totals.frames { return $0.totals.frames > $1.totals.frames }
            return $0.key < $1.key
        }
    }
}
