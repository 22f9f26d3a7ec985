import LoopSentryCore
import Testing

@Suite struct RateCalculatorTests {
    let v20 = VLANID(20)!

    func snap(_ nanos: UInt64, _ frames: UInt64, bcast: UInt64 = 0, bytes: UInt64 = 0) -> CounterSnapshot {
        CounterSnapshot(monotonicNanos: nanos,
                        vlans: [v20: VLANCounters(broadcast: bcast, multicast: 0, frames: frames, bytes: bytes)])
    }

    @Test func firstSnapshotYieldsNoRates() {
        var calc = RateCalculator()
        #expect(calc.update(snap(1_000_000_000, 50)).isEmpty)
    }

    @Test func rateIsDeltaOverElapsedTime() {
        var calc = RateCalculator()
        _ = calc.update(snap(0, 100, bcast: 10, bytes: 6400))
        let r = calc.update(snap(100_000_000, 200, bcast: 60, bytes: 12800))
        #expect(r.count == 1)
        #expect(r[0].framesPerSecond == 1000)
        #expect(r[0].broadcastPerSecond == 500)
        #expect(r[0].bytesPerSecond == 64000)
        #expect(r[0].totals.frames == 200)
    }

    @Test func missedPollKeepsTheRateRight() {
        var calc = RateCalculator()
        _ = calc.update(snap(0, 0))
        // Poll due at 100 ms was missed; the next comes at 300 ms with 300 frames: 1000/s.
        let r = calc.update(snap(300_000_000, 300))
        #expect(r[0].framesPerSecond == 1000)
    }

    @Test func counterResetCountsTheNewValueAsTheDelta() {
        var calc = RateCalculator()
        _ = calc.update(snap(0, 5000))
        let r = calc.update(snap(100_000_000, 40))
        #expect(r[0].framesPerSecond == 400)
    }

    @Test func clockThatDidNotAdvanceYieldsNothing() {
        var calc = RateCalculator()
        _ = calc.update(snap(100, 1))
        #expect(calc.update(snap(100, 2)).isEmpty)
    }

    @Test func busiestFirstOrdersByRateThenTotalThenVLAN() {
        func rate(_ v: Int, _ pps: Double, _ total: UInt64) -> VLANRate {
            VLANRate(vlan: VLANID(v)!, broadcastPerSecond: 0, multicastPerSecond: 0, framesPerSecond: pps,
                     bytesPerSecond: 0, totals: VLANCounters(frames: total))
        }
        let sorted = RateCalculator.busiestFirst([rate(3, 0, 5), rate(1, 10, 1), rate(2, 0, 5), rate(4, 0, 9)])
        #expect(sorted.map(\.vlan.value) == [1, 4, 2, 3])
    }

    @Test func vlanIDRejectsOutOfRange() {
        #expect(VLANID(4096) == nil)
        #expect(VLANID(-1) == nil)
        #expect(VLANID(4095)?.value == 4095)
        #expect(VLANPair(key: VLANPair(outer: VLANID(100)!, inner: VLANID(4094)!).key)
                == VLANPair(outer: VLANID(100)!, inner: VLANID(4094)!))
    }
}

@Suite struct RateCalculatorPairAndProbeTests {
    @Test func pairRatesAndProbeReturnsAreDeltas() {
        var calc = RateCalculator()
        let pair = VLANPair(outer: VLANID(100)!, inner: VLANID(7)!)
        let v20 = VLANID(20)!
        _ = calc.update(CounterSnapshot(monotonicNanos: 0, pairs: [pair: VLANCounters(broadcast: 10, frames: 10)],
                                        probes: [v20: ProbeCounters(returned: 3)]))
        _ = calc.update(CounterSnapshot(monotonicNanos: 500_000_000, pairs: [pair: VLANCounters(broadcast: 60, frames: 60)],
                                        probes: [v20: ProbeCounters(returned: 8)]))
        #expect(calc.pairRates == [VLANPairRate(pair: pair, broadcastPerSecond: 100, framesPerSecond: 100)])
        #expect(calc.probeReturns == [.vlan(v20): 5])
        _ = calc.update(CounterSnapshot(monotonicNanos: 600_000_000, pairs: [pair: VLANCounters(broadcast: 60, frames: 60)],
                                        probes: [v20: ProbeCounters(returned: 8)]))
        #expect(calc.probeReturns.isEmpty)
    }
}
