import ArgumentParser
import Foundation
import LoopSentryCore
import Sensor

/// `loopsentry bench-bpf` (hidden; used by bench/): the tc program's cost per frame, measured
/// by the kernel with bpf_prog_test_run_opts and `repeat`, for a few frame kinds and both
/// settings. Prints one JSON object per case.
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

    func validate() throws {
        guard self.repeat >= 1 else { throw ValidationError("--repeat must be at least 1") }
        guard (1...100).contains(samples) else { throw ValidationError("--samples must be 1-100") }
    }

    func run() throws {
        let src = MACAddress([0x02, 0, 0, 0, 0, 1])
        let cases: [(String, [UInt8])] = [
            ("untagged broadcast 60B", EthernetFrame(destination: .broadcast, source: src).bytes()),
            ("802.1Q broadcast 60B", EthernetFrame(destination: .broadcast, source: src, tags: [VLANTag(vid: 20)]).bytes()),
            ("802.1Q broadcast 100B", EthernetFrame(destination: .broadcast, source: src, tags: [VLANTag(vid: 20)]).bytes(length: 100)),
            ("802.1ad+802.1Q broadcast 60B", EthernetFrame(destination: .broadcast, source: src,
                tags: [VLANTag(tpid: VLANTag.tpid8021AD, vid: 100), VLANTag(vid: 200)]).bytes()),
        ]
        for verdict in TaggedFrameVerdict.allCases {
            let program = try TCSensorProgram(settings: TCSensorSettings(taggedFrames: verdict, countInnerVLAN: true))
            for (name, frame) in cases {
                var ns: [UInt32] = []
                for _ in 0..<samples { ns.append(try program.testRun(frame: frame, repeat: self.repeat).nanos) }
                ns.sort()
                let line = "{\"case\":\"\(name)\",\"setting\":\"\(verdict.rawValue)\",\"repeat\":\(self.repeat),"
                    + "\"ns_per_frame_median\":\(ns[ns.count / 2]),\"ns_per_frame_min\":\(ns[0]),\"ns_per_frame_max\":\(ns[ns.count - 1])}"
                print(line)
            }
        }
    }
}
