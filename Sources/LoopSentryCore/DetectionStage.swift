/// Detection on one interface, as the daemon and `loopsentry monitor` both run it: a poll's
/// VLAN rates, QinQ pair rates (when the interface counts them), VNI rates (when it watches
/// VXLAN) and returned probes go to the
/// Detector; VLANs whose rate is rising and not yet confirmed as a loop are named for an extra
/// probe, so a returned probe confirms the loop within one poll. Pure, like the Detector.
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

    /// One poll measured at `at` (monotonic ns): the detection events, and the VLANs to probe now.
    /// `vniRates` (VXLAN, when the interface is an underlay watched for VNIs) go through the same
    /// Detector as the VLANs.
    public mutating func observe(rates: [VLANRate], pairRates: [VLANPairRate], probeReturns: [VLANID: UInt64],
                                 vniRates: [VNIRate] = [], watchesVNIs: Bool = false,
                                 at: UInt64) -> (events: [DetectionEvent], probeSoon: [VLANID]) {
        var events = detector.observe(rates, interface: interface, at: at)
        if countsPairs { events += detector.observePairs(pairRates, interface: interface, at: at) }
        if watchesVNIs { events += detector.observeVNIs(vniRates, interface: interface, at: at) }
        events += detector.observeProbeReturns(probeReturns, interface: interface, at: at)
        let rising = rates.filter { rate in
            let key = DetectionKey(interface: interface, vlan: rate.vlan)
            if detector.activeStorm(for: key)?.loopConfirmed == true { return false }
            let t = detector.policy.thresholds(for: key)
            let multicastHigh = t.multicast.map { rate.multicastPerSecond >= $0.rising } ?? false
            return rate.broadcastPerSecond >= t.broadcast.rising || multicastHigh
        }.map(\.vlan)
        return (events, rising)
    }
}
