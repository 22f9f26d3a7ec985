import LoopSentryCore
import Testing

/// Rate thresholds, sustain and clear with the default policy: broadcast 1000/500 frames/s,
/// sustain 300 ms, clear 2 s; polls every 100 ms starting at t=0.
@Suite struct DetectorTests {
    let k20 = key(20)

    func detected(_ key: DetectionKey, rate: Double = 5000, threshold: Double = 1000, at t: UInt64,
                  kind: StormKind = .broadcast) -> DetectionEvent {
        .stormDetected(key: key, kind: kind, rate: rate, threshold: threshold, at: ms(t))
    }

    func cleared(_ key: DetectionKey, at t: UInt64, peak: Double = 5000, lasting d: Int64) -> DetectionEvent {
        .stormCleared(key: key, at: ms(t), peakRate: peak, duration: .milliseconds(d))
    }

    @Test func burstShorterThanTheSustainTimeDoesNotFire() {
        var h = DetectorHarness()
        h.poll([:])                                 // t=0
        h.poll(times: 2, [20: 50_000])              // t=100, 200: 200 ms above rising
        h.poll(times: 30, [20: 0])
        #expect(h.events == [])
        #expect(h.detector.activeStorms == [])
    }

    @Test func stormThatLastsTheSustainTimeFiresExactlyOnce() {
        var h = DetectorHarness()
        h.poll([:])
        h.poll(times: 50, [20: 5000])               // t=100...5000, above since t=0
        #expect(h.events == [detected(k20, at: 300)])
        #expect(h.detector.activeStorms == [
            ActiveStorm(key: k20, since: ms(300), kind: .broadcast, loopConfirmed: false, peakRate: 5000),
        ])
    }

    @Test func rateExactlyAtTheRisingThresholdCountsAsAbove() {
        var h = DetectorHarness()
        h.poll([:])
        h.poll(times: 3, [20: 1000])
        #expect(h.events == [detected(k20, rate: 1000, at: 300)])
    }

    @Test func clearingNeedsTheFallingThresholdForTheClearTime() {
        var h = DetectorHarness()
        h.poll([:])
        h.poll(times: 5, [20: 5000])                // detected at 300
        h.poll(times: 30, [20: 700])                // t=600...3500: under rising, above falling
        h.poll(times: 19, [20: 500])                // t=3600...5400: at falling, calm since 3500
        #expect(h.events == [detected(k20, at: 300)])
        h.poll([20: 500])                           // t=5500: calm for 2 s
        #expect(h.events == [detected(k20, at: 300), cleared(k20, at: 5500, lasting: 5200)])
        #expect(h.detector.activeStorms == [])
    }

    @Test func oneSampleAboveFallingRestartsTheClearTime() {
        var h = DetectorHarness()
        h.poll([:])
        h.poll(times: 5, [20: 5000])                // detected at 300, last high sample at 500
        h.poll(times: 15, [20: 0])                  // t=600...2000: calm for 1.5 s
        h.poll([20: 600])                           // t=2100: above falling
        h.poll(times: 19, [20: 0])                  // t=2200...4000
        #expect(h.events == [detected(k20, at: 300)])
        h.poll([20: 0])                             // t=4100: calm since 2100 for 2 s
        #expect(h.events == [detected(k20, at: 300), cleared(k20, at: 4100, lasting: 3800)])
    }

    @Test func rateOscillatingAroundTheRisingThresholdNeverFires() {
        var h = DetectorHarness()
        h.poll([:])
        for _ in 0..<50 {
            h.poll([20: 1100])
            h.poll([20: 900])
        }
        #expect(h.events == [])
    }

    @Test func rateOscillatingAroundTheRisingThresholdDuringAStormRepeatsNothing() {
        var h = DetectorHarness()
        h.poll([:])
        h.poll(times: 3, [20: 5000])                // detected at 300
        for _ in 0..<50 {                           // t=400...10300
            h.poll([20: 1100])
            h.poll([20: 900])
        }
        #expect(h.events == [detected(k20, at: 300)])
        h.poll(times: 20, [20: 0])                  // t=10400...12300: calm since 10300
        #expect(h.events == [detected(k20, at: 300), cleared(k20, at: 12300, lasting: 12000)])
    }

    @Test func rateOscillatingAroundTheFallingThresholdNeverClears() {
        var h = DetectorHarness()
        h.poll([:])
        h.poll(times: 3, [20: 5000])
        for _ in 0..<50 {
            h.poll([20: 600])
            h.poll([20: 400])
        }
        #expect(h.events == [detected(k20, at: 300)])
        #expect(h.detector.activeStorms.map(\.key) == [k20])
    }

    @Test func aVLANMissingFromTheBatchCountsAsNoTraffic() {
        var h = DetectorHarness()
        h.poll([:])
        h.poll(times: 3, [20: 5000])                // detected at 300
        h.poll(times: 20, [:])                      // t=400...2300: rate 0 since 300
        #expect(h.events == [detected(k20, at: 300), cleared(k20, at: 2300, lasting: 2000)])
    }

    @Test func aStormAfterClearingIsANewExcursionThatFiresAgain() {
        var h = DetectorHarness()
        h.poll([:])
        h.poll(times: 3, [20: 5000])                // detected at 300
        h.poll(times: 20, [:])                      // cleared at 2300
        h.poll(times: 3, [20: 8000])                // t=2400...2600, above since 2300
        #expect(h.events == [detected(k20, at: 300), cleared(k20, at: 2300, lasting: 2000),
                             detected(k20, rate: 8000, at: 2600)])
    }

    @Test func neighbouringVLANsBelowTheThresholdStayQuiet() {
        var h = DetectorHarness()
        h.poll([:])
        h.poll(times: 10, [19: 999, 20: 5000, 21: 900])
        #expect(h.events == [detected(k20, at: 300)])
    }

    @Test func activeStormsAreSortedByInterfaceThenVLAN() {
        var h = DetectorHarness()
        h.poll(each: ["eth1": [:], "eth2": [:]])
        for _ in 0..<3 { h.poll(each: ["eth2": [10: 5000], "eth1": [300: 5000, 20: 5000]]) }
        #expect(h.detector.activeStorms.map(\.key) == [key(20), key(300), key(10, on: "eth2")])
        #expect(h.events.map(\.key) == [key(20), key(300), key(10, on: "eth2")])
    }

    @Test func resetForgetsAStormWithoutAnEvent() {
        var h = DetectorHarness()
        h.poll([:])
        h.poll(times: 3, [20: 5000])
        h.detector.reset(k20)
        #expect(h.detector.activeStorms == [])
        h.poll(times: 30, [:])
        #expect(h.events == [detected(k20, at: 300)])
    }

    @Test func aClockThatGoesBackwardsNeitherCrashesNorFiresEarly() {
        var detector = Detector()
        let rate = VLANRate(vlan: VLANID(20)!, broadcastPerSecond: 5000, multicastPerSecond: 0,
                            framesPerSecond: 0, bytesPerSecond: 0, totals: .zero)
        #expect(detector.observe([rate], interface: "eth1", at: ms(1000)) == [])
        #expect(detector.observe([rate], interface: "eth1", at: ms(500)) == [])
        #expect(detector.observe([rate], interface: "eth1", at: ms(1300)) == [detected(k20, at: 1300)])
    }
}
