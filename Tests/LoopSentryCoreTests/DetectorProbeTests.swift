import LoopSentryCore
import Testing

/// Returned self-probes as loop evidence, and suppression (the dismiss hold-down).
/// Default policy: broadcast 1000/500 frames/s, sustain 300 ms, clear 2 s; polls every 100 ms.
@Suite struct DetectorProbeTests {
    let k20 = key(20)

    @Test func aReturnedProbeConfirmsALoopBelowTheRateThreshold() {
        var h = DetectorHarness()
        h.poll(times: 5, [20: 100])                 // t=0...400, far below rising
        h.probe(k20)                                // t=500
        h.poll(times: 5, [20: 100])
        #expect(h.events == [.loopConfirmed(key: k20, probesReturned: 1, at: ms(500))])
        #expect(h.detector.activeStorms == [
            ActiveStorm(key: k20, since: ms(500), kind: nil, loopConfirmed: true, peakRate: 100),
        ])
    }

    @Test func probesThatKeepReturningHoldTheLoopAndConfirmItOnce() {
        var h = DetectorHarness()
        h.poll(times: 5, [20: 100])
        for _ in 0..<6 {                            // probes at 500, 1500, ... 5500
            h.probe(k20)
            h.poll(times: 10, [20: 100])
        }
        h.poll(times: 10, [20: 100])                // t=6500...7400: last probe 1.9 s ago
        #expect(h.events == [.loopConfirmed(key: k20, probesReturned: 1, at: ms(500))])
        h.poll([20: 100])                           // t=7500: no probe for 2 s
        #expect(h.events == [
            .loopConfirmed(key: k20, probesReturned: 1, at: ms(500)),
            .stormCleared(key: k20, at: ms(7500), peakRate: 100, duration: .milliseconds(7000)),
        ])
    }

    @Test func aProbeDuringARateStormConfirmsTheLoopOnce() {
        var h = DetectorHarness()
        h.poll([:])
        h.poll(times: 3, [20: 5000])                // detected at 300
        h.probe(k20, count: 3)                      // t=400
        h.poll(times: 2, [20: 5000])
        h.probe(k20, count: 7)                      // t=600
        h.poll(times: 2, [20: 5000])
        #expect(h.events == [
            .stormDetected(key: k20, kind: .broadcast, rate: 5000, threshold: 1000, at: ms(300)),
            .loopConfirmed(key: k20, probesReturned: 3, at: ms(400)),
        ])
        #expect(h.detector.activeStorm(for: k20)
                == ActiveStorm(key: k20, since: ms(300), kind: .broadcast, loopConfirmed: true, peakRate: 5000))
    }

    @Test func aCalmRateDoesNotClearWhileProbesStillReturn() {
        var h = DetectorHarness()
        h.poll([:])
        h.poll(times: 5, [20: 5000])                // detected at 300; calm from 500
        h.probe(k20)                                // t=600
        h.poll(times: 19, [:])                      // t=600...2400
        h.probe(k20)                                // t=2500: calm for 2 s, but a probe returned
        h.poll(times: 20, [:])                      // t=2500...4400
        #expect(h.events == [
            .stormDetected(key: k20, kind: .broadcast, rate: 5000, threshold: 1000, at: ms(300)),
            .loopConfirmed(key: k20, probesReturned: 1, at: ms(600)),
        ])
        h.poll([:])                                 // t=4500: no probe for 2 s
        #expect(h.events.last == .stormCleared(key: k20, at: ms(4500), peakRate: 5000, duration: .milliseconds(4200)))
    }

    @Test func aRateStormInsideAProbeExcursionIsStillReportedOnce() {
        var h = DetectorHarness()
        h.probe(k20)                                // t=0, before any poll
        h.poll([:])
        h.poll(times: 10, [20: 5000])               // t=100...1000, above since 0
        h.poll(times: 20, [:])                      // t=1100...3000, calm since 1000
        #expect(h.events == [
            .loopConfirmed(key: k20, probesReturned: 1, at: 0),
            .stormDetected(key: k20, kind: .broadcast, rate: 5000, threshold: 1000, at: ms(300)),
            .stormCleared(key: k20, at: ms(3000), peakRate: 5000, duration: .milliseconds(3000)),
        ])
    }

    @Test func aZeroProbeCountIsNoEvidence() {
        var h = DetectorHarness()
        h.probe(k20, count: 0)
        #expect(h.events == [])
        #expect(h.detector.activeStorms == [])
    }

    @Test func aPollOfProbeCountsReportsOnlyVLANsWithReturns() {
        var detector = Detector()
        let events = detector.observeProbeReturns([.vlan(VLANID(30)!): 2, .vlan(VLANID(20)!): 1, .vlan(VLANID(40)!): 0],
                                                  interface: "eth1", at: ms(50))
        #expect(events == [.loopConfirmed(key: key(20), probesReturned: 1, at: ms(50)),
                           .loopConfirmed(key: key(30), probesReturned: 2, at: ms(50))])
    }

    @Test func suppressionSilencesOneKeyUntilItEndsThenDetectionStartsOver() {
        var h = DetectorHarness()
        h.poll([:])
        h.poll(times: 10, [20: 5000])               // t=100...1000, detected at 300
        h.detector.suppress(k20, until: ms(5000))
        #expect(h.detector.activeStorms == [])
        #expect(h.detector.isSuppressed(k20, at: ms(4999)))
        #expect(!h.detector.isSuppressed(k20, at: ms(5000)))
        h.poll(times: 10, [20: 5000, 30: 5000])     // t=1100...2000: VLAN 30 still detected
        h.probe(k20, count: 4)                      // t=2100: ignored
        h.poll(times: 30, [20: 5000])               // t=2100...5000: at 5000, above since 5000
        h.poll(times: 4, [20: 5000])                // t=5100...5400
        #expect(h.events == [
            .stormDetected(key: k20, kind: .broadcast, rate: 5000, threshold: 1000, at: ms(300)),
            .stormDetected(key: key(30), kind: .broadcast, rate: 5000, threshold: 1000, at: ms(1300)),
            .stormCleared(key: key(30), at: ms(4000), peakRate: 5000, duration: .milliseconds(2700)),
            .stormDetected(key: k20, kind: .broadcast, rate: 5000, threshold: 1000, at: ms(5300)),
        ])
    }
}
