import LoopSentryCore

/// The index of a `loopSentryVniTable` row: (ifIndex, VNI), in OID order.
struct VNIIndex: Hashable, Comparable {
    var ifIndex: Int32
    var vni: UInt32

    static func < (a: VNIIndex, b: VNIIndex) -> Bool {
        a.ifIndex != b.ifIndex ? a.ifIndex < b.ifIndex : a.vni < b.vni
    }
}

/// GET and GETNEXT over the VNI rows, by the same binary searches as the VLAN rows.
extension VLANStatusTable {
    /// The VNI row with this index, if published.
    public func vniRow(ifIndex: Int32, vni: VNI) -> VLANStatusRow? {
        vniIndex(VNIIndex(ifIndex: ifIndex, vni: vni.value)).map { vniRows[$0] }
    }

    /// The position of the VNI row with `index` in `vniRows`, if published.
    func vniIndex(_ index: VNIIndex) -> Int? {
        let i = Self.partitionPoint(vniRows.count) { Self.vniIndex(of: vniRows[$0]) >= index }
        return i < vniRows.count && Self.vniIndex(of: vniRows[i]) == index ? i : nil
    }

    /// The position of the first VNI row whose index arcs (ifIndex, VNI) come after `arcs` in
    /// OID order (or equal them, when `inclusive`); `vniRows.count` when none. `hint` works as
    /// in `firstIndex(after:inclusive:hint:)`.
    func firstVNIIndex(after arcs: UnsafeBufferPointer<UInt>, inclusive: Bool, hint: Int = -1) -> Int {
        if hint >= 0, hint < vniRows.count, Self.compareVNI(vniRows[hint], arcs) == 0 {
            return inclusive ? hint : hint + 1
        }
        return Self.partitionPoint(vniRows.count) { i in
            let c = Self.compareVNI(vniRows[i], arcs)
            return inclusive ? c >= 0 : c > 0
        }
    }

    /// The index of a row of `vniRows` (whose `vni` is set).
    static func vniIndex(of row: VLANStatusRow) -> VNIIndex {
        VNIIndex(ifIndex: row.key.ifIndex, vni: row.vni?.value ?? 0)
    }

    /// OID order of a VNI row's index arcs against `arcs`, without allocating.
    static func compareVNI(_ row: VLANStatusRow, _ arcs: UnsafeBufferPointer<UInt>) -> Int {
        compare(UInt(row.key.ifIndex), UInt(row.vni?.value ?? 0), arcs)
    }
}
