import LoopSentryCore

/// The rows of `loopSentryVlanTable`, sorted by (ifIndex, VLAN) once when published, so
/// GET and GETNEXT are binary searches (a walk of 4094 rows must not be quadratic).
public struct VLANStatusTable: Sendable {
    /// Sorted by key, one row per key, only keys valid as table indices.
    public private(set) var rows: [VLANStatusRow]

    /// Sorts `rows`; drops VNI rows and keys that cannot be table indices (ifIndex < 1, VLAN 0 or 4095)
    /// and, for duplicate keys, keeps the last row given.
    public init(_ rows: [VLANStatusRow]) {
        var byKey: [VLANStatusKey: VLANStatusRow] = [:]
        byKey.reserveCapacity(rows.count)
        // VNI rows are not in this table (their key holds VLAN 0; skipped by name, not by accident).
        for row in rows where row.vni == nil && row.key.isValidTableIndex { byKey[row.key] = row }
        self.rows = byKey.values.sorted { $0.key < $1.key }
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
        var low = 0, high = rows.count
        while low < high {
            let mid = (low + high) / 2
            if predicate(rows[mid].key) { high = mid } else { low = mid + 1 }
        }
        return low
    }

    /// OID order of a row's index arcs (ifIndex, VLAN) against `arcs`, without allocating.
    static func compare(_ key: VLANStatusKey, _ arcs: UnsafeBufferPointer<UInt>) -> Int {
        let i = arcs.startIndex
        guard i < arcs.endIndex else { return 1 }
        let ifIndex = UInt(key.ifIndex)
        if ifIndex != arcs[i] { return ifIndex < arcs[i] ? -1 : 1 }
        guard i + 1 < arcs.endIndex else { return 1 }
        let vlan = UInt(key.vlan.value)
        if vlan != arcs[i + 1] { return vlan < arcs[i + 1] ? -1 : 1 }
        return i + 2 < arcs.endIndex ? -1 : 0
    }
}
