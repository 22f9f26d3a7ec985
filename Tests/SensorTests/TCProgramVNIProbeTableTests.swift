import CLoopSentryBPF
import Glibc
import LoopSentryCore
import Testing
@testable import Sensor

/// The tc sensor's VNI self-probes on crafted VXLAN packets through bpf_prog_test_run_opts:
/// sensor id 7 probes VNI 100 (slot 0) and VNI 200 (slot 1); VNIs 100, 200 and 300 are watched.
/// Each case asserts the verdict and the exact counter deltas. Probe MACs are written out byte
/// by byte here (06:4c:53:07:1N:NN), not taken from the sender's encoder.
@Suite(.enabled(if: runningAsRoot, rootReason))
struct TCProgramVNIProbeTableTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let packet: [UInt8]
        let verdict: Int32
        let delta: CounterDelta
        var testDescription: String { name }
    }

    static let identity = try! ProbeIdentity(sensorID: 7)
    static let vtep = VTEPAddress(bytes: [192, 0, 2, 2], printed: "192.0.2.2")!
    static let plan = try! VNIProbePlan(flood: [vni(100): [vtep], vni(200): [vtep]])
    static let settings = TCSensorSettings(taggedFrames: .drop, probes: identity,
                                           vxlan: VXLANWatch(vnis: [vni(100), vni(200), vni(300)]), vniProbes: plan)
    /// Outer Ethernet + IPv4 + UDP + VXLAN.
    static let overhead = 14 + 20 + 8 + 8

    static func packet(in vniValue: Int, source: [UInt8], outer: VXLANFrame.Outer = .testIPv4) -> [UInt8] {
        VXLANFrame(outer: outer, vni: vni(vniValue),
                   inner: EthernetFrame(destination: .broadcast, source: MACAddress(source), etherType: 0x0806)).bytes()
    }

    static let slot0: [UInt8] = [0x06, 0x4c, 0x53, 0x07, 0x10, 0x00]
    static let slot1: [UInt8] = [0x06, 0x4c, 0x53, 0x07, 0x10, 0x01]
    static let untagged = GlobalCounters(untaggedFrames: 1, untaggedBytes: UInt64(overhead + 60))
    static let oneBroadcast = VLANCounters(broadcast: 1, multicast: 0, frames: 1, bytes: 60)

    static let cases: [Case] = [
        Case(name: "VNI 100's probe back in VNI 100: returned, dropped, not counted as VNI traffic",
             packet: packet(in: 100, source: slot0), verdict: LS_TC_ACT_SHOT,
             delta: CounterDelta(global: untagged, vniProbes: [vni(100): ProbeCounters(returned: 1, leaked: 0)])),
        Case(name: "VNI 200's probe back over an IPv6 underlay: returned",
             packet: packet(in: 200, source: slot1, outer: .testIPv6), verdict: LS_TC_ACT_SHOT,
             delta: CounterDelta(global: GlobalCounters(untaggedFrames: 1, untaggedBytes: UInt64(14 + 40 + 8 + 8 + 60)),
                                 vniProbes: [vni(200): ProbeCounters(returned: 1, leaked: 0)])),
        Case(name: "VNI 100's probe arriving in VNI 200: returned and leaked, on VNI 100",
             packet: packet(in: 200, source: slot0), verdict: LS_TC_ACT_SHOT,
             delta: CounterDelta(global: untagged, vniProbes: [vni(100): ProbeCounters(returned: 1, leaked: 1)])),
        Case(name: "another sensor's VNI probe (id 8): ordinary VNI traffic, passed",
             packet: packet(in: 100, source: [0x06, 0x4c, 0x53, 0x08, 0x10, 0x00]), verdict: LS_TC_ACT_UNSPEC,
             delta: CounterDelta(global: untagged, vnis: [vni(100): oneBroadcast])),
        Case(name: "a foreign MAC: ordinary VNI traffic, passed",
             packet: packet(in: 100, source: [0x02, 0, 0, 0, 0, 1]), verdict: LS_TC_ACT_UNSPEC,
             delta: CounterDelta(global: untagged, vnis: [vni(100): oneBroadcast])),
        Case(name: "our VLAN probe MAC (kind 0, VLAN 100) inside VXLAN: ordinary VNI traffic, no probe counter",
             packet: packet(in: 100, source: [0x06, 0x4c, 0x53, 0x07, 0x00, 0x64]), verdict: LS_TC_ACT_UNSPEC,
             delta: CounterDelta(global: untagged, vnis: [vni(100): oneBroadcast])),
        Case(name: "our probe cut inside the inner Ethernet header (10 of 14 bytes): VXLAN malformed, passed",
             packet: Array(packet(in: 100, source: slot0).prefix(overhead + 10)), verdict: LS_TC_ACT_UNSPEC,
             delta: CounterDelta(global: GlobalCounters(untaggedFrames: 1, untaggedBytes: UInt64(overhead + 10), vxlanMalformed: 1))),
        Case(name: "our probe cut inside the VXLAN header: VXLAN malformed, passed",
             packet: Array(packet(in: 100, source: slot0).prefix(overhead - 4)), verdict: LS_TC_ACT_UNSPEC,
             delta: CounterDelta(global: GlobalCounters(untaggedFrames: 1, untaggedBytes: UInt64(overhead - 4), vxlanMalformed: 1))),
    ]

    @Test("verdict and exact counter deltas for VNI probes", arguments: cases)
    func packet(c: Case) throws {
        let program = try TCSensorProgram(settings: Self.settings)
        let before = try program.snapshot(monotonicNanos: 0)
        let (verdict, _) = try program.testRun(frame: c.packet)
        let after = try program.snapshot(monotonicNanos: 1)
        #expect(verdict == c.verdict)
        #expect(CounterDelta(from: before, to: after) == c.delta)
    }

    @Test("the sender's own datagram (ProbeFrame.vxlanPayload) behind outer headers is recognised in its VNI")
    func sendersPayloadIsRecognised() throws {
        let program = try TCSensorProgram(settings: Self.settings)
        let payload = ProbeFrame(identity: Self.identity).vxlanPayload(vni: vni(200), slot: 1)
        #expect(payload.count == 8 + 60)
        let outer = Array(Self.packet(in: 200, source: Self.slot1).prefix(Self.overhead - 8))   // same lengths: 68-byte payload
        let (verdict, _) = try program.testRun(frame: outer + payload, repeat: 3)
        #expect(verdict == LS_TC_ACT_SHOT)
        #expect(try program.snapshot(monotonicNanos: 0).vniProbes == [vni(100): ProbeCounters(), vni(200): ProbeCounters(returned: 3, leaked: 0)])
    }

    @Test("without probe settings a VNI probe is ordinary VNI traffic and the probe map is not read")
    func probesOff() throws {
        let program = try TCSensorProgram(settings: TCSensorSettings(vxlan: VXLANWatch(vnis: [vni(100)])))
        #expect(try program.testRun(frame: Self.packet(in: 100, source: Self.slot0)).verdict == LS_TC_ACT_UNSPEC)
        let snapshot = try program.snapshot(monotonicNanos: 0)
        #expect(snapshot.vnis[vni(100)]?.frames == 1)
        #expect(snapshot.vniProbes.isEmpty)
    }

    @Test("a new plan rewrites the slot table: after it, slot 0 is VNI 300 and VNI 100's old MAC arriving in 300 is not leaked")
    func slotTableFollowsThePlan() throws {
        let program = try TCSensorProgram(settings: Self.settings)
        var next = Self.settings
        next.vniProbes = try VNIProbePlan(flood: [vni(300): [Self.vtep]])
        try program.apply(next)
        _ = try program.testRun(frame: Self.packet(in: 300, source: Self.slot0))
        _ = try program.testRun(frame: Self.packet(in: 100, source: Self.slot1))   // slot 1 no longer in use
        #expect(try program.snapshot(monotonicNanos: 0).vniProbes == [vni(300): ProbeCounters(returned: 1, leaked: 0)])
    }
}
