import LoopSentryCore

/// The watched-VNI index the tc program reads (`ls_vni_index`, layout in
/// bpf/loopsentry_shared.h): each watched VNI has a slot (its row of the per-CPU counter array
/// `ls_vni_counters`), and sits in bucket `(vni &* seed) >> shift` among `ways` entries. The
/// seed is chosen here so that no bucket holds more than `ways` VNIs, so the program finds a
/// VNI with two array lookups and no hashing helper. Pure: no BPF calls.
struct VNIIndex {
    /// One bucket: up to `ways` (VNI, slot) entries, filled from the front.
    typealias Bucket = [(vni: VNI, slot: UInt32)]

    /// Slots by VNI; a VNI keeps its slot for the program's life (its counters stay its own).
    private(set) var slots: [VNI: UInt32] = [:]
    private(set) var seed: UInt32 = 0
    /// 32 - log2(bucket count); the bucket count is fixed when the program loads.
    let shift: UInt32
    let bucketCount: Int
    let ways: Int
    /// Slots available (rows of `ls_vni_counters`).
    let capacity: Int

    /// Buckets for `capacity` VNIs: a power of two, at least twice the capacity (at most half a
    /// VNI per bucket on average), so a seed without an overflowing bucket is found in a few tries.
    static func bucketCount(capacity: Int) -> Int {
        var n = 2
        while n < 2 * capacity { n *= 2 }
        return n
    }

    init(capacity: Int, ways: Int) {
        self.capacity = capacity
        self.ways = ways
        bucketCount = Self.bucketCount(capacity: capacity)
        shift = UInt32(32 - bucketCount.trailingZeroBitCount)
    }

    func bucket(of vni: VNI, seed: UInt32) -> Int { Int((vni.value &* seed) >> shift) }

    /// Adds `vnis` (a VNI already present keeps its slot) and picks a seed under which no
    /// bucket overflows, keeping the current seed when it still fits. Throws when the slots run
    /// out or no seed fits (then nothing changes).
    mutating func add(_ vnis: [VNI]) throws {
        var next = slots
        for vni in Set(vnis).sorted() where next[vni] == nil {
            next[vni] = UInt32(next.count)
        }
        guard next.count <= capacity else {
            throw SensorError.invalidSetting("\(next.count) VNIs to watch, but the per-VNI map was loaded with \(capacity) rows")
        }
        // The current seed first, then a fixed sequence of odd multipliers (Knuth's 2^32/phi, then
        // a Weyl sequence): the same VNIs always get the same layout.
        var candidate = seed == 0 ? 0x9E37_79B1 : seed
        for _ in 0..<4096 {
            if fits(Array(next.keys), seed: candidate) {
                slots = next
                seed = candidate
                return
            }
            candidate = (candidate &+ 0x6A09_E667) | 1
        }
        throw SensorError.invalidSetting("no seed spreads \(next.count) VNIs over \(bucketCount) buckets of \(ways)")
    }

    private func fits(_ vnis: [VNI], seed: UInt32) -> Bool {
        var load = [Int](repeating: 0, count: bucketCount)
        for vni in vnis {
            let b = bucket(of: vni, seed: seed)
            load[b] += 1
            if load[b] > ways { return false }
        }
        return true
    }

    /// Every bucket's entries in slot order (the program stops at the first empty way).
    var buckets: [Bucket] {
        var out = [Bucket](repeating: [], count: bucketCount)
        for (vni, slot) in slots.sorted(by: { $0.value < $1.value }) {
            out[bucket(of: vni, seed: seed)].append((vni, slot))
        }
        return out
    }
}
