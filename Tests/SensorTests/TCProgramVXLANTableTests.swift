import CLoopSentryBPF
import Glibc
import LoopSentryCore
import Testing
@testable import Sensor

/// The tc sensor's VXLAN path on crafted packets through bpf_prog_test_run_opts: each case
/// asserts the verdict (VXLAN is always passed) and the exact counter deltas, with VNIs
/// 100, 200 and 16777215 watched on port 4789. Outer and inner lengths are computed here from
/// the header sizes (RFC 7348), not from the builder.
@Suite(.enabled(if: runningAsRoot, rootReason))
struct TCProgramVXLANTableTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let packet: [UInt8]
        let delta: CounterDelta
        var testDescription: String { name }
    }

    static let src = MACAddress([0x02, 0, 0, 0, 0, 1])
    static let mcast = MACAddress([0x01, 0x00, 0x5e, 0, 0, 1])
    static let ucast = MACAddress([0x02, 0, 0, 0, 0, 2])
    static let watched = [vni(100), vni(200), vni(0xFF_FFFF)]
    static let settings = TCSensorSettings(taggedFrames: .drop, countInnerVLAN: true,
                                           vxlan: VXLANWatch(port: 4789, vnis: watched))
    /// Outer Ethernet + IPv4 (no options) + UDP + VXLAN; the same with IPv6.
    static let v4Overhead = 14 + 20 + 8 + 8
    static let v6Overhead = 14 + 40 + 8 + 8

    static func packet(_ vniValue: Int, dst: MACAddress = .broadcast, outer: VXLANFrame.Outer = .testIPv4,
                       port: UInt16 = 4789, innerTags: [VLANTag] = [], flags: UInt8 = 0x08) -> [UInt8] {
        VXLANFrame(outer: outer, udpDestinationPort: port, vni: vni(vniValue), flags: flags,
                   inner: EthernetFrame(destination: dst, source: src, tags: innerTags)).bytes()
    }

    /// The untagged outer frame is always counted as untagged traffic.
    static func untagged(_ bytes: Int) -> GlobalCounters { GlobalCounters(untaggedFrames: 1, untaggedBytes: UInt64(bytes)) }

    static func counted(_ name: String, _ vniValue: Int, dst: MACAddress, outer: VXLANFrame.Outer, overhead: Int) -> Case {
        let inner = VLANCounters(broadcast: dst.isBroadcast ? 1 : 0, multicast: dst.isGroup && !dst.isBroadcast ? 1 : 0,
                                 frames: 1, bytes: 60)
        return Case(name: name, packet: packet(vniValue, dst: dst, outer: outer),
                    delta: CounterDelta(global: untagged(overhead + 60), vnis: [vni(vniValue): inner]))
    }

    static let cases: [Case] = {
        var all: [Case] = []
        let v6 = VXLANFrame.Outer.testIPv6
        all.append(counted("IPv4 broadcast VNI 100", 100, dst: .broadcast, outer: .testIPv4, overhead: v4Overhead))
        all.append(counted("IPv4 multicast VNI 200", 200, dst: mcast, outer: .testIPv4, overhead: v4Overhead))
        all.append(counted("IPv4 unicast VNI 16777215", 0xFF_FFFF, dst: ucast, outer: .testIPv4, overhead: v4Overhead))
        all.append(counted("IPv6 broadcast VNI 100", 100, dst: .broadcast, outer: v6, overhead: v6Overhead))
        all.append(counted("IPv6 multicast VNI 16777215", 0xFF_FFFF, dst: mcast, outer: v6, overhead: v6Overhead))

        all.append(Case(name: "UDP to 8472 (not the configured port): untagged only",
                        packet: packet(100, port: 8472), delta: CounterDelta(global: untagged(v4Overhead + 60))))
        all.append(Case(name: "VNI 300 is not watched: counted as unwatched",
                        packet: packet(300), delta: CounterDelta(global: GlobalCounters(untaggedFrames: 1,
                                                                                        untaggedBytes: UInt64(v4Overhead + 60),
                                                                                        vniUnwatched: 1))))
        func malformed(_ bytes: Int) -> CounterDelta {
            CounterDelta(global: GlobalCounters(untaggedFrames: 1, untaggedBytes: UInt64(bytes), vxlanMalformed: 1))
        }
        let whole = packet(100)
        let cutVXLAN = Array(whole.prefix(14 + 20 + 8 + 4))
        all.append(Case(name: "cut inside the VXLAN header (4 of 8 bytes)", packet: cutVXLAN, delta: malformed(cutVXLAN.count)))
        let cutInner = Array(whole.prefix(v4Overhead + 10))
        all.append(Case(name: "cut inside the inner Ethernet header (10 of 14 bytes)", packet: cutInner,
                        delta: malformed(cutInner.count)))
        all.append(Case(name: "I flag clear (VNI not valid)", packet: packet(100, flags: 0),
                        delta: malformed(v4Overhead + 60)))
        let tagged = packet(100, innerTags: [VLANTag(vid: 30)])
        let one = VLANCounters(broadcast: 1, multicast: 0, frames: 1, bytes: 60)
        all.append(Case(name: "inner 802.1Q VLAN 30 in VNI 100: the VNI and the (VNI, VLAN) pair",
                        packet: tagged, delta: CounterDelta(global: untagged(v4Overhead + 60), vnis: [vni(100): one],
                                                            vniPairs: [VNIVLANPair(vni: vni(100), vlan: vid(30)): one])))
        let cutTag = Array(tagged.prefix(v4Overhead + 16))
        all.append(Case(name: "cut inside the inner 802.1Q tag", packet: cutTag, delta: malformed(cutTag.count)))

        let options = VXLANFrame.Outer.ipv4(source: [192, 0, 2, 1], destination: [192, 0, 2, 2],
                                            options: [UInt8](repeating: 1, count: 12))   // 12 NOPs: IHL 8
        all.append(counted("IPv4 with 12 bytes of options", 200, dst: .broadcast, outer: options, overhead: v4Overhead + 12))
        let first = VXLANFrame.Outer.ipv4(source: [192, 0, 2, 1], destination: [192, 0, 2, 2], moreFragments: true)
        all.append(counted("IPv4 first fragment (MF set, offset 0)", 100, dst: .broadcast, outer: first, overhead: v4Overhead))
        let later = VXLANFrame.Outer.ipv4(source: [192, 0, 2, 1], destination: [192, 0, 2, 2], fragmentOffset: 185)
        all.append(Case(name: "IPv4 later fragment (offset 185): no UDP header, untagged only",
                        packet: packet(100, outer: later), delta: CounterDelta(global: untagged(v4Overhead + 60))))
        let cutUDP = Array(whole.prefix(14 + 20 + 4))
        all.append(Case(name: "cut inside the UDP header: not identifiable as VXLAN, untagged only",
                        packet: cutUDP, delta: CounterDelta(global: untagged(cutUDP.count))))
        return all
    }()

    @Test("verdict and exact counter deltas for VXLAN packets", arguments: cases)
    func packet(c: Case) throws {
        let program = try TCSensorProgram(settings: Self.settings)
        let before = try program.snapshot(monotonicNanos: 0)
        let (verdict, _) = try program.testRun(frame: c.packet)
        let after = try program.snapshot(monotonicNanos: 1)
        #expect(verdict == LS_TC_ACT_UNSPEC)
        #expect(CounterDelta(from: before, to: after) == c.delta)
    }

    @Test("VXLAN on an 802.1Q-tagged underlay counts on the VLAN only (the VXLAN path reads untagged underlays)")
    func taggedUnderlay() throws {
        let program = try TCSensorProgram(settings: Self.settings)
        var bytes = Self.packet(100)
        bytes.insert(contentsOf: [0x81, 0x00, 0x00, 42], at: 12)
        let before = try program.snapshot(monotonicNanos: 0)
        #expect(try program.testRun(frame: bytes).verdict == LS_TC_ACT_SHOT)   // drop setting: tagged frames dropped
        let after = try program.snapshot(monotonicNanos: 1)
        #expect(CounterDelta(from: before, to: after)
                == CounterDelta(vlans: [vid(42): VLANCounters(broadcast: 0, multicast: 0, frames: 1, bytes: UInt64(bytes.count))],
                                global: GlobalCounters(dropped: 1)))
    }

    @Test("watched VNIs are rows from the start, at zero")
    func watchedVNIsAreSeeded() throws {
        let program = try TCSensorProgram(settings: Self.settings)
        let snapshot = try program.snapshot(monotonicNanos: 0)
        #expect(snapshot.vnis == [vni(100): .zero, vni(200): .zero, vni(0xFF_FFFF): .zero])
    }

    @Test("the UDP port is a setting: 8472 counted, 4789 then not")
    func configurablePort() throws {
        let program = try TCSensorProgram(settings: TCSensorSettings(vxlan: VXLANWatch(port: 8472, vnis: [vni(100)])))
        _ = try program.testRun(frame: Self.packet(100, port: 8472))
        _ = try program.testRun(frame: Self.packet(100, port: 4789))
        #expect(try program.snapshot(monotonicNanos: 0).vnis[vni(100)]?.frames == 1)
    }

    @Test("without VXLAN settings, VXLAN packets are plain untagged traffic")
    func vxlanOff() throws {
        let program = try TCSensorProgram()
        _ = try program.testRun(frame: Self.packet(100))
        let snapshot = try program.snapshot(monotonicNanos: 0)
        #expect(snapshot.vnis.isEmpty && snapshot.global.untaggedFrames == 1 && snapshot.global.vniUnwatched == 0)
    }

    @Test("learning: every VNI seen is counted up to the map's size, the rest as overflow")
    func learnUpToCapacity() throws {
        let program = try TCSensorProgram(settings: TCSensorSettings(vxlan: VXLANWatch(vnis: [], learnCapacity: 2)))
        for v in [7, 8, 9, 7] { _ = try program.testRun(frame: Self.packet(v)) }
        let snapshot = try program.snapshot(monotonicNanos: 0)
        #expect(snapshot.vnis.mapValues(\.frames) == [vni(7): 2, vni(8): 1])
        #expect(snapshot.global.vniOverflow == 1)
    }

    @Test("more VNIs than the loaded map holds is refused with a clear error")
    func tooManyVNIs() throws {
        let program = try TCSensorProgram(settings: TCSensorSettings(vxlan: VXLANWatch(vnis: [vni(1)])))
        let error = #expect(throws: SensorError.self) {
            try program.apply(TCSensorSettings(vxlan: VXLANWatch(vnis: [vni(1), vni(2)])))
        }
        #expect(error?.description == "2 VNIs to watch, but the per-VNI map was loaded with 1 rows")
    }

    @Test("1000 watched VNIs: one packet to each of 50 of them lands on that VNI alone; a VNI in none is unwatched")
    func manyWatchedVNIs() throws {
        let watched = (0..<1000).map { vni(7 * $0 + 3) }
        let program = try TCSensorProgram(settings: TCSensorSettings(vxlan: VXLANWatch(vnis: watched)))
        let sent = stride(from: 0, to: 1000, by: 20).map { watched[$0] }
        for v in sent { _ = try program.testRun(frame: Self.packet(Int(v.value))) }
        _ = try program.testRun(frame: Self.packet(5))   // 5 is not 7k + 3
        let snapshot = try program.snapshot(monotonicNanos: 0)
        #expect(snapshot.vnis.count == 1000)
        #expect(snapshot.vnis.filter { $0.value.frames > 0 }.mapValues(\.frames)
                == Dictionary(uniqueKeysWithValues: sent.map { ($0, UInt64(1)) }))
        #expect(snapshot.global.vniUnwatched == 1)
    }

    @Test("VNIs watched later keep the earlier VNIs' counts; past the loaded rows, refused")
    func watchMoreKeepsCounts() throws {
        let program = try TCSensorProgram(settings: TCSensorSettings(vxlan: VXLANWatch(vnis: [], learnCapacity: 40)))
        try program.apply(TCSensorSettings(vxlan: VXLANWatch(vnis: [vni(100)])))
        _ = try program.testRun(frame: Self.packet(100))
        try program.apply(TCSensorSettings(vxlan: VXLANWatch(vnis: (1...39).map { vni($0 * 1000) })))   // 40 in all
        _ = try program.testRun(frame: Self.packet(100))
        _ = try program.testRun(frame: Self.packet(39000))
        #expect(throws: SensorError.self) { try program.apply(TCSensorSettings(vxlan: VXLANWatch(vnis: [vni(7)]))) }
        let snapshot = try program.snapshot(monotonicNanos: 0)
        #expect(snapshot.vnis.count == 40)
        #expect(snapshot.vnis.filter { $0.value.frames > 0 }.mapValues(\.frames) == [vni(100): 2, vni(39000): 1])
    }

    @Test("(VNI, inner VLAN) pairs: 16 sharing one home entry are counted; a 17th finds its probe window full: overflow")
    func pairProbeWindowFull() throws {
        // The pair table's home entry, (key * 0x9E3779B97F4A7C15) >> (64 - 15), from bpf/loopsentry_shared.h.
        func home(_ pair: VNIVLANPair) -> UInt64 { (pair.key &* 0x9E37_79B9_7F4A_7C15) >> 49 }
        var byHome: [UInt64: [VNIVLANPair]] = [:]
        var colliding: [VNIVLANPair] = []
        search: for v in 1..<400 {
            for vlan in 1...4094 {
                let pair = VNIVLANPair(vni: vni(v), vlan: vid(vlan))
                byHome[home(pair), default: []].append(pair)
                if byHome[home(pair)]!.count == 17 { colliding = byHome[home(pair)]!; break search }
            }
        }
        try #require(colliding.count == 17)
        let program = try TCSensorProgram(settings: TCSensorSettings(countInnerVLAN: true,
                                                                     vxlan: VXLANWatch(vnis: [], learnCapacity: 64)))
        for pair in colliding {
            _ = try program.testRun(frame: Self.packet(Int(pair.vni.value), innerTags: [VLANTag(vid: pair.vlan.value)]))
        }
        let snapshot = try program.snapshot(monotonicNanos: 0)
        #expect(snapshot.vniPairs.mapValues(\.frames) == Dictionary(uniqueKeysWithValues: colliding.prefix(16).map { ($0, UInt64(1)) }))
        #expect(snapshot.global.vniOverflow == 1)
    }

    @Test("repeat runs count every packet: 100000 runs of one IPv6 packet, 100000 inner frames")
    func repeatCountsExactly() throws {
        let program = try TCSensorProgram(settings: Self.settings)
        _ = try program.testRun(frame: Self.packet(200, outer: .testIPv6), repeat: 100_000)
        #expect(try program.snapshot(monotonicNanos: 0).vnis[vni(200)]
                == VLANCounters(broadcast: 100_000, multicast: 0, frames: 100_000, bytes: 6_000_000))
    }
}
