/// Detection on one interface, as the daemon and `loopsentry monitor` both run it: a poll's
/// VLAN rates, QinQ pair rates (when the interface counts them), VNI rates (when it watches
/// VXLAN) and returned probes (VLAN and VNI probes alike) go to the Detector; VLANs and VNIs
/// whose rate is rising and not yet confirmed as a loop are named for an extra probe, so a
/// returned probe confirms the loop within one poll. Pure, like the Detector.
public struct DetectionStage: Sendable {
    public let interface: String
    public var detector: Detector
    /// Whether QinQ (outer, inner) pairs are observed.
    public let countsPairs: Bool

    public init(interface: String, policy: DetectionPolicy, countsPairs: Bool) {
        self.interface = interface
        self.detector = Detector(policy: policy)
        self.countsPairs = countsPairs
    }

    /// One poll measured at `at` (monotonic ns): the detection events, and the segments to probe
    /// now (VLANs, then VNIs). `vniRates` (VXLAN, when the interface is an underlay watched for
    /// VNIs) go through the same Detector as the VLANs; `probeReturns` holds both kinds.
    public mutating func observe(rates: [VLANRate], pairRates: [VLANPairRate], probeReturns: [Segment: UInt64],
                                 vniRates: [VNIRate] = [], watchesVNIs: Bool = false,
                                 at: UInt64) -> (events: [DetectionEvent], probeSoon: [Segment]) {
        var events = detector.observe(rates, interface: interface, at: at)
        if countsPairs { events += detector.observePairs(pairRates, interface: interface, at: at) }
        if watchesVNIs { events += detector.observeVNIs(vniRates, interface: interface, at: at) }
        events += detector.observeProbeReturns(probeReturns, interface: interface, at: at)
        let rising = rates.filter { isRisingUnconfirmed(.vlan($0.vlan), $0.broadcastPerSecond, $0.multicastPerSecond) }
            .map { Segment.vlan($0.vlan) }.sorted()
        let risingVNIs = watchesVNIs
            ? vniRates.filter { isRisingUnconfirmed(.vni($0.vni), $0.broadcastPerSecond, $0.multicastPerSecond) }
                .map { Segment.vni($0.vni) }.sorted()
            : []
        return (events, rising + risingVNIs)
    }

    /// True when `segment`'s rates reach a rising threshold and no probe has confirmed a loop on it yet.
    private func isRisingUnconfirmed(_ segment: Segment, _ broadcast: Double, _ multicast: Double) -> Bool {
        let key = DetectionKey(interface: interface, segment: segment)
        if detector.activeStorm(for: key)?.loopConfirmed == true { return false }
        let t = detector.policy.thresholds(for: key)
        let multicastHigh = t.multicast.map { multicast >= $0.rising } ?? false
        return broadcast >= t.broadcast.rising || multicastHigh
    }
}
