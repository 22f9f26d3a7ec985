extension Detector {
    /// What the Detector remembers about one non-idle key; idle keys are not stored at all.
    ///
    /// - rising: `stormKind == nil`, `activeSince == nil`, an `...AboveSince` set;
    /// - active: `activeSince` set (a storm was detected, a probe returned, or both);
    ///   while `stormKind` is nil (probe evidence only) the rising trackers keep running so
    ///   the storm can still be reported once.
    struct KeyState: Sendable {
        /// Start of the run of broadcast samples at/above the rising threshold.
        var broadcastAboveSince: UInt64?
        /// Start of the run of multicast samples at/above the rising threshold.
        var multicastAboveSince: UInt64?
        /// When the excursion's first event fired; nil when no excursion is in progress.
        var activeSince: UInt64?
        /// The kind reported by `stormDetected`; nil until it fires.
        var stormKind: StormKind?
        /// True once `loopConfirmed` fired in this excursion.
        var loopConfirmed = false
        /// Highest broadcast rate while active.
        var peakBroadcast = 0.0
        /// Highest multicast rate while active.
        var peakMulticast = 0.0
        /// Start of the run of samples with every rate at/below its falling threshold.
        var calmSince: UInt64?
        /// The last time a probe returned on this key.
        var lastProbeAt: UInt64?

        /// Nothing to remember: the key can be dropped.
        var isIdle: Bool { activeSince == nil && broadcastAboveSince == nil && multicastAboveSince == nil }

        /// The peak of the storm's kind, broadcast while only probe evidence exists.
        var peakRate: Double { stormKind == .multicast ? peakMulticast : peakBroadcast }

        /// The kind whose rise has lasted `sustain` by `now`, the longer-running one first,
        /// broadcast on a tie; nil when none has.
        func sustainedKind(sustain: UInt64, now: UInt64) -> StormKind? {
            let candidates: [(StormKind, UInt64)] = [
                broadcastAboveSince.map { (.broadcast, $0) },
                multicastAboveSince.map { (.multicast, $0) },
            ].compactMap { $0 }.filter { elapsed(from: $0.1, to: now) >= sustain }
            return candidates.min { $0.1 < $1.1 }?.0
        }

        /// The status row for this key, nil unless an excursion is in progress.
        func activeStorm(key: DetectionKey) -> ActiveStorm? {
            activeSince.map {
                ActiveStorm(key: key, since: $0, kind: stormKind, loopConfirmed: loopConfirmed, peakRate: peakRate)
            }
        }
    }

    /// Runs one batch: the samples given, then every tracked key of the stream they lack, at rate 0.
    mutating func observe(_ samples: some Sequence<RateSample>, stream: BatchStream, at now: UInt64)
        -> [DetectionEvent]
    {
        let intervalStart = min(lastBatch[stream] ?? now, now)
        lastBatch[stream] = now
        // Hold-downs that ended before this interval began can no longer matter.
        if !suppressions.isEmpty { suppressions = suppressions.filter { intervalStart < $0.value } }
        var missing = Set(states.keys.lazy.filter { $0.interface == stream.interface && $0.segment.kind == stream.kind })
        var events: [DetectionEvent] = []
        func thresholds(_ key: DetectionKey) -> DetectionThresholds { policy.thresholds(for: key) }
        for sample in samples {
            missing.remove(sample.key)
            if let event = step(sample, thresholds: thresholds(sample.key), intervalStart: intervalStart, now: now) {
                events.append(event)
            }
        }
        for key in missing {
            let silent = RateSample(key: key, broadcast: 0, multicast: 0)
            if let event = step(silent, thresholds: thresholds(key), intervalStart: intervalStart, now: now) {
                events.append(event)
            }
        }
        // At most one event per key per batch, so ordering by key is total.
        return events.sorted { $0.key < $1.key }
    }

    /// Advances one key by one sample; returns the event it causes, if any.
    mutating func step(_ sample: RateSample, thresholds t: DetectionThresholds, intervalStart: UInt64,
                       now: UInt64) -> DetectionEvent? {
        let existing = states[sample.key]
        let multicastRising = t.multicast.map { sample.multicast >= $0.rising } ?? false
        if existing == nil, sample.broadcast < t.broadcast.rising, !multicastRising { return nil }
        var intervalStart = intervalStart
        if let until = suppressions[sample.key] {
            if now < until { return nil }
            // The hold-down ended inside this interval: date a rise from its end, not before.
            suppressions[sample.key] = nil
            intervalStart = max(intervalStart, until)
        }

        var state = existing ?? KeyState()
        var event: DetectionEvent?
        if state.stormKind == nil {
            state.broadcastAboveSince = sample.broadcast >= t.broadcast.rising
                ? state.broadcastAboveSince ?? intervalStart : nil
            state.multicastAboveSince = multicastRising ? state.multicastAboveSince ?? intervalStart : nil
            if let kind = state.sustainedKind(sustain: t.sustainNanos, now: now),
               let threshold = t.threshold(for: kind) {
                event = .stormDetected(key: sample.key, kind: kind, rate: sample.rate(of: kind),
                                       threshold: threshold.rising, at: now)
                state.stormKind = kind
                state.broadcastAboveSince = nil
                state.multicastAboveSince = nil
                state.activeSince = state.activeSince ?? now
            }
        }
        if let activeSince = state.activeSince {
            state.peakBroadcast = max(state.peakBroadcast, sample.broadcast)
            state.peakMulticast = max(state.peakMulticast, sample.multicast)
            let calm = sample.broadcast <= t.broadcast.falling
                && (t.multicast.map { sample.multicast <= $0.falling } ?? true)
            state.calmSince = calm ? state.calmSince ?? intervalStart : nil
            let clear = t.clearNanos
            if let calmSince = state.calmSince, elapsed(from: calmSince, to: now) >= clear,
               state.lastProbeAt.map({ elapsed(from: $0, to: now) >= clear }) ?? true {
                states[sample.key] = nil
                return .stormCleared(key: sample.key, at: now, peakRate: state.peakRate,
                                     duration: .nanoseconds(elapsed(from: activeSince, to: now)))
            }
        }
        states[sample.key] = state.isIdle ? nil : state
        return event
    }
}

/// One key's rates in one batch.
struct RateSample {
    var key: DetectionKey
    var broadcast: Double
    var multicast: Double

    func rate(of kind: StormKind) -> Double { kind == .broadcast ? broadcast : multicast }
}

/// The batches of one interface at one level (VLANs, QinQ pairs or VNIs), which share a poll clock.
struct BatchStream: Hashable {
    var interface: String
    var kind: Segment.Kind
}

/// Nanoseconds from `start` to `end`, 0 if the clock passed in went backwards.
func elapsed(from start: UInt64, to end: UInt64) -> UInt64 {
    end >= start ? end - start : 0
}
