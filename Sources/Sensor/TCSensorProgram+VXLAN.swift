import CLoopSentryBPF
import Foundation
import LoopSentryCore

extension TCSensorProgram {
    /// Adds `vnis` to the watched-VNI index and writes the buckets of `ls_vni_index` that
    /// changed (`bpf_map_update_elem`; a new program's buckets are empty); the caller then
    /// writes the index's seed into `ls_config`. A VNI already watched keeps its slot and its
    /// counters; VNIs are never unwatched. When the seed has to change, a frame counted while
    /// the buckets are rewritten may be found in none and counted as unwatched.
    func watch(_ vnis: [VNI]) throws {
        var next = vniIndex
        try next.add(vnis)
        let ways = Int(LS_VNI_BUCKET_WAYS)
        let before = vniIndex.buckets
        for (i, entries) in next.buckets.enumerated()
        where !entries.elementsEqual(before[i], by: { $0.vni == $1.vni && $0.slot == $1.slot }) {
            var key = UInt32(i)
            var bucket = ls_vni_bucket()
            withUnsafeMutableBytes(of: &bucket.key) { k in
                withUnsafeMutableBytes(of: &bucket.slot) { s in
                    for (way, entry) in entries.prefix(ways).enumerated() {
                        k.storeBytes(of: entry.vni.value + 1, toByteOffset: way * 4, as: UInt32.self)
                        s.storeBytes(of: entry.slot, toByteOffset: way * 4, as: UInt32.self)
                    }
                }
            }
            try libbpfCall("bpf_map_update_elem(ls_vni_index)") {
                bpf_map_update_elem(vniIndexFD, &key, &bucket, UInt64(BPF_ANY))
            }
        }
        vniIndex = next
    }

    /// Per-VNI counters of inner frames: every watched VNI (even at zero), from its slot of
    /// `ls_vni_counters`, plus every VNI learned into `ls_vni_stats`.
    func readVNIs() throws -> [VNI: VLANCounters] {
        var out = try readCountersHash(fd: vniStatsFD, map: "ls_vni_stats", capacity: vniSlots, as: UInt32.self) {
            VNI(masking: $0)
        }
        guard !vniIndex.slots.isEmpty else { return out }
        let bySlot = try readPerCPUArray(fd: vniCountersFD, map: "ls_vni_counters", slots: vniIndex.slots.count,
                                         as: ls_vlan_counters.self) { a, c in
            a + VLANCounters(broadcast: c.broadcast, multicast: c.multicast, frames: c.frames, bytes: c.bytes)
        } zero: { .zero }
        for (vni, slot) in vniIndex.slots {
            out[vni] = (out[vni] ?? .zero) + bySlot[Int(slot)]
        }
        return out
    }

    /// Per-(VNI, inner VLAN) counters of tagged inner frames: the claimed entries of
    /// `ls_vni_vlan_keys` (one `bpf_map_lookup_batch`), each entry's row of
    /// `ls_vni_vlan_counters` (`bpf_map_lookup_elem`) summed over CPUs.
    func readVNIPairs() throws -> [VNIVLANPair: VLANCounters] {
        var entries = [UInt32](repeating: 0, count: Int(LS_VNI_VLAN_TABLE))
        var keys = [UInt64](repeating: 0, count: entries.count)
        let count = try readArrayBatch(fd: vniVLANKeysFD, map: "ls_vni_vlan_keys", keys: &entries, values: &keys)
        var out: [VNIVLANPair: VLANCounters] = [:]
        var values = [ls_vlan_counters](repeating: ls_vlan_counters(), count: cpus)
        for i in 0..<count where keys[i] != 0 {
            var entry = entries[i]
            try libbpfCall("bpf_map_lookup_elem(ls_vni_vlan_counters)") {
                bpf_map_lookup_elem(vniVLANCountersFD, &entry, &values)
            }
            out[VNIVLANPair(key: keys[i] - 1)] = values.reduce(VLANCounters.zero) {
                $0 + VLANCounters(broadcast: $1.broadcast, multicast: $1.multicast, frames: $1.frames, bytes: $1.bytes)
            }
        }
        return out
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
