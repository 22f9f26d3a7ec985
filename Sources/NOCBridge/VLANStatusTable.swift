import LoopSentryCore

/// The rows of `loopSentryVlanTable` and `loopSentryVniTable`, each sorted by its index
/// (ifIndex, VLAN) or (ifIndex, VNI) once when published, so GET and GETNEXT are binary
/// searches (a walk of 4094 rows must not be quadratic).
public struct VLANStatusTable: Sendable {
    /// VLAN rows sorted by key, one row per key, only keys valid as table indices.
    public private(set) var rows: [VLANStatusRow]
    /// VNI rows sorted by (ifIndex, VNI), one row per pair, only pairs valid as table indices
    /// (ifIndex >= 1, VNI >= 1).
    public private(set) var vniRows: [VLANStatusRow]

    /// Sorts `rows` into the two tables; drops indices that cannot be table indices (ifIndex < 1,
    /// VLAN 0 or 4095, VNI 0) and, for duplicate indices, keeps the last row given.
    public init(_ rows: [VLANStatusRow]) {
        var byKey: [VLANStatusKey: VLANStatusRow] = [:]
        var byVNI: [VNIIndex: VLANStatusRow] = [:]
        byKey.reserveCapacity(rows.count)
        for row in rows {
            if let vni = row.vni {
                // A VNI row's key holds VLAN 0: it is indexed by its VNI, in the VNI table only.
                if row.key.ifIndex >= 1, vni.value >= 1 { byVNI[VNIIndex(ifIndex: row.key.ifIndex, vni: vni.value)] = row }
            } else if row.key.isValidTableIndex {
                byKey[row.key] = row
            }
        }
        self.rows = byKey.values.sorted { $0.key < $1.key }
        vniRows = byVNI.sorted { $0.key < $1.key }.map(\.value)
    }

    public static let empty = VLANStatusTable([])

    /// The row with `key`, if published.
    public func row(_ key: VLANStatusKey) -> VLANStatusRow? {
        index(key).map { rows[$0] }
    }

    /// The position of the row with `key` in `rows`, if published.
    func index(_ key: VLANStatusKey) -> Int? {
        let i = firstIndex { $0 >= key }
        return i < rows.count && rows[i].key == key ? i : nil
    }

    /// Replaces the row with the same key (used to show an action's result at once).
    mutating func update(_ key: VLANStatusKey, _ change: (inout VLANStatusRow) -> Void) {
        let i = firstIndex { $0 >= key }
        guard i < rows.count, rows[i].key == key else { return }
        change(&rows[i])
    }

    /// Replaces the row a request is about, in either table (used to show an action's result at once).
    mutating func update(_ request: OperatorRequest, _ change: (inout VLANStatusRow) -> Void) {
        guard let vni = request.vni else { return update(request.key, change) }
        guard let i = vniIndex(VNIIndex(ifIndex: request.key.ifIndex, vni: vni.value)) else { return }
        change(&vniRows[i])
    }

    /// The position of the first row whose index arcs (ifIndex, VLAN) come after `arcs` in OID
    /// order (or equal them, when `inclusive`); `rows.count` when none. `arcs` may be any length:
    /// a GETNEXT can start anywhere inside a column. When `arcs` are exactly the key of the row
    /// at `hint` (the row answered last, in a walk), the answer needs no search.
    func firstIndex(after arcs: UnsafeBufferPointer<UInt>, inclusive: Bool, hint: Int = -1) -> Int {
        if hint >= 0, hint < rows.count, Self.compare(rows[hint].key, arcs) == 0 {
            return inclusive ? hint : hint + 1
        }
        return firstIndex { key in
            let c = Self.compare(key, arcs)
            return inclusive ? c >= 0 : c > 0
        }
    }

    /// Binary search: the first position whose key satisfies `predicate`, which must be
    /// false for a prefix of `rows` and true for the rest.
    private func firstIndex(where predicate: (VLANStatusKey) -> Bool) -> Int {
        Self.partitionPoint(rows.count) { predicate(rows[$0].key) }
    }

    /// Binary search over positions `0..<count`: the first for which `predicate` holds, which
    /// must be false for a prefix and true for the rest.
    static func partitionPoint(_ count: Int, _ predicate: (Int) -> Bool) -> Int {
        var low = 0, high = count
        while low < high {
            let mid = (low + high) / 2
            if predicate(mid) { high = mid } else { low = mid + 1 }
        }
        return low
    }

    /// OID order of a row's index arcs (ifIndex, VLAN) against `arcs`, without allocating.
    static func compare(_ key: VLANStatusKey, _ arcs: UnsafeBufferPointer<UInt>) -> Int {
        compare(UInt(key.ifIndex), UInt(key.vlan.value), arcs)
    }

    /// OID order of a two-arc index (ifIndex, then VLAN or VNI) against `arcs`, without allocating.
    static func compare(_ first: UInt, _ second: UInt, _ arcs: UnsafeBufferPointer<UInt>) -> Int {
        let i = arcs.startIndex
        guard i < arcs.endIndex else { return 1 }
        if first != arcs[i] { return first < arcs[i] ? -1 : 1 }
        guard i + 1 < arcs.endIndex else { return 1 }
        if second != arcs[i + 1] { return second < arcs[i + 1] ? -1 : 1 }
        return i + 2 < arcs.endIndex ? -1 : 0
    }
}
