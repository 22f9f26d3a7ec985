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
        switch column {
        case .ifIndex, .vlanId: nil
        case .ifName: .string(row.ifName)
        case .broadcastFrames: .counter64(row.counters.broadcast)
        case .multicastFrames: .counter64(row.counters.multicast)
        case .taggedFrames: .counter64(row.counters.frames)
        case .returnedProbes: .counter64(row.returnedProbes)
        case .broadcastRate: .gauge32(row.broadcastRate)
        case .multicastRate: .gauge32(row.multicastRate)
        case .frameRate: .gauge32(row.frameRate)
        case .risingThreshold: .gauge32(row.risingThreshold)
        case .fallingThreshold: .gauge32(row.fallingThreshold)
        case .tenant: .string(row.tenant)
        case .policy: .integer(Int32(row.policy.rawValue))
        case .state: .integer(Int32(row.state.rawValue))
        case .lastChange: .octetString(DateAndTime.octets(row.lastChange))
        case .action: .integer(Int32(row.lastAction?.rawValue ?? 1))
        case .actionResult: .string(row.lastActionResult)
        case .actionAuthor: .string(row.lastActionAuthor)
        }
    }

    /// GET of the instance at `suffix`.
    func get(_ suffix: ArraySlice<UInt>) -> GetResult {
        let s = Array(suffix)
        if s.first == LoopSentryMIB.scalarsArc {
            guard s.count >= 2, let scalar = LoopSentryMIB.Scalar(rawValue: s[1]) else { return .noSuchObject }
            return s.count == 3 && s[2] == 0 ? .value(value(scalar)) : .noSuchInstance
        }
        guard s.count >= 3, s[0...1] == LoopSentryMIB.entry[...],
              let column = LoopSentryMIB.Column(rawValue: s[2]), column.rawValue >= 3
        else { return .noSuchObject }
        guard let key = Self.key(s[3...]), let row = table.row(key), let v = Self.value(column, row)
        else { return .noSuchInstance }
        return .value(v)
    }

    /// GETNEXT: the first instance after `suffix` (at or after it when `inclusive`, which
    /// AgentX asks for when a search range starts at our registration), or nil past the end.
    func next(after suffix: ArraySlice<UInt>, inclusive: Bool) -> (suffix: LoopSentryMIB.OID, value: SNMPValue)? {
        func follows(_ candidate: LoopSentryMIB.OID) -> Bool {
            let c = compareOID(candidate, suffix)
            return inclusive ? c >= 0 : c > 0
        }
        for scalar in LoopSentryMIB.Scalar.allCases where follows(scalar.suffix) {
            return (scalar.suffix, value(scalar))
        }
        // Where a column lies relative to the start: 1 after it, 0 containing it, -1 before it.
        let entryOrder = compareOID(LoopSentryMIB.entry, suffix.prefix(2))
        func order(_ column: LoopSentryMIB.Column) -> Int {
            if entryOrder != 0 { return entryOrder }
            guard suffix.count >= 3 else { return 1 }  // the start is the entry itself
            let arc = suffix[suffix.startIndex + 2]
            return column.rawValue == arc ? 0 : column.rawValue > arc ? 1 : -1
        }
        for column in LoopSentryMIB.Column.accessible {
            let row: VLANStatusRow?
            switch order(column) {
            case 0: row = table.firstRow(after: suffix.dropFirst(3), inclusive: inclusive)
            case 1: row = table.rows.first
            default: row = nil
            }
            if let row, let v = Self.value(column, row) {
                return (column.suffix(Self.arcs(row.key)), v)
            }
        }
        return nil
    }

    /// The row key named by index arcs (ifIndex, VLAN), if exactly two valid arcs.
    static func key(_ arcs: ArraySlice<UInt>) -> VLANStatusKey? {
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
