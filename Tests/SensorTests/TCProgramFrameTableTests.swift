import CLoopSentryBPF
import Glibc
import LoopSentryCore
import Testing
@testable import Sensor

/// The tc sensor run on crafted frames with bpf_prog_test_run_opts: no network at all.
/// Each case asserts the verdict and the exact counter deltas, under the pass and the drop
/// setting. (test_run feeds the tag in-band; the metadata path is covered on veth.)
@Suite(.enabled(if: runningAsRoot, rootReason))
struct TCProgramFrameTableTests {
    enum Expect { case tagged, untagged, malformed, ownProbe }

    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let frame: [UInt8]
        let expect: Expect
        let delta: CounterDelta
        var testDescription: String { name }
    }

    static let src = MACAddress([0x02, 0, 0, 0, 0, 1])
    static let mcast = MACAddress([0x01, 0x00, 0x5e, 0, 0, 1])
    static let ucast = MACAddress([0x02, 0, 0, 0, 0, 2])
    static let identity = try! ProbeIdentity(sensorID: 1)

    static func tagged(_ name: String, dst: MACAddress, vlan: Int, length: Int = 60) -> Case {
        let frame = EthernetFrame(destination: dst, source: src, tags: [VLANTag(vid: UInt16(vlan))]).bytes(length: length)
        let c = VLANCounters(broadcast: dst.isBroadcast ? 1 : 0, multicast: dst.isGroup && !dst.isBroadcast ? 1 : 0,
                             frames: 1, bytes: UInt64(length))
        return Case(name: name, frame: frame, expect: .tagged, delta: CounterDelta(vlans: [vid(vlan): c]))
    }

    static let cases: [Case] = {
        var all: [Case] = []
        all.append(Case(name: "untagged broadcast", frame: EthernetFrame(destination: .broadcast, source: src).bytes(),
                        expect: .untagged, delta: CounterDelta(global: GlobalCounters(untaggedFrames: 1, untaggedBytes: 60))))
        for v in [1, 42, 4094] {
            all.append(tagged("802.1Q broadcast VLAN \(v)", dst: .broadcast, vlan: v))
            all.append(tagged("802.1Q multicast VLAN \(v)", dst: mcast, vlan: v))
            all.append(tagged("802.1Q unicast VLAN \(v)", dst: ucast, vlan: v))
        }
        all.append(tagged("priority tag (VID 0) broadcast", dst: .broadcast, vlan: 0))
        let qinq = EthernetFrame(destination: .broadcast, source: src,
                                 tags: [VLANTag(tpid: VLANTag.tpid8021AD, vid: 100), VLANTag(vid: 200)]).bytes()
        let one = VLANCounters(broadcast: 1, multicast: 0, frames: 1, bytes: 60)
        all.append(Case(name: "802.1ad outer 100 + inner 200", frame: qinq, expect: .tagged,
                        delta: CounterDelta(vlans: [vid(100): one],
                                            pairs: [VLANPair(outer: vid(100), inner: vid(200)): one])))
        let q9100 = EthernetFrame(destination: .broadcast, source: src, tags: [VLANTag(tpid: 0x9100, vid: 300)]).bytes()
        all.append(Case(name: "0x9100 outer tag VLAN 300", frame: q9100, expect: .tagged,
                        delta: CounterDelta(vlans: [vid(300): one])))
        let malformed = CounterDelta(global: GlobalCounters(malformed: 1))
        let tagStart = EthernetFrame(destination: .broadcast, source: src, tags: [VLANTag(vid: 42)]).bytes()
        all.append(Case(name: "cut right after the 802.1Q TPID (14 bytes)", frame: Array(tagStart.prefix(14)),
                        expect: .malformed, delta: malformed))
        all.append(Case(name: "cut inside the 802.1Q tag (16 bytes)", frame: Array(tagStart.prefix(16)),
                        expect: .malformed, delta: malformed))
        all.append(Case(name: "cut inside the inner QinQ tag (20 bytes)", frame: Array(qinq.prefix(20)),
                        expect: .malformed, delta: malformed))
        all.append(tagged("60-byte frame (minimum)", dst: .broadcast, vlan: 42, length: 60))
        all.append(tagged("1518-byte frame (largest standard tagged)", dst: .broadcast, vlan: 42, length: 1518))
        all.append(tagged("3500-byte frame (near test_run's one-page limit)", dst: .broadcast, vlan: 42, length: 3500))

        let probe64 = VLANCounters(broadcast: 1, multicast: 0, frames: 1, bytes: 64)
        let probe20 = ProbeFrame(identity: identity).bytes(vlan: vid(20))
        all.append(Case(name: "own probe returned on its VLAN 20", frame: probe20, expect: .ownProbe,
                        delta: CounterDelta(vlans: [vid(20): probe64], probes: [vid(20): ProbeCounters(returned: 1, leaked: 0)])))
        var moved = probe20
        moved[15] = 30   // same probe MAC (VLAN 20), tag rewritten to VLAN 30: VLANs bridged together
        all.append(Case(name: "own probe for VLAN 20 returned on VLAN 30 (leak)", frame: moved, expect: .ownProbe,
                        delta: CounterDelta(vlans: [vid(30): probe64], probes: [vid(20): ProbeCounters(returned: 1, leaked: 1)])))
        let untaggedProbe = Array(probe20[0..<12] + probe20[16...]) + [0, 0, 0, 0]
        all.append(Case(name: "own probe for VLAN 20 returned untagged (leak)", frame: untaggedProbe, expect: .ownProbe,
                        delta: CounterDelta(probes: [vid(20): ProbeCounters(returned: 1, leaked: 1)])))
        let other = ProbeFrame(identity: try! ProbeIdentity(sensorID: 2)).bytes(vlan: vid(20))
        all.append(Case(name: "another sensor's probe is ordinary traffic", frame: other, expect: .tagged,
                        delta: CounterDelta(vlans: [vid(20): probe64])))
        return all
    }()

    @Test("verdict and exact counter deltas", arguments: TaggedFrameVerdict.allCases, cases)
    func frame(setting: TaggedFrameVerdict, c: Case) throws {
        let program = try TCSensorProgram(settings: TCSensorSettings(taggedFrames: setting, countInnerVLAN: true,
                                                                     probes: Self.identity))
        let before = try program.snapshot(monotonicNanos: 0)
        let (verdict, _) = try program.testRun(frame: c.frame)
        let after = try program.snapshot(monotonicNanos: 1)

        var expected = c.delta
        let drops = setting == .drop && c.expect == .tagged
        if drops { expected.global.dropped = 1 }
        #expect(verdict == (drops || c.expect == .ownProbe ? LS_TC_ACT_SHOT : LS_TC_ACT_UNSPEC))
        #expect(CounterDelta(from: before, to: after) == expected)
    }

    @Test("frames shorter than an Ethernet header never reach the program: the kernel refuses them")
    func shorterThanEthernetHeader() throws {
        let program = try TCSensorProgram()
        let before = try program.snapshot(monotonicNanos: 0)
        let frame = Array(EthernetFrame(destination: .broadcast, source: Self.src).bytes().prefix(13))
        #expect(throws: SensorError.self) { try program.testRun(frame: frame) }
        let after = try program.snapshot(monotonicNanos: 1)
        #expect(CounterDelta(from: before, to: after) == CounterDelta())
    }

    @Test("a 9000-byte frame exceeds skb test_run's one-page limit: refused (EINVAL), counted on veth instead")
    func jumboFrameIsRefusedByTestRun() throws {
        // The kernel's bpf_prog_test_run for skb programs takes at most one page of data; the
        // 9000-byte case runs over veth with MTU 9000 in IntegrationTests (exact bytes asserted).
        let program = try TCSensorProgram()
        let frame = EthernetFrame(destination: .broadcast, source: Self.src, tags: [VLANTag(vid: 42)]).bytes(length: 9000)
        let error = #expect(throws: SensorError.self) { try program.testRun(frame: frame) }
        guard case let .libbpf(function, errno, _) = error else { Issue.record("unexpected \(String(describing: error))"); return }
        #expect(function == "bpf_prog_test_run_opts" && errno == EINVAL)
        #expect(try program.snapshot(monotonicNanos: 0).vlans.isEmpty)
    }

    @Test("with probes off, a probe-shaped frame is ordinary traffic and passes")
    func probesOff() throws {
        let program = try TCSensorProgram(settings: TCSensorSettings(taggedFrames: .pass))
        let (verdict, _) = try program.testRun(frame: ProbeFrame(identity: Self.identity).bytes(vlan: vid(20)))
        #expect(verdict == LS_TC_ACT_UNSPEC)
        #expect(try program.snapshot(monotonicNanos: 0).probes.isEmpty)
    }

    @Test("without inner counting, QinQ frames count on the outer VLAN only")
    func innerCountingOff() throws {
        let program = try TCSensorProgram(settings: TCSensorSettings(taggedFrames: .pass, countInnerVLAN: false))
        let frame = EthernetFrame(destination: .broadcast, source: Self.src,
                                  tags: [VLANTag(tpid: VLANTag.tpid8021AD, vid: 100), VLANTag(vid: 200)]).bytes()
        let before = try program.snapshot(monotonicNanos: 0)
        _ = try program.testRun(frame: frame)
        let after = try program.snapshot(monotonicNanos: 1)
        #expect(CounterDelta(from: before, to: after)
                == CounterDelta(vlans: [vid(100): VLANCounters(broadcast: 1, multicast: 0, frames: 1, bytes: 60)]))
    }

    @Test("the setting is read per frame: switching pass to drop takes effect at once")
    func settingSwitchesLive() throws {
        let program = try TCSensorProgram(settings: TCSensorSettings(taggedFrames: .pass))
        let frame = EthernetFrame(destination: .broadcast, source: Self.src, tags: [VLANTag(vid: 42)]).bytes()
        #expect(try program.testRun(frame: frame).verdict == LS_TC_ACT_UNSPEC)
        try program.apply(TCSensorSettings(taggedFrames: .drop))
        #expect(try program.testRun(frame: frame).verdict == LS_TC_ACT_SHOT)
        try program.apply(TCSensorSettings(taggedFrames: .pass))
        #expect(try program.testRun(frame: frame).verdict == LS_TC_ACT_UNSPEC)
        #expect(try program.snapshot(monotonicNanos: 0).vlans[vid(42)]?.frames == 3)
    }

    @Test("repeat runs count every frame: 100000 runs, 100000 frames")
    func repeatCountsExactly() throws {
        let program = try TCSensorProgram()
        let frame = EthernetFrame(destination: .broadcast, source: Self.src, tags: [VLANTag(vid: 7)]).bytes()
        _ = try program.testRun(frame: frame, repeat: 100_000)
        #expect(try program.snapshot(monotonicNanos: 0).vlans[vid(7)]
                == VLANCounters(broadcast: 100_000, multicast: 0, frames: 100_000, bytes: 6_000_000))
    }
}
