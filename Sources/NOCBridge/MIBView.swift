import LoopSentryCore

/// The values of LOOPSENTRY-MIB's scalars at one instant.
struct ScalarValues: Equatable, Sendable {
    var version: String
    var startTime: UTCTimestamp
    var notifyGlobalLimit: UInt32
    var notifyVlanLimit: UInt32
    var notifySuppressed: UInt32 = 0
    var notifyDropped: UInt32 = 0
    var notifyQueued: UInt32 = 0
    var sensorName: String = ""
}

/// Where a GETNEXT lands: a scalar, or a cell (a column and an index into the table's rows,
/// `rows` for the VLAN table, `vniRows` for the VNI table).
enum MIBPosition: Equatable {
    case scalar(LoopSentryMIB.Scalar)
    case cell(LoopSentryMIB.Column, Int)
    case vniCell(LoopSentryMIB.VNIColumn, Int)

    /// A `hint` for `MIBView.locate` that names no row.
    static let noHint = -1
}

/// A cell's value as the row holds it: strings stay `String`s and the time stays a timestamp
/// until they are stored in a varbind, so answering copies no bytes into new arrays.
enum CellValue: Equatable {
    case integer(Int32)
    case gauge32(UInt32)
    case counter64(UInt64)
    case text(String)
    case dateAndTime(UTCTimestamp)

    var snmpValue: SNMPValue {
        switch self {
        case .integer(let i): .integer(i)
        case .gauge32(let u): .gauge32(u)
        case .counter64(let u): .counter64(u)
        case .text(let s): .string(s)
        case .dateAndTime(let t): .octetString(DateAndTime.octets(t))
        }
    }
}

/// What a GET finds at an OID.
enum GetResult: Equatable {
    case value(SNMPValue)
    /// No such object type (wrong column, not our scalar).
    case noSuchObject
    /// The object type exists but not this instance (unknown row, missing `.0`).
    case noSuchInstance
}

/// Everything under `loopSentryObjects` at one instant, answering GET and GETNEXT by OID
/// suffix (relative to `LoopSentryMIB.objects`). Pure: no Net-SNMP here.
struct MIBView: Sendable {
    var table: VLANStatusTable
    var scalars: ScalarValues

    func value(_ scalar: LoopSentryMIB.Scalar) -> SNMPValue {
        switch scalar {
        case .version: .string(scalars.version)
        case .startTime: .octetString(DateAndTime.octets(scalars.startTime))
        case .notifyGlobalLimit: .gauge32(scalars.notifyGlobalLimit)
        case .notifyVlanLimit: .gauge32(scalars.notifyVlanLimit)
        case .notifySuppressed: .counter32(scalars.notifySuppressed)
        case .notifyDropped: .counter32(scalars.notifyDropped)
        case .notifyQueued: .gauge32(scalars.notifyQueued)
        case .sensorName: .string(scalars.sensorName)
        }
    }

    /// The value of one cell; nil for the not-accessible index columns.
    static func value(_ column: LoopSentryMIB.Column, _ row: VLANStatusRow) -> SNMPValue? {
        cell(column, row)?.snmpValue
    }

    /// The value of one cell without copying its bytes (the read path stores it in the varbind
    /// directly); nil for the not-accessible index columns.
    static func cell(_ column: LoopSentryMIB.Column, _ row: VLANStatusRow) -> CellValue? {
        switch column {
        case .ifIndex, .vlanId: nil
        case .ifName: .text(row.ifName)
        case .broadcastFrames: .counter64(row.counters.broadcast)
        case .multicastFrames: .counter64(row.counters.multicast)
        case .taggedFrames: .counter64(row.counters.frames)
        case .returnedProbes: .counter64(row.returnedProbes)
        case .broadcastRate: .gauge32(row.broadcastRate)
        case .multicastRate: .gauge32(row.multicastRate)
        case .frameRate: .gauge32(row.frameRate)
        case .risingThreshold: .gauge32(row.risingThreshold)
        case .fallingThreshold: .gauge32(row.fallingThreshold)
        case .tenant: .text(row.tenant)
        case .policy: .integer(Int32(row.policy.rawValue))
        case .state: .integer(Int32(row.state.rawValue))
        case .lastChange: .dateAndTime(row.lastChange)
        case .action: .integer(Int32(row.lastAction?.rawValue ?? 1))
        case .actionResult: .text(row.lastActionResult)
        case .actionAuthor: .text(row.lastActionAuthor)
        }
    }

    /// GET of the instance at `suffix`.
    func get(_ suffix: ArraySlice<UInt>) -> GetResult {
        switch suffix.withUnsafeBufferPointer({ find($0) }) {
        case .noSuchObject: return .noSuchObject
        case .noSuchInstance: return .noSuchInstance
        case .found(.scalar(let scalar)): return .value(value(scalar))
        case .found(.cell(let column, let i)): return .value(Self.value(column, table.rows[i])!)
        case .found(.vniCell(let column, let i)): return .value(Self.cell(column, table.vniRows[i])!.snmpValue)
        }
    }

    /// What a GET of `s` finds, without allocating: a scalar or cell, or why none.
    func find(_ s: UnsafeBufferPointer<UInt>) -> Found {
        if s.first == LoopSentryMIB.scalarsArc {
            guard s.count >= 2, let scalar = LoopSentryMIB.Scalar(rawValue: s[1]) else { return .noSuchObject }
            return s.count == 3 && s[2] == 0 ? .found(.scalar(scalar)) : .noSuchInstance
        }
        if s.first == LoopSentryMIB.vniTableArc { return findVNI(s) }
        guard s.count >= 3, compareOID(s.prefix(2), LoopSentryMIB.entry) == 0,
              let column = LoopSentryMIB.Column(rawValue: s[2]), column.rawValue >= 3
        else { return .noSuchObject }
        guard let key = Self.key(s[3...]), let i = table.index(key) else { return .noSuchInstance }
        return .found(.cell(column, i))
    }

    /// What `find` finds.
    enum Found: Equatable {
        case found(MIBPosition)
        case noSuchObject
        case noSuchInstance
    }

    /// GETNEXT: the first instance after `suffix` (at or after it when `inclusive`, which
    /// AgentX asks for when a search range starts at our registration), or nil past the end.
    func next(after suffix: ArraySlice<UInt>, inclusive: Bool) -> (suffix: LoopSentryMIB.OID, value: SNMPValue)? {
        var hint = MIBPosition.noHint
        let found = suffix.withUnsafeBufferPointer { locate(after: $0, inclusive: inclusive, hint: &hint) }
        switch found {
        case nil: return nil
        case .scalar(let scalar): return (scalar.suffix, value(scalar))
        case .cell(let column, let i):
            let row = table.rows[i]
            return (column.suffix(Self.arcs(row.key)), Self.value(column, row)!)
        case .vniCell(let column, let i):
            let row = table.vniRows[i]
            return (column.suffix(ifIndex: UInt(row.key.ifIndex), vni: UInt(row.vni!.value)), Self.cell(column, row)!.snmpValue)
        }
    }

    /// GETNEXT without allocating: where the first instance after `suffix` lies (at or after it
    /// when `inclusive`), or nil past the end. `hint` is the row the previous answer came from
    /// (`MIBPosition.noHint` for none): a walk asks for the row after the one it was given, so
    /// when `suffix` names exactly that row the answer is the next one, without a search.
    /// Updated to the row answered.
    func locate(after suffix: UnsafeBufferPointer<UInt>, inclusive: Bool, hint: inout Int) -> MIBPosition? {
        func follows(_ candidate: LoopSentryMIB.OID) -> Bool {
            let c = compareOID(candidate, suffix)
            return inclusive ? c >= 0 : c > 0
        }
        for scalar in Self.scalars where follows(scalar.suffix) {
            return .scalar(scalar)
        }
        let entryOrder = compareOID(LoopSentryMIB.entry, suffix.prefix(2))
        let rows = table.rows.count
        for column in LoopSentryMIB.Column.accessible {
            let i: Int
            switch Self.order(column.rawValue, entryOrder: entryOrder, start: suffix) {
            case 0: i = table.firstIndex(after: UnsafeBufferPointer(rebasing: suffix[3...]), inclusive: inclusive, hint: hint)
            case 1: i = 0
            default: i = rows
            }
            if i < rows {
                hint = i
                return .cell(column, i)
            }
        }
        return locateVNI(after: suffix, inclusive: inclusive, hint: &hint)
    }

    /// Where a column lies relative to the start of a GETNEXT: 1 after it, 0 containing it,
    /// -1 before it. `entryOrder` is the order of the column's entry against the start's first
    /// two arcs.
    static func order(_ column: UInt, entryOrder: Int, start: UnsafeBufferPointer<UInt>) -> Int {
        if entryOrder != 0 { return entryOrder }
        guard start.count >= 3 else { return 1 }  // the start is the entry itself
        let arc = start[2]
        return column == arc ? 0 : column > arc ? 1 : -1
    }

    /// The scalars in OID order.
    private static let scalars = LoopSentryMIB.Scalar.allCases

    /// The row key named by index arcs (ifIndex, VLAN), if exactly two valid arcs.
    static func key(_ arcs: some BidirectionalCollection<UInt>) -> VLANStatusKey? {
        guard arcs.count == 2, let ifIndex = arcs.first, let vlanArc = arcs.last,
              (1...UInt(Int32.max)).contains(ifIndex), VLANID.validRange.contains(Int(clamping: vlanArc)),
              let vlan = VLANID(Int(vlanArc))
        else { return nil }
        return VLANStatusKey(ifIndex: Int32(ifIndex), vlan: vlan)
    }

    static func arcs(_ key: VLANStatusKey) -> VLANStatusKeyArcs {
        VLANStatusKeyArcs(ifIndex: UInt(key.ifIndex), vlan: UInt(key.vlan.value))
    }
}
