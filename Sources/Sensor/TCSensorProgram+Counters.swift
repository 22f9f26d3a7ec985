import CLoopSentryBPF
import Foundation
import LoopSentryCore

extension TCSensorProgram {
    /// Per-VLAN counters: one `bpf_map_lookup_batch` over the 4096-slot per-CPU array,
    /// each slot summed over CPUs. Rows that are all zero are left out.
    func readVLANs() throws -> [VLANID: VLANCounters] {
        try readPerSlot(fd: vlanStatsFD, map: "ls_vlan_stats", as: ls_vlan_counters.self, key: Self.vlan) { a, c in
            a + VLANCounters(broadcast: c.broadcast, multicast: c.multicast, frames: c.frames, bytes: c.bytes)
        } isZero: { $0.isZero } zero: { .zero }
    }

    /// Returned-probe counters per VLAN, from the 4096-slot per-CPU array `ls_probe_stats`.
    func readProbes() throws -> [VLANID: ProbeCounters] {
        try readProbeCounters(fd: probeStatsFD, map: "ls_probe_stats", key: Self.vlan)
    }

    /// A 4096-slot per-CPU array of `ls_probe_counters` (VLAN or VNI probes), non-zero rows.
    func readProbeCounters<Key: Hashable>(fd: Int32, map: String, key: (UInt32) -> Key) throws -> [Key: ProbeCounters] {
        try readPerSlot(fd: fd, map: map, as: ls_probe_counters.self, key: key) { a, c in
            ProbeCounters(returned: a.returned &+ c.returned, leaked: a.leaked &+ c.leaked)
        } isZero: { $0.returned == 0 && $0.leaked == 0 } zero: { ProbeCounters() }
    }

    /// A VLAN array's slot as its VLAN.
    static func vlan(_ slot: UInt32) -> VLANID { VLANID(masking: UInt16(truncatingIfNeeded: slot)) }

    /// Reads a 4096-slot per-CPU array with one `bpf_map_lookup_batch`, folding each slot's
    /// per-CPU values with `add`; all-zero rows are left out, the others keyed by `key(slot)`.
    func readPerSlot<Raw, Key: Hashable, Value>(fd: Int32, map: String, as raw: Raw.Type, key: (UInt32) -> Key,
                                                add: (Value, Raw) -> Value, isZero: (Value) -> Bool,
                                                zero: () -> Value) throws -> [Key: Value] {
        let rows = try readPerCPUArray(fd: fd, map: map, slots: Int(LS_VLAN_SLOTS), as: raw, add: add, zero: zero)
        var out: [Key: Value] = [:]
        for (i, sum) in rows.enumerated() where !isZero(sum) {
            out[key(UInt32(i))] = sum
        }
        return out
    }

    /// Reads the first `slots` rows of a per-CPU array with one `bpf_map_lookup_batch`, folding
    /// each row's per-CPU values with `add`; element i is row i.
    func readPerCPUArray<Raw, Value>(fd: Int32, map: String, slots: Int, as _: Raw.Type,
                                     add: (Value, Raw) -> Value, zero: () -> Value) throws -> [Value] {
        let stride = (MemoryLayout<Raw>.stride + 7) & ~7   // libbpf rounds per-CPU values up to 8
        var keys = [UInt32](repeating: 0, count: slots)
        var values = [UInt8](repeating: 0, count: slots * cpus * stride)
        let count = try readArrayBatch(fd: fd, map: map, keys: &keys, values: &values)
        var out = [Value](repeating: zero(), count: slots)
        values.withUnsafeBytes { raw in
            for i in 0..<count where Int(keys[i]) < slots {
                var sum = zero()
                for cpu in 0..<cpus {
                    sum = add(sum, raw.loadUnaligned(fromByteOffset: (i * cpus + cpu) * stride, as: Raw.self))
                }
                out[Int(keys[i])] = sum
            }
        }
        return out
    }

    /// One `bpf_map_lookup_batch` from the start of an array map: as many rows as `keys` holds,
    /// into `keys` and `values` (sized by the caller). Returns the rows read.
    func readArrayBatch<Value>(fd: Int32, map: String, keys: inout [UInt32], values: inout [Value]) throws -> Int {
        var count = UInt32(keys.count)
        var outBatch: UInt32 = 0
        var opts = bpf_map_batch_opts()
        opts.sz = MemoryLayout<bpf_map_batch_opts>.size
        let rc = keys.withUnsafeMutableBytes { k in
            values.withUnsafeMutableBytes { v in
                bpf_map_lookup_batch(fd, nil, &outBatch, k.baseAddress, v.baseAddress, &count, &opts)
            }
        }
        // ENOENT marks the end of the map: the batch holds every row asked for.
        if rc < 0 && -rc != ENOENT && errno != ENOENT {
            _ = try libbpfCall("bpf_map_lookup_batch(\(map))") { rc }
        }
        return Int(count)
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

    /// Global counters (untagged, malformed, overflow, dropped, VXLAN's malformed/unwatched/overflow), each summed over CPUs.
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
                              dropped: try read(LS_G_DROPPED),
                              vxlanMalformed: try read(LS_G_VXLAN_MALFORMED),
                              vniUnwatched: try read(LS_G_VNI_UNWATCHED),
                              vniOverflow: try read(LS_G_VNI_OVERFLOW))
    }
}
