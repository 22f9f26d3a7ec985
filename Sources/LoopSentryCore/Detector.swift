/// Turns per-segment (VLAN, QinQ pair, VNI) rates and returned self-probes into storm and loop verdicts, RMON style
/// (RFC 2819 rising/falling alarms with hysteresis) with a sustain and a clear time.
///
/// A value type with no I/O: the shell passes every observation with `now`, a monotonic clock
/// reading in nanoseconds (the same clock as `CounterSnapshot.monotonicNanos`), and carries out
/// the returned events. Per key the states are:
/// - **idle**: nothing stored (the common case, so 4094 VLANs on many trunks cost nothing);
/// - **rising**: a rate is at/above its rising threshold, since a remembered instant; a sample
///   below it drops the key back to idle, so a burst shorter than `sustain` never fires;
/// - **active**: a storm was detected or a probe returned; it stays active until every rate has
///   been at/below its falling threshold, and no probe has returned, for `clear`.
///
/// A sample's rate is an average over the interval since the previous batch on the same
/// interface, so a rise or a calm is dated from the start of that interval. A key missing
/// from a batch had no traffic: its rate is 0, so the shell calls `observe` on every poll,
/// even with an empty batch. Events come only from observations: a storm clears at the first
/// batch after its clear time has passed.
public struct Detector: Sendable {
    /// Which thresholds each key gets; changes apply from the next observation.
    public var policy: DetectionPolicy

    var states: [DetectionKey: KeyState] = [:]
    var suppressions: [DetectionKey: UInt64] = [:]
    var lastBatch: [BatchStream: UInt64] = [:]

    /// Creates a detector with every key idle.
    public init(policy: DetectionPolicy = DetectionPolicy()) {
        self.policy = policy
    }

    /// Feeds one batch of per-VLAN rates from `interface`, measured at `now` (monotonic ns);
    /// returns the events it causes, ordered by key.
    public mutating func observe(_ rates: [VLANRate], interface: String, at now: UInt64) -> [DetectionEvent] {
        observe(rates.lazy.map {
            RateSample(key: DetectionKey(interface: interface, vlan: $0.vlan),
                       broadcast: $0.broadcastPerSecond, multicast: $0.multicastPerSecond)
        }, stream: BatchStream(interface: interface, kind: .vlan), at: now)
    }

    /// Feeds one batch of QinQ pair rates from `interface` at `now` (monotonic ns); pair keys
    /// are independent of the outer VLAN's key and of each other, use the thresholds of their
    /// outer VLAN, and run on their own poll clock. Returns the events, ordered by key.
    public mutating func observePairs(_ rates: [VLANPairRate], interface: String, at now: UInt64) -> [DetectionEvent] {
        observe(rates.lazy.map {
            RateSample(key: DetectionKey(interface: interface, pair: $0.pair),
                       broadcast: $0.broadcastPerSecond, multicast: $0.multicastPerSecond)
        }, stream: BatchStream(interface: interface, kind: .qinq), at: now)
    }

    /// Feeds one batch of per-VNI rates (VXLAN inner frames) from the underlay `interface` at
    /// `now` (monotonic ns): the same states and thresholds as VLANs, with the interface's VNI
    /// overrides, on their own poll clock. Returns the events, ordered by key.
    public mutating func observeVNIs(_ rates: [VNIRate], interface: String, at now: UInt64) -> [DetectionEvent] {
        observe(rates.lazy.map {
            RateSample(key: DetectionKey(interface: interface, vni: $0.vni),
                       broadcast: $0.broadcastPerSecond, multicast: $0.multicastPerSecond)
        }, stream: BatchStream(interface: interface, kind: .vni), at: now)
    }

    /// Records `count` of this sensor's probes returning on `key` since the last report, at `now`
    /// (monotonic ns): loop evidence even below the rate thresholds. Starts an excursion if none
    /// is active, fires `loopConfirmed` once per excursion, and holds off clearing until no probe
    /// has returned for the clear time. A count of 0 changes nothing.
    public mutating func observeProbeReturn(key: DetectionKey, count: UInt64, at now: UInt64) -> [DetectionEvent] {
        guard count > 0, !isSuppressed(key, at: now) else { return [] }
        var state = states[key] ?? KeyState()
        state.lastProbeAt = max(state.lastProbeAt ?? now, now)
        state.activeSince = state.activeSince ?? now
        var events: [DetectionEvent] = []
        if !state.loopConfirmed {
            state.loopConfirmed = true
            events.append(.loopConfirmed(key: key, probesReturned: count, at: now))
        }
        states[key] = state
        return events
    }

    /// Records one poll of probe-return counts on `interface`, per segment the probes were sent
    /// in (VLANs and VNIs alike; segments with 0 may be left out); returns the events, ordered by
    /// segment.
    public mutating func observeProbeReturns(_ counts: [Segment: UInt64], interface: String,
                                             at now: UInt64) -> [DetectionEvent] {
        counts.keys.sorted().flatMap { segment in
            observeProbeReturn(key: DetectionKey(interface: interface, segment: segment), count: counts[segment]!, at: now)
        }
    }

    /// The keys with a storm or loop in progress, sorted by key.
    public var activeStorms: [ActiveStorm] {
        states.compactMap { key, state in state.activeStorm(key: key) }.sorted { $0.key < $1.key }
    }

    /// The storm or loop in progress on `key`, nil when there is none.
    public func activeStorm(for key: DetectionKey) -> ActiveStorm? {
        states[key]?.activeStorm(key: key)
    }

    /// Forgets everything about `key` without an event, e.g. after a restore.
    public mutating func reset(_ key: DetectionKey) {
        states[key] = nil
    }

    /// Forgets `key` and ignores it until `until` (monotonic ns): no events fire for it, and
    /// detection starts from idle afterwards (the hold-down after an operator's dismiss).
    public mutating func suppress(_ key: DetectionKey, until: UInt64) {
        states[key] = nil
        suppressions[key] = until
    }

    /// True when `key` is suppressed at `now`.
    public func isSuppressed(_ key: DetectionKey, at now: UInt64) -> Bool {
        suppressions[key].map { now < $0 } ?? false
    }
}
