import CLoopSentryBPF
import Foundation
import LoopSentryCore

extension TCSensorProgram {
    /// Per-VLAN counters: one `bpf_map_lookup_batch` over the 4096-slot per-CPU array,
    /// each slot summed over CPUs. Rows that are all zero are left out.
    func readVLANs() throws -> [VLANID: VLANCounters] {
        let slots = Int(LS_VLAN_SLOTS)
        let stride = MemoryLayout<ls_vlan_counters>.stride   // 32, a multiple of 8 as libbpf requires
        var keys = [UInt32](repeating: 0, count: slots)
        var values = [UInt8](repeating: 0, count: slots * cpus * stride)
        var count = UInt32(slots)
        var outBatch: UInt32 = 0
        var opts = bpf_map_batch_opts()
        opts.sz = MemoryLayout<bpf_map_batch_opts>.size
        let rc = keys.withUnsafeMutableBytes { k in
            values.withUnsafeMutableBytes { v in
                bpf_map_lookup_batch(vlanStatsFD, nil, &outBatch, k.baseAddress, v.baseAddress, &count, &opts)
            }
        }
        // ENOENT marks the end of the map: the batch holds every slot.
        if rc < 0 && -rc != ENOENT && errno != ENOENT {
            _ = try libbpfCall("bpf_map_lookup_batch(ls_vlan_stats)") { rc }
        }
        var out: [VLANID: VLANCounters] = [:]
        values.withUnsafeBytes { raw in
            for i in 0..<Int(count) {
                var sum = VLANCounters.zero
                for cpu in 0..<cpus {
                    let c = raw.loadUnaligned(fromByteOffset: (i * cpus + cpu) * stride, as: ls_vlan_counters.self)
                    sum = sum + VLANCounters(broadcast: c.broadcast, multicast: c.multicast,
                                             frames: c.frames, bytes: c.bytes)
                }
                if !sum.isZero { out[VLANID(masking: UInt16(truncatingIfNeeded: keys[i]))] = sum }
            }
        }
        return out
    }

    /// QinQ pair counters: the hash map walked with `bpf_map_get_next_key`.
    func readPairs() throws -> [VLANPair: VLANCounters] {
        var out: [VLANPair: VLANCounters] = [:]
        var values = [ls_vlan_counters](repeating: ls_vlan_counters(), count: cpus)
        var key: UInt32 = 0
        var next: UInt32 = 0
        var first = true
        while true {
            let rc = first ? bpf_map_get_next_key(qinqStatsFD, nil, &next)
                           : bpf_map_get_next_key(qinqStatsFD, &key, &next)
            if rc != 0 { break }   // ENOENT: no more keys
            first = false
            key = next
            if bpf_map_lookup_elem(qinqStatsFD, &key, &values) == 0 {
                let sum = values.reduce(VLANCounters.zero) {
                    $0 + VLANCounters(broadcast: $1.broadcast, multicast: $1.multicast, frames: $1.frames, bytes: $1.bytes)
                }
                out[VLANPair(key: key)] = sum
            }
        }
        return out
    }

    /// Global counters (untagged, malformed, overflow, dropped), each summed over CPUs.
    func readGlobal() throws -> GlobalCounters {
        var per = [UInt64](repeating: 0, count: cpus)
        func read(_ index: ls_global_index) throws -> UInt64 {
            var key = UInt32(index.rawValue)
            try libbpfCall("bpf_map_lookup_elem(ls_global_stats)") {
                bpf_map_lookup_elem(globalStatsFD, &key, &per)
            }
            return per.reduce(0, &+)
        }
        return GlobalCounters(untaggedFrames: try read(LS_G_UNTAGGED_FRAMES),
                              untaggedBytes: try read(LS_G_UNTAGGED_BYTES),
                              malformed: try read(LS_G_MALFORMED),
                              qinqOverflow: try read(LS_G_QINQ_OVERFLOW),
                              dropped: try read(LS_G_DROPPED))
    }
}
