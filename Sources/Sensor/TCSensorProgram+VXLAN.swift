import CLoopSentryBPF
import Foundation
import LoopSentryCore

extension TCSensorProgram {
    /// Adds a zero row per VNI to `ls_vni_stats` (`bpf_map_update_elem`, BPF_NOEXIST: a VNI
    /// already counted keeps its counters). Only VNIs with a row are counted unless learning.
    func watch(_ vnis: [VNI]) throws {
        let distinct = Set(vnis)
        guard distinct.count <= vniSlots else {
            throw SensorError.invalidSetting("\(distinct.count) VNIs to watch, but the per-VNI map was loaded with \(vniSlots) rows")
        }
        var zeros = [ls_vlan_counters](repeating: ls_vlan_counters(), count: cpus)
        for vni in distinct.sorted() {
            var key = vni.value
            let rc = bpf_map_update_elem(vniStatsFD, &key, &zeros, UInt64(BPF_NOEXIST))
            if rc < 0 && -rc != EEXIST && errno != EEXIST {
                _ = try libbpfCall("bpf_map_update_elem(ls_vni_stats)") { rc }
            }
        }
    }

    /// Per-VNI counters of inner frames, every row (watched VNIs show even at zero).
    func readVNIs() throws -> [VNI: VLANCounters] {
        try readCountersHash(fd: vniStatsFD, map: "ls_vni_stats", capacity: vniSlots, as: UInt32.self) {
            VNI(masking: $0)
        }
    }

    /// Per-(VNI, inner VLAN) counters of tagged inner frames.
    func readVNIPairs() throws -> [VNIVLANPair: VLANCounters] {
        try readCountersHash(fd: vniVLANStatsFD, map: "ls_vni_vlan_stats", capacity: Int(LS_VNI_VLAN_MAX_PAIRS),
                             as: UInt64.self) { VNIVLANPair(key: $0) }
    }

    /// Reads a per-CPU hash of `ls_vlan_counters` with `bpf_map_lookup_batch` calls (one for a map
    /// that fits `capacity`), summing each row over the possible CPUs.
    func readCountersHash<Key: FixedWidthInteger, Out: Hashable>(
        fd: Int32, map: String, capacity: Int, as _: Key.Type, decode: (Key) -> Out
    ) throws -> [Out: VLANCounters] {
        let stride = (MemoryLayout<ls_vlan_counters>.stride + 7) & ~7   // libbpf rounds per-CPU values up to 8
        var keys = [Key](repeating: 0, count: capacity)
        var values = [UInt8](repeating: 0, count: capacity * cpus * stride)
        var opts = bpf_map_batch_opts()
        opts.sz = MemoryLayout<bpf_map_batch_opts>.size
        var token: UInt64 = 0
        var started = false
        var out: [Out: VLANCounters] = [:]
        while true {
            var count = UInt32(capacity)
            var next: UInt64 = 0
            let rc = keys.withUnsafeMutableBytes { k in
                values.withUnsafeMutableBytes { v in
                    started ? bpf_map_lookup_batch(fd, &token, &next, k.baseAddress, v.baseAddress, &count, &opts)
                            : bpf_map_lookup_batch(fd, nil, &next, k.baseAddress, v.baseAddress, &count, &opts)
                }
            }
            let done = rc < 0 && (-rc == ENOENT || errno == ENOENT)
            if rc < 0 && !done { _ = try libbpfCall("bpf_map_lookup_batch(\(map))") { rc } }
            values.withUnsafeBytes { raw in
                for i in 0..<Int(count) {
                    var sum = VLANCounters.zero
                    for cpu in 0..<cpus {
                        let c = raw.loadUnaligned(fromByteOffset: (i * cpus + cpu) * stride, as: ls_vlan_counters.self)
                        sum = sum + VLANCounters(broadcast: c.broadcast, multicast: c.multicast, frames: c.frames, bytes: c.bytes)
                    }
                    out[decode(keys[i])] = sum
                }
            }
            if done || count == 0 { return out }
            token = next
            started = true
        }
    }
}
