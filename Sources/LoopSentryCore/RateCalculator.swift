/// Per-VLAN rates over one poll interval.
public struct VLANRate: Equatable, Sendable {
    public var vlan: VLANID
    public var broadcastPerSecond: Double
    public var multicastPerSecond: Double
    public var framesPerSecond: Double
    public var bytesPerSecond: Double
    /// Counters since the sensor attached (the snapshot's values).
    public var totals: VLANCounters

    public init(vlan: VLANID, broadcastPerSecond: Double, multicastPerSecond: Double,
                framesPerSecond: Double, bytesPerSecond: Double, totals: VLANCounters) {
        self.vlan = vlan
        self.broadcastPerSecond = broadcastPerSecond
        self.multicastPerSecond = multicastPerSecond
        self.framesPerSecond = framesPerSecond
        self.bytesPerSecond = bytesPerSecond
        self.totals = totals
    }
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
    /// Self-probes returned since the previous snapshot, per VLAN they were sent on.
    public private(set) var probeReturns: [VLANID: UInt64] = [:]

    public init() {}

    /// Feeds one snapshot; returns the rates since the previous one (empty on the first call,
    /// or when the clock did not advance).
    public mutating func update(_ snapshot: CounterSnapshot) -> [VLANRate] {
        defer { previous = snapshot }
        pairRates = []
        probeReturns = [:]
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
            if d > 0 { probeReturns[vlan] = d }
        }
        var rates: [VLANRate] = []
        rates.reserveCapacity(snapshot.vlans.count)
        for (vlan, now) in snapshot.vlans {
            let before = prev.vlans[vlan] ?? .zero
            rates.append(VLANRate(
                vlan: vlan,
                broadcastPerSecond: Self.delta(now.broadcast, before.broadcast) / seconds,
                multicastPerSecond: Self.delta(now.multicast, before.multicast) / seconds,
                framesPerSecond: Self.delta(now.frames, before.frames) / seconds,
                bytesPerSecond: Self.delta(now.bytes, before.bytes) / seconds,
                totals: now))
        }
        return rates
    }

    /// Counter delta that treats a decrease as a reset to zero in between.
    static func delta(_ now: UInt64, _ before: UInt64) -> Double {
        now >= before ? Double(now - before) : Double(now)
    }

    /// Orders rates busiest first: frames/s, then total frames, then VLAN ID.
    public static func busiestFirst(_ rates: [VLANRate]) -> [VLANRate] {
        rates.sorted {
            if $0.framesPerSecond != $1.framesPerSecond { return $0.framesPerSecond > $1.framesPerSecond }
            if $0.totals.frames != $1.totals.frames { return $0.totals.frames > $1.totals.frames }
            return $0.vlan < $1.vlan
        }
    }
}
