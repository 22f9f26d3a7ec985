import CLoopSentryBPF
import Foundation
import LoopSentryCore

/// What the tc sensor does with tagged frames after counting them.
public enum TaggedFrameVerdict: String, Sendable, CaseIterable {
    /// Continue to the next tc filter and the stack (TC_ACT_UNSPEC).
    case pass
    /// Drop after counting (TC_ACT_SHOT): the paper's protection of the sensor host.
    case drop
}

/// Settings written into the `ls_config` map from user space.
public struct TCSensorSettings: Equatable, Sendable {
    public var taggedFrames: TaggedFrameVerdict
    /// Also count QinQ frames per (outer, inner) VLAN pair.
    public var countInnerVLAN: Bool
    /// Count and drop this sensor's returning self-probes; nil leaves probes alone.
    public var probes: ProbeIdentity?
    /// Count VXLAN per VNI on this (underlay) interface; nil leaves VXLAN uncounted.
    public var vxlan: VXLANWatch?
    /// The VNIs whose returning self-probes are counted (with `probes` and `vxlan` set): their
    /// probe slots, written into `ls_vni_probe_slots`.
    public var vniProbes: VNIProbePlan?

    public init(taggedFrames: TaggedFrameVerdict = .pass, countInnerVLAN: Bool = false, probes: ProbeIdentity? = nil,
                vxlan: VXLANWatch? = nil, vniProbes: VNIProbePlan? = nil) {
        self.taggedFrames = taggedFrames
        self.countInnerVLAN = countInnerVLAN
        self.probes = probes
        self.vxlan = vxlan
        self.vniProbes = vniProbes
    }

    var flags: UInt32 {
        (taggedFrames == .drop ? UInt32(LS_CFG_DROP_TAGGED) : 0)
            | (countInnerVLAN ? UInt32(LS_CFG_COUNT_INNER) : 0)
            | (probes != nil ? UInt32(LS_CFG_PROBES) : 0)
            | (vxlan != nil ? UInt32(LS_CFG_VXLAN) : 0)
            | (vxlan?.vnis.isEmpty == true ? UInt32(LS_CFG_VXLAN_LEARN) : 0)
    }
}

/// The loaded tc-ingress sensor (bpf/loopsentry_tc.bpf.c): its program, its maps and the
/// settings map. Not attached anywhere by itself; see `TCIngressAttachment`.
public final class TCSensorProgram {
    public static let programName = LS_TC_PROG_NAME

    let object: BPFObject
    public let programFD: Int32
    let vlanStatsFD: Int32
    let qinqStatsFD: Int32
    let globalStatsFD: Int32
    let configFD: Int32
    let probeStatsFD: Int32
    let vniIndexFD: Int32
    let vniCountersFD: Int32
    let vniStatsFD: Int32
    let vniVLANKeysFD: Int32
    let vniVLANCountersFD: Int32
    let vniProbeStatsFD: Int32
    let vniProbeSlotsFD: Int32
    /// Slots of `ls_vni_probe_slots` the last settings filled, and their VNIs in slot order.
    var vniProbeSlotsWritten = 0
    var vniProbeVNIs: [VNI] = []
    /// Rows of the per-VNI maps (watched VNIs' counters, learned VNIs' hash), fixed at load
    /// from the settings' `vxlan.mapSlots`.
    public let vniSlots: Int
    /// The watched VNIs' slots and the seed of `ls_vni_index`, as last written.
    var vniIndex: VNIIndex
    let cpus: Int

    /// Loads the program; the per-VNI map is sized for `settings.vxlan` (its VNIs, or its learn
    /// capacity), so later settings can watch at most that many VNIs.
    public init(settings: TCSensorSettings = TCSensorSettings()) throws {
        vniSlots = settings.vxlan?.mapSlots ?? 1
        vniIndex = VNIIndex(capacity: vniSlots, ways: Int(LS_VNI_BUCKET_WAYS))
        object = try BPFObject(bytes: EmbeddedBPF.loopsentryTc, name: "loopsentry_tc",
                               maxEntries: ["ls_vni_stats": UInt32(vniSlots), "ls_vni_counters": UInt32(vniSlots),
                                            "ls_vni_index": UInt32(vniIndex.bucketCount)])
        programFD = try object.programFD(Self.programName)
        vlanStatsFD = try object.mapFD("ls_vlan_stats")
        qinqStatsFD = try object.mapFD("ls_qinq_stats")
        globalStatsFD = try object.mapFD("ls_global_stats")
        configFD = try object.mapFD("ls_config")
        probeStatsFD = try object.mapFD("ls_probe_stats")
        vniIndexFD = try object.mapFD("ls_vni_index")
        vniCountersFD = try object.mapFD("ls_vni_counters")
        vniStatsFD = try object.mapFD("ls_vni_stats")
        vniVLANKeysFD = try object.mapFD("ls_vni_vlan_keys")
        vniVLANCountersFD = try object.mapFD("ls_vni_vlan_counters")
        vniProbeStatsFD = try object.mapFD("ls_vni_probe_stats")
        vniProbeSlotsFD = try object.mapFD("ls_vni_probe_slots")
        cpus = try possibleCPUs()
        try apply(settings)
    }

    /// Writes the settings map (`bpf_map_update_elem` on `ls_config`) after adding the watched
    /// VNIs to the index; takes effect on the next frame.
    public func apply(_ settings: TCSensorSettings) throws {
        if let vxlan = settings.vxlan { try watch(vxlan.vnis) }
        try writeVNIProbeSlots(settings.vniProbes)
        var key: UInt32 = 0
        var value = ls_config(flags: settings.flags, probe_prefix: settings.probes?.matchValue ?? 0,
                              vxlan_port: UInt32(settings.vxlan?.port ?? 0),
                              vni_seed: vniIndex.seed, vni_shift: vniIndex.shift, reserved: 0)
        try libbpfCall("bpf_map_update_elem(ls_config)") {
            bpf_map_update_elem(configFD, &key, &value, UInt64(BPF_ANY))
        }
    }

    /// Reads every counter, summed over the possible CPUs, stamped with `monotonicNanos`.
    public func snapshot(monotonicNanos: UInt64) throws -> CounterSnapshot {
        CounterSnapshot(monotonicNanos: monotonicNanos,
                        vlans: try readVLANs(),
                        pairs: try readPairs(),
                        global: try readGlobal(),
                        probes: try readProbes(),
                        vnis: try readVNIs(),
                        vniPairs: try readVNIPairs(),
                        vniProbes: try readVNIProbes())
    }

    /// Runs the program once on `frame` with `bpf_prog_test_run_opts` (no network needed).
    /// Returns the tc verdict and the mean run time in ns.
    public func testRun(frame: [UInt8], repeat count: UInt32 = 1) throws -> (verdict: Int32, nanos: UInt32) {
        try tcTestRun(programFD: programFD, frame: frame, repeat: count)
    }
}

/// An empty tc program (bpf/loopsentry_floor.bpf.c): what BPF_PROG_TEST_RUN costs per run with
/// no work at all, measured beside the sensor by `loopsentry bench-bpf`.
public final class TCFloorProgram {
    let object: BPFObject
    let programFD: Int32

    public init() throws {
        object = try BPFObject(bytes: EmbeddedBPF.loopsentryFloor, name: "loopsentry_floor")
        programFD = try object.programFD("ls_tc_floor")
    }

    /// Runs the empty program on `frame` (`bpf_prog_test_run_opts`): its verdict and mean ns.
    public func testRun(frame: [UInt8], repeat count: UInt32 = 1) throws -> (verdict: Int32, nanos: UInt32) {
        try tcTestRun(programFD: programFD, frame: frame, repeat: count)
    }
}

/// `bpf_prog_test_run_opts` on a tc program: the verdict and the kernel's mean run time in ns.
func tcTestRun(programFD: Int32, frame: [UInt8], repeat count: UInt32) throws -> (verdict: Int32, nanos: UInt32) {
    var retval: UInt32 = 0
    var duration: UInt32 = 0
    _ = try frame.withUnsafeBytes { raw in
        try libbpfCall("bpf_prog_test_run_opts") {
            ls_prog_test_run(programFD, raw.baseAddress, UInt32(raw.count), count, &retval, &duration)
        }
    }
    return (Int32(bitPattern: retval), duration)
}
