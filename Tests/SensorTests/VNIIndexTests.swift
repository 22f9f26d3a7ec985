import CLoopSentryBPF
import LoopSentryCore
import Testing
@testable import Sensor

/// The watched-VNI index (pure): slots, buckets and the seed the tc program hashes with.
struct VNIIndexTests {
    static func vnis(_ values: [Int]) -> [VNI] { values.map { VNI($0)! } }

    @Test("4096 VNIs spread over 8192 buckets of 4: each VNI sits once, in the bucket its seed names, at its own slot")
    func fullCapacity() throws {
        var index = VNIIndex(capacity: 4096, ways: 4)
        // 4096 VNIs that share their low 12 bits: the multiplier, not the low bits, spreads them.
        let watched = Self.vnis((0..<4096).map { $0 << 12 | 0x123 })
        try index.add(watched)
        #expect(index.bucketCount == 8192 && index.shift == 19)
        #expect(Set(index.slots.values) == Set((0..<4096).map { UInt32($0) }))
        let buckets = index.buckets
        #expect(buckets.allSatisfy { $0.count <= 4 })
        var seen: [VNI: Int] = [:]
        for (b, entries) in buckets.enumerated() {
            for e in entries {
                #expect(Int((e.vni.value &* index.seed) >> 19) == b)
                #expect(index.slots[e.vni] == e.slot)
                seen[e.vni, default: 0] += 1
            }
        }
        #expect(seen.count == 4096 && seen.values.allSatisfy { $0 == 1 })
    }

    @Test("a VNI keeps its slot when more VNIs are added; VNIs listed twice take one slot")
    func slotsAreStable() throws {
        var index = VNIIndex(capacity: 3, ways: 4)
        try index.add(Self.vnis([200, 100, 100]))
        #expect(index.slots == [VNI(100)!: 0, VNI(200)!: 1])
        try index.add(Self.vnis([50, 200]))
        #expect(index.slots == [VNI(100)!: 0, VNI(200)!: 1, VNI(50)!: 2])
    }

    @Test("more VNIs than slots is refused by name and leaves the index as it was")
    func overCapacity() throws {
        var index = VNIIndex(capacity: 2, ways: 4)
        try index.add(Self.vnis([1, 2]))
        let error = #expect(throws: SensorError.self) { try index.add(Self.vnis([3])) }
        #expect(error?.description == "3 VNIs to watch, but the per-VNI map was loaded with 2 rows")
        #expect(index.slots == [VNI(1)!: 0, VNI(2)!: 1])
    }

    @Test("the same VNIs always get the same seed and layout")
    func deterministic() throws {
        var a = VNIIndex(capacity: 64, ways: Int(LS_VNI_BUCKET_WAYS))
        var b = VNIIndex(capacity: 64, ways: Int(LS_VNI_BUCKET_WAYS))
        try a.add(Self.vnis(Array(1000..<1064)))
        try b.add(Self.vnis(Array(1000..<1064).reversed()))
        #expect(a.seed == b.seed && a.slots == b.slots)
    }
}
