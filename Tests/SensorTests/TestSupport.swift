import Foundation
import Testing
import LoopSentryCore
@testable import Sensor

/// True when the tests run as root; BPF loading and namespaces need it.
let runningAsRoot = geteuid() == 0
let rootReason: Comment = "needs root to load BPF programs (run as root; CI does)"

/// The change in every counter between two snapshots.
struct CounterDelta: Equatable, CustomStringConvertible {
    var vlans: [VLANID: VLANCounters] = [:]
    var pairs: [VLANPair: VLANCounters] = [:]
    var global = GlobalCounters()
    var probes: [VLANID: ProbeCounters] = [:]
    var vnis: [VNI: VLANCounters] = [:]
    var vniPairs: [VNIVLANPair: VLANCounters] = [:]
    var vniProbes: [VNI: ProbeCounters] = [:]

    init(vlans: [VLANID: VLANCounters] = [:], pairs: [VLANPair: VLANCounters] = [:], global: GlobalCounters = GlobalCounters(),
         probes: [VLANID: ProbeCounters] = [:], vnis: [VNI: VLANCounters] = [:], vniPairs: [VNIVLANPair: VLANCounters] = [:],
         vniProbes: [VNI: ProbeCounters] = [:]) {
        self.vniProbes = vniProbes
        self.vlans = vlans
        self.pairs = pairs
        self.global = global
        self.probes = probes
        self.vnis = vnis
        self.vniPairs = vniPairs
    }

    init(from a: CounterSnapshot, to b: CounterSnapshot) {
        func diff(_ x: VLANCounters, _ y: VLANCounters) -> VLANCounters {
            VLANCounters(broadcast: y.broadcast - x.broadcast, multicast: y.multicast - x.multicast,
                         frames: y.frames - x.frames, bytes: y.bytes - x.bytes)
        }
        for (k, v) in b.vlans {
            let d = diff(a.vlans[k] ?? .zero, v)
            if !d.isZero { vlans[k] = d }
        }
        for (k, v) in b.pairs {
            let d = diff(a.pairs[k] ?? .zero, v)
            if !d.isZero { pairs[k] = d }
        }
        for (k, v) in b.vnis {
            let d = diff(a.vnis[k] ?? .zero, v)
            if !d.isZero { vnis[k] = d }
        }
        for (k, v) in b.vniPairs {
            let d = diff(a.vniPairs[k] ?? .zero, v)
            if !d.isZero { vniPairs[k] = d }
        }
        for (k, v) in b.probes {
            let x = a.probes[k] ?? ProbeCounters()
            let d = ProbeCounters(returned: v.returned - x.returned, leaked: v.leaked - x.leaked)
            if d.returned != 0 || d.leaked != 0 { probes[k] = d }
        }
        for (k, v) in b.vniProbes {
            let x = a.vniProbes[k] ?? ProbeCounters()
            let d = ProbeCounters(returned: v.returned - x.returned, leaked: v.leaked - x.leaked)
            if d.returned != 0 || d.leaked != 0 { vniProbes[k] = d }
        }
        global = GlobalCounters(untaggedFrames: b.global.untaggedFrames - a.global.untaggedFrames,
                                untaggedBytes: b.global.untaggedBytes - a.global.untaggedBytes,
                                malformed: b.global.malformed - a.global.malformed,
                                qinqOverflow: b.global.qinqOverflow - a.global.qinqOverflow,
                                dropped: b.global.dropped - a.global.dropped,
                                vxlanMalformed: b.global.vxlanMalformed - a.global.vxlanMalformed,
                                vniUnwatched: b.global.vniUnwatched - a.global.vniUnwatched,
                                vniOverflow: b.global.vniOverflow - a.global.vniOverflow)
    }

    var description: String {
        "vlans=\(vlans) pairs=\(pairs) global=\(global) probes=\(probes) vnis=\(vnis) vniPairs=\(vniPairs) vniProbes=\(vniProbes)"
    }
}

func vid(_ v: Int) -> VLANID { VLANID(v)! }
func vni(_ v: Int) -> VNI { VNI(v)! }
