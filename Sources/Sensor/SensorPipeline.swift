import Foundation
import LoopSentryCore

/// The sensor on one trunk end to end: counters → rates → Detector, with self-probes sent on
/// the watched VLANs. `step()` is called once per poll interval by the shell that owns the loop
/// (the monitor command or the daemon).
public final class SensorPipeline {
    public let session: SensorSession
    public private(set) var detector: Detector
    public let probes: ProbeSender?
    public let countsPairs: Bool

    /// Builds the pipeline in the calling thread's network namespace. Probes go out on
    /// `probeVLANs` (none when empty) every `probeIntervalNanos`, spread over the interval.
    public init(interface: String, settings: TCSensorSettings, policy: DetectionPolicy,
                probeVLANs: [VLANID], probeFrame: ProbeFrame?, probeIntervalNanos: UInt64) throws {
        var settings = settings
        if !probeVLANs.isEmpty, let probeFrame { settings.probes = probeFrame.identity }
        session = try SensorSession(interface: interface, settings: settings)
        detector = Detector(policy: policy)
        countsPairs = settings.countInnerVLAN
        if !probeVLANs.isEmpty, let probeFrame {
            probes = try ProbeSender(interface: interface, probe: probeFrame, vlans: probeVLANs,
                                     intervalNanos: probeIntervalNanos)
            probes?.start()
        } else {
            probes = nil
        }
    }

    /// Polls the counters and runs detection on them; returns the poll and the events.
    public func step() throws -> (poll: SensorPoll, events: [DetectionEvent]) {
        let poll = try session.poll()
        let now = poll.snapshot.monotonicNanos
        let interface = session.interface
        var events = detector.observe(poll.rates, interface: interface, at: now)
        if countsPairs { events += detector.observePairs(poll.pairRates, interface: interface, at: now) }
        events += detector.observeProbeReturns(poll.probeReturns, interface: interface, at: now)
        if let probes { probeRisingVLANs(poll.rates, probes: probes, now: now) }
        return (poll, events)
    }

    /// A VLAN whose rate is at or above its rising threshold and not yet confirmed as a loop
    /// gets an extra probe at once: the returned probe then confirms the loop within one poll.
    func probeRisingVLANs(_ rates: [VLANRate], probes: ProbeSender, now: UInt64) {
        for rate in rates {
            let key = DetectionKey(interface: session.interface, vlan: rate.vlan)
            if detector.activeStorm(for: key)?.loopConfirmed == true { continue }
            let t = detector.policy.thresholds(for: key)
            let multicastHigh = t.multicast.map { rate.multicastPerSecond >= $0.rising } ?? false
            if rate.broadcastPerSecond >= t.broadcast.rising || multicastHigh {
                probes.probeSoon(rate.vlan, now: now)
            }
        }
    }

    /// No detection events for `key` until `until` (an operator's dismiss hold-down).
    public func suppress(_ key: DetectionKey, until: UInt64) { detector.suppress(key, until: until) }

    /// Forget `key`'s detection state so a new storm is detected afresh (after a restore).
    public func rearm(_ key: DetectionKey) { detector.reset(key) }

    /// Replaces the detection policy (thresholds changed by an operator).
    public func setPolicy(_ policy: DetectionPolicy) { detector.policy = policy }

    /// Stops the probes and detaches the sensor's filter.
    public func close() throws {
        probes?.stop()
        try session.close()
    }
}
