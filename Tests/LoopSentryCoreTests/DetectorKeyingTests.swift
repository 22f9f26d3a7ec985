import LoopSentryCore
import Testing

/// Which thresholds each key gets (overrides, interface defaults, multicast) and QinQ pair keys.
/// Polls every 100 ms from t=0; sustain 300 ms and clear 2 s unless said otherwise.
@Suite struct DetectorKeyingTests {
    static let strict = DetectionThresholds(broadcast: RateThreshold(rising: 10_000, falling: 5000))

    func detected(_ key: DetectionKey, rate: Double, threshold: Double, at t: UInt64,
                  kind: StormKind = .broadcast) -> DetectionEvent {
        .stormDetected(key: key, kind: kind, rate: rate, threshold: threshold, at: ms(t))
    }

    @Test func overridesApplyToExactlyTheirVLANsAndNotTheirNeighbours() throws {
        let override = VLANThresholdOverride(vlans: try VLANSet(parsing: "100-199,300"), thresholds: Self.strict)
        var h = DetectorHarness(policy: DetectionPolicy(interfaces: ["eth1": InterfaceDetectionPolicy(overrides: [override])]))
        let flood: [Int: Double] = [99: 5000, 100: 5000, 199: 5000, 200: 5000, 299: 5000, 300: 5000, 301: 5000]
        h.poll(each: ["eth1": [:], "eth2": [:]])
        h.poll(each: ["eth1": flood, "eth2": [150: 5000]])
        h.poll(each: ["eth1": flood, "eth2": [150: 5000]])
        h.poll(each: ["eth1": flood, "eth2": [150: 5000]])  // t=300
        #expect(h.events == [
            detected(key(99), rate: 5000, threshold: 1000, at: 300),
            detected(key(200), rate: 5000, threshold: 1000, at: 300),
            detected(key(299), rate: 5000, threshold: 1000, at: 300),
            detected(key(301), rate: 5000, threshold: 1000, at: 300),
            detected(key(150, on: "eth2"), rate: 5000, threshold: 1000, at: 300),
        ])
    }

    @Test func overriddenVLANsFireAtTheirOwnThreshold() throws {
        let override = VLANThresholdOverride(vlans: try VLANSet(parsing: "100-199,300"), thresholds: Self.strict)
        var h = DetectorHarness(policy: DetectionPolicy(interfaces: ["eth1": InterfaceDetectionPolicy(overrides: [override])]))
        h.poll([:])
        h.poll(times: 3, [100: 12_000, 199: 9_999, 300: 10_000])
        #expect(h.events == [
            detected(key(100), rate: 12_000, threshold: 10_000, at: 300),
            detected(key(300), rate: 10_000, threshold: 10_000, at: 300),
        ])
    }

    @Test func theMostSpecificSettingWins() throws {
        let eth2 = InterfaceDetectionPolicy(
            defaults: DetectionThresholds(broadcast: RateThreshold(rising: 3000, falling: 1000)),
            overrides: [VLANThresholdOverride(vlans: try VLANSet(parsing: "10"),
                                              thresholds: DetectionThresholds(broadcast: RateThreshold(rising: 50, falling: 10)))])
        let policy = DetectionPolicy(interfaces: ["eth2": eth2])
        #expect(policy.thresholds(for: key(10, on: "eth2")).broadcast.rising == 50)
        #expect(policy.thresholds(for: key(11, on: "eth2")).broadcast.rising == 3000)
        #expect(policy.thresholds(for: key(10, on: "eth1")).broadcast.rising == 1000)
        #expect(policy.thresholds(for: pairKey(10, 7, on: "eth2")).broadcast.rising == 50)

        var h = DetectorHarness(policy: policy)
        h.poll(each: ["eth1": [:], "eth2": [:]])
        for _ in 0..<3 { h.poll(each: ["eth1": [5: 2000], "eth2": [5: 2000, 10: 60]]) }
        #expect(h.events == [
            detected(key(5), rate: 2000, threshold: 1000, at: 300),
            detected(key(10, on: "eth2"), rate: 60, threshold: 50, at: 300),
        ])
    }

    @Test func multicastIsNotDetectedByDefault() {
        var h = DetectorHarness()
        h.poll([:])
        h.poll(times: 20, [:], multicast: [20: 1_000_000])
        #expect(h.events == [])
    }

    @Test func multicastThresholdsAreSeparateFromBroadcast() {
        let thresholds = DetectionThresholds(multicast: RateThreshold(rising: 200, falling: 100))
        var h = DetectorHarness(policy: DetectionPolicy(defaults: thresholds))
        h.poll([:])
        // VLAN 20: multicast storm; 21: broadcast at a rate only the multicast threshold would catch;
        // 22: both just under multicast rising.
        h.poll(times: 3, [21: 300, 22: 150], multicast: [20: 300, 22: 150])      // t=100...300
        h.poll(times: 30, [:], multicast: [20: 150])                             // t=400...3300
        h.poll(times: 19, [:], multicast: [20: 100])                             // t=3400...5200
        #expect(h.events == [detected(key(20), rate: 300, threshold: 200, at: 300, kind: .multicast)])
        h.poll([:], multicast: [20: 100])                                        // t=5300
        #expect(h.events == [
            detected(key(20), rate: 300, threshold: 200, at: 300, kind: .multicast),
            .stormCleared(key: key(20), at: ms(5300), peakRate: 300, duration: .milliseconds(5000)),
        ])
    }

    @Test func aBroadcastStormDoesNotClearWhileMulticastIsAboveItsFallingThreshold() {
        let thresholds = DetectionThresholds(multicast: RateThreshold(rising: 200, falling: 100))
        var h = DetectorHarness(policy: DetectionPolicy(defaults: thresholds))
        h.poll([:])
        h.poll(times: 3, [20: 5000])                                             // detected at 300
        h.poll(times: 40, [:], multicast: [20: 150])
        #expect(h.events == [detected(key(20), rate: 5000, threshold: 1000, at: 300)])
    }

    @Test func qinqPairKeysAreIndependentOfTheirOuterVLANAndOfEachOther() {
        let p20 = VLANPair(outer: VLANID(100)!, inner: VLANID(20)!)
        let p30 = VLANPair(outer: VLANID(100)!, inner: VLANID(30)!)
        var h = DetectorHarness()
        h.poll([:], pairs: [:])                                                  // t=0
        h.poll(times: 5, [100: 800], pairs: [p20: 5000, p30: 10])                // t=100...500
        #expect(h.events == [detected(pairKey(100, 20), rate: 5000, threshold: 1000, at: 300)])
        // The outer VLAN storms while the pair batch goes quiet: each key follows its own batch.
        h.poll(times: 20, [100: 5000], pairs: [:])                               // t=600...2500
        #expect(h.events == [
            detected(pairKey(100, 20), rate: 5000, threshold: 1000, at: 300),
            detected(key(100), rate: 5000, threshold: 1000, at: 800),
            .stormCleared(key: pairKey(100, 20), at: ms(2500), peakRate: 5000, duration: .milliseconds(2200)),
        ])
        #expect(h.detector.activeStorms.map(\.key) == [key(100)])
    }

    @Test func aProbeOnAPairKeyConfirmsOnlyThatPair() {
        var h = DetectorHarness()
        h.poll([100: 10], pairs: [:])
        h.probe(pairKey(100, 20))
        h.poll(times: 5, [100: 10], pairs: [:])
        #expect(h.events == [.loopConfirmed(key: pairKey(100, 20), probesReturned: 1, at: ms(100))])
        #expect(h.detector.activeStorms.map(\.key) == [pairKey(100, 20)])
    }
}
