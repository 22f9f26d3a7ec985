import ArgumentParser
import Foundation
import LoopSentryCore
import Sensor

/// `loopsentry bench-bpf` (hidden; used by bench/): the tc program's cost per frame, measured
/// by the kernel with bpf_prog_test_run_opts and `repeat`, for a few frame kinds and both
/// settings, after the floor (an empty tc program: the harness's own cost per run). Prints one
/// JSON object per case.
struct BenchBPFCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-bpf",
        abstract: "Measure the tc program's cost per frame with BPF test_run (for bench/).",
        shouldDisplay: false
    )

    @Option(name: .long, help: "Runs per measurement.")
    var `repeat`: UInt32 = 1_000_000

    @Option(name: .long, help: "Measurements per case; the median is reported.")
    var samples: Int = 5

    @Flag(name: .long, help: "Measure the VXLAN cases (per-VNI counting) instead of the 802.1Q/QinQ ones.")
    var vxlan = false

    func validate() throws {
        guard self.repeat >= 1 else { throw ValidationError("--repeat must be at least 1") }
        guard (1...100).contains(samples) else { throw ValidationError("--samples must be 1-100") }
    }

    func run() throws {
        let src = MACAddress([0x02, 0, 0, 0, 0, 1])
        let cases: [(String, [UInt8])] = vxlan ? Self.vxlanCases(src: src) : [
            ("untagged broadcast 60B", EthernetFrame(destination: .broadcast, source: src).bytes()),
            ("802.1Q broadcast 60B", EthernetFrame(destination: .broadcast, source: src, tags: [VLANTag(vid: 20)]).bytes()),
            ("802.1Q broadcast 100B", EthernetFrame(destination: .broadcast, source: src, tags: [VLANTag(vid: 20)]).bytes(length: 100)),
            ("802.1ad+802.1Q broadcast 60B", EthernetFrame(destination: .broadcast, source: src,
                tags: [VLANTag(tpid: VLANTag.tpid8021AD, vid: 100), VLANTag(vid: 200)]).bytes()),
        ]
        // The harness floor: an empty tc program on the first frame, what test_run itself costs.
        let floor = try TCFloorProgram()
        let floorFrame = cases[0].1
        print(try measure(case: "floor: empty tc program (60B)", setting: "none", samples: samples) {
            try floor.testRun(frame: floorFrame, repeat: self.repeat).nanos
        })
        for verdict in TaggedFrameVerdict.allCases {
            let program = try TCSensorProgram(settings: TCSensorSettings(
                taggedFrames: verdict, countInnerVLAN: true, vxlan: VXLANWatch(vnis: [VNI(5000)!, VNI(5001)!])))
            for (name, frame) in cases {
                print(try measure(case: name, setting: verdict.rawValue, samples: samples) {
                    try program.testRun(frame: frame, repeat: self.repeat).nanos
                })
            }
        }
    }

    /// One JSON line: the median, min and max of `samples` runs of `run` (each a mean ns/frame).
    func measure(case name: String, setting: String, samples: Int, _ run: () throws -> UInt32) throws -> String {
        var ns: [UInt32] = []
        for _ in 0..<samples { ns.append(try run()) }
        ns.sort()
        return "{\"case\":\"\(name)\",\"setting\":\"\(setting)\",\"repeat\":\(self.repeat),"
            + "\"ns_per_frame_median\":\(ns[ns.count / 2]),\"ns_per_frame_min\":\(ns[0]),\"ns_per_frame_max\":\(ns[ns.count - 1])}"
    }

    /// VXLAN packets (VNI 5000 watched) with a 60-byte inner broadcast frame: IPv4 and IPv6 outer,
    /// an inner 802.1Q tag, and an unwatched VNI; and a plain untagged frame measured in the same
    /// run as the baseline (the machine's load moves every figure).
    static func vxlanCases(src: MACAddress) -> [(String, [UInt8])] {
        let inner = EthernetFrame(destination: .broadcast, source: src)
        let tagged = EthernetFrame(destination: .broadcast, source: src, tags: [VLANTag(vid: 30)])
        return [
            ("baseline: untagged, not VXLAN (60B)", EthernetFrame(destination: .broadcast, source: src).bytes()),
            ("VXLAN IPv4 VNI broadcast (110B)", VXLANFrame(vni: VNI(5000)!, inner: inner).bytes()),
            ("VXLAN IPv6 VNI broadcast (130B)", VXLANFrame(outer: .testIPv6, vni: VNI(5000)!, inner: inner).bytes()),
            ("VXLAN IPv4 VNI + inner 802.1Q (110B)", VXLANFrame(vni: VNI(5000)!, inner: tagged).bytes()),
            ("VXLAN IPv4 unwatched VNI (110B)", VXLANFrame(vni: VNI(7)!, inner: inner).bytes()),
        ]
    }
}
