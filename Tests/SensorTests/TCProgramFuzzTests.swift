import CLoopSentryBPF
import Foundation
import LoopSentryCore
import Testing
@testable import Sensor

/// Random frames through the tc sensor with bpf_prog_test_run_opts: random bytes (14-3500),
/// and structured frames — broadcast/multicast/unicast, 0-4 stacked tags with TPIDs
/// 0x8100/0x88a8/0x9100 or others, random VIDs, own probe source MACs, truncated at random
/// offsets and, for short frames, at every offset. Per frame the verdict is only pass
/// (TC_ACT_UNSPEC) or drop (TC_ACT_SHOT) and matches a Swift model of the parser; over the
/// run every counter equals the model's, so VLAN frames + untagged + malformed (+ untagged
/// returned probes) == frames run, and dropped == tagged frames when the drop setting is on.
@Suite(.enabled(if: runningAsRoot, rootReason))
struct TCProgramFuzzTests {
    static let identity = try! ProbeIdentity(sensorID: 7)

    /// What the program should do with one frame, and the counters it should touch.
    struct Model {
        var expected = CounterSnapshot(monotonicNanos: 0)
        /// Own probes that came back untagged: counted only as returned probes.
        var untaggedProbes: UInt64 = 0

        /// Adds `frame`'s expected effect; returns the expected verdict.
        mutating func add(_ f: [UInt8], drop: Bool, probes: Bool) -> Int32 {
            let tpids: Set<UInt16> = [0x8100, 0x88a8, 0x9100]
            func u16(_ i: Int) -> UInt16 { UInt16(f[i]) << 8 | UInt16(f[i + 1]) }
            let bcast = f[0..<6].allSatisfy { $0 == 0xff }
            let mcast = !bcast && f[0] & 1 == 1
            let own = probes && Array(f[6..<10]) == TCProgramFuzzTests.identity.prefix + [TCProgramFuzzTests.identity.sensorID]
                && f[10] & 0xf0 == 0
            let sent = VLANID(masking: UInt16(f[10] & 0x0f) << 8 | UInt16(f[11]))
            guard tpids.contains(u16(12)) else {
                if own {
                    untaggedProbes += 1
                    expected.probes[sent, default: ProbeCounters()].returned += 1
                    expected.probes[sent, default: ProbeCounters()].leaked += 1
                    return LS_TC_ACT_SHOT
                }
                expected.global.untaggedFrames += 1
                expected.global.untaggedBytes += UInt64(f.count)
                return LS_TC_ACT_UNSPEC
            }
            guard f.count >= 18, !tpids.contains(u16(16)) || f.count >= 22 else {
                expected.global.malformed += 1
                return LS_TC_ACT_UNSPEC
            }
            let outer = VLANID(masking: u16(14))
            let c = VLANCounters(broadcast: bcast ? 1 : 0, multicast: mcast ? 1 : 0, frames: 1, bytes: UInt64(f.count))
            expected.vlans[outer, default: .zero] = expected.vlans[outer, default: .zero] + c
            if tpids.contains(u16(16)) {
                let pair = VLANPair(outer: outer, inner: VLANID(masking: u16(18)))
                expected.pairs[pair, default: .zero] = expected.pairs[pair, default: .zero] + c
            }
            if own {
                expected.probes[sent, default: ProbeCounters()].returned += 1
                if sent != outer { expected.probes[sent, default: ProbeCounters()].leaked += 1 }
                return LS_TC_ACT_SHOT
            }
            if drop {
                expected.global.dropped += 1
                return LS_TC_ACT_SHOT
            }
            return LS_TC_ACT_UNSPEC
        }
    }

    /// A structured random frame (at least 14 bytes), or its truncations at every offset.
    static func frames(_ rng: inout SeededGenerator, probes: Bool) -> [[UInt8]] {
        guard rng.chance(0.75) else { return [rng.bytes(Int.random(in: 14...3500, using: &rng))] }
        var f: [UInt8] = rng.pick([[UInt8](repeating: 0xff, count: 6), [0x01, 0x00, 0x5e, 0, 0, 1], [0x33, 0x33, 0, 0, 0, 1],
                                   [0x02, 0, 0, 0, 0, 2], rng.bytes(6)])
        if probes && rng.chance(0.3) {
            f += identity.prefix + [identity.sensorID, UInt8.random(in: 0...(rng.chance(0.8) ? 0x0f : 0xff), using: &rng),
                                    UInt8.random(in: 0...255, using: &rng)]
        } else {
            f += rng.bytes(6)
        }
        for _ in 0..<Int.random(in: 0...4, using: &rng) {
            let tpid: UInt16 = rng.chance(0.9) ? rng.pick([0x8100, 0x88a8, 0x9100]) : UInt16.random(in: 0...0xffff, using: &rng)
            let tci: UInt16 = rng.chance(0.5) ? UInt16.random(in: 0...0xffff, using: &rng) : rng.pick([0, 1, 20, 4094, 4095])
            f += [UInt8(tpid >> 8), UInt8(tpid & 0xff), UInt8(tci >> 8), UInt8(tci & 0xff)]
        }
        f += rng.pick([[0x08, 0x06], [0x08, 0x00], [0x86, 0xdd], rng.bytes(2)])
        f += rng.bytes(Int.random(in: 0...(rng.chance(0.9) ? 100 : 3400), using: &rng))
        f = Array(f.prefix(3500))
        if f.count <= 64 && rng.chance(0.05) { return (14...f.count).map { Array(f.prefix($0)) } }
        if rng.chance(0.3) { f = Array(f.prefix(Int.random(in: 14...f.count, using: &rng))) }
        return [f]
    }

    /// Untagged IPv4/IPv6 frames shorter than their IP header: bpf_prog_test_run_skb refuses
    /// them (EINVAL) before the program runs, so they count nowhere.
    static func kernelRefuses(_ f: [UInt8]) -> Bool {
        let type = UInt16(f[12]) << 8 | UInt16(f[13])
        return (type == 0x0800 && f.count < 34) || (type == 0x86dd && f.count < 54)
    }

    @Test("random frames: verdict only pass or drop, counters exactly as the parser model says",
          arguments: [(false, false), (true, false), (false, true), (true, true)])
    func randomFrames(drop: Bool, probes: Bool) throws {
        let budget = FuzzBudget(environment: ProcessInfo.processInfo.environment, defaultIterations: 5000,
                                defaultSeed: 0xB9F_0001 + (drop ? 1 : 0) + (probes ? 2 : 0), scale: 2.5)
        print("tc fuzz drop=\(drop) probes=\(probes): \(budget)")
        let program = try TCSensorProgram(settings: TCSensorSettings(taggedFrames: drop ? .drop : .pass, countInnerVLAN: true,
                                                                     probes: probes ? Self.identity : nil))
        var rng = budget.generator
        var model = Model()
        var run = 0, wrongVerdicts = 0, refused = 0
        for i in 0..<budget.iterations {
            for frame in Self.frames(&rng, probes: probes) {
                let verdict: Int32
                do { verdict = try program.testRun(frame: frame).verdict } catch {
                    if Self.kernelRefuses(frame) { refused += 1; continue }
                    Issue.record("#\(i) (\(budget)): test_run refused a \(frame.count)-byte frame \(frame.prefix(24)): \(error)")
                    return
                }
                run += 1
                let want = model.add(frame, drop: drop, probes: probes)
                if verdict != want || ![LS_TC_ACT_UNSPEC, LS_TC_ACT_SHOT].contains(verdict) {
                    wrongVerdicts += 1
                    if wrongVerdicts <= 5 { Issue.record("#\(i) (\(budget)): verdict \(verdict), expected \(want) for \(frame.prefix(26))") }
                }
            }
        }
        let got = try program.snapshot(monotonicNanos: 0)
        let e = model.expected
        #expect(got.global == e.global)
        #expect(got.vlans == e.vlans, "VLAN counters differ (\(budget))")
        #expect(got.pairs == e.pairs, "QinQ pair counters differ (\(budget))")
        #expect(got.probes.filter { $0.value.returned != 0 } == e.probes, "probe counters differ (\(budget))")
        let vlanFrames = got.vlans.values.reduce(0) { $0 + $1.frames }
        let returned = got.probes.values.reduce(0) { $0 + $1.returned }
        #expect(vlanFrames + got.global.untaggedFrames + got.global.malformed + model.untaggedProbes == UInt64(run))
        #expect(probes || (returned == 0 && model.untaggedProbes == 0))
        if drop && !probes { #expect(got.global.dropped == vlanFrames) }
        if !drop { #expect(got.global.dropped == 0) }
        print("tc fuzz drop=\(drop) probes=\(probes): \(run) frames, \(vlanFrames) tagged, \(got.global.untaggedFrames) untagged, "
              + "\(got.global.malformed) malformed, \(got.global.dropped) dropped, \(e.probes.count) probe VLANs, \(wrongVerdicts) wrong verdicts, "
              + "\(refused) untagged IP frames shorter than an IP header refused by test_run itself (EINVAL; never reach the program)")
    }
}
