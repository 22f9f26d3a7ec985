import LoopSentryCore

/// `loopSentryVniTable` in the view: GET and GETNEXT of its cells, after the VLAN table in
/// OID order (a walk leaves the VLAN table into it and leaves it at the end of the MIB).
extension MIBView {
    /// The value of one VNI cell without copying its bytes (the VLAN cell of the same meaning);
    /// nil for the not-accessible index columns.
    static func cell(_ column: LoopSentryMIB.VNIColumn, _ row: VLANStatusRow) -> CellValue? {
        column.vlanColumn.flatMap { cell($0, row) }
    }

    /// What a GET of `s` (which starts with the VNI table's arc) finds, without allocating.
    func findVNI(_ s: UnsafeBufferPointer<UInt>) -> Found {
        guard s.count >= 3, compareOID(s.prefix(2), LoopSentryMIB.vniEntry) == 0,
              let column = LoopSentryMIB.VNIColumn(rawValue: s[2]), column.rawValue >= 3
        else { return .noSuchObject }
        guard let index = Self.vniIndex(s[3...]), let i = table.vniIndex(index) else { return .noSuchInstance }
        return .found(.vniCell(column, i))
    }

    /// GETNEXT inside or before the VNI table (the VLAN table had nothing after the start):
    /// the first VNI cell after `suffix`, or nil past the end of the MIB.
    func locateVNI(after suffix: UnsafeBufferPointer<UInt>, inclusive: Bool, hint: inout Int) -> MIBPosition? {
        let entryOrder = compareOID(LoopSentryMIB.vniEntry, suffix.prefix(2))
        let rows = table.vniRows.count
        for column in LoopSentryMIB.VNIColumn.accessible {
            let i: Int
            switch Self.order(column.rawValue, entryOrder: entryOrder, start: suffix) {
            case 0: i = table.firstVNIIndex(after: UnsafeBufferPointer(rebasing: suffix[3...]), inclusive: inclusive, hint: hint)
            case 1: i = 0
            default: i = rows
            }
            if i < rows {
                hint = i
                return .vniCell(column, i)
            }
        }
        return nil
    }

    /// The VNI row index named by index arcs (ifIndex, VNI), if exactly two valid arcs.
    static func vniIndex(_ arcs: some BidirectionalCollection<UInt>) -> VNIIndex? {
        guard arcs.count == 2, let ifIndex = arcs.first, let vni = arcs.last,
              (1...UInt(Int32.max)).contains(ifIndex), (1...UInt(VNI.range.upperBound)).contains(vni)
        else { return nil }
        return VNIIndex(ifIndex: Int32(ifIndex), vni: UInt32(vni))
    }
}
