import LoopSentryCore

/// One varbind of a SET, by OID suffix relative to `LoopSentryMIB.objects`.
struct SetVarbind: Equatable, Sendable {
    var suffix: [UInt]
    var value: SNMPValue
}

/// Why a SET is refused: the error status and the (0-based) varbind it is about.
struct SetRejection: Error, Equatable {
    var status: SNMPErrorStatus
    var varbindIndex: Int
}

/// Checks a SET against the published table in the order RFC 3416 §4.2.5 gives
/// (notWritable, wrongType, wrongLength, wrongValue, noCreation, inconsistentValue) and
/// turns it into operator requests. Both tables' writable columns follow the same rules.
/// Pure; the subagent calls it in the RESERVE1 phase.
enum SetRequestValidator {
    /// The author recorded when an action is written without `loopSentryVlanActionAuthor` (or
    /// `loopSentryVniActionAuthor`).
    static let defaultAuthor = "snmp"

    /// What one row's varbinds ask for.
    private struct RowChange {
        var action: (OperatorAction, Int)?
        var rising: (UInt32, Int)?
        var falling: (UInt32, Int)?
        var author: (String, Int)?
    }

    /// The row a varbind is about: a `loopSentryVlanTable` row or a `loopSentryVniTable` row,
    /// in OID order (the VLAN table comes first).
    private enum RowID: Hashable, Comparable {
        case vlan(VLANStatusKey)
        case vni(VNIIndex)

        static func < (a: RowID, b: RowID) -> Bool {
            switch (a, b) {
            case let (.vlan(x), .vlan(y)): x < y
            case let (.vni(x), .vni(y)): x < y
            case (.vlan, .vni): true
            case (.vni, .vlan): false
            }
        }

        /// The published row, if any.
        func row(in table: VLANStatusTable) -> VLANStatusRow? {
            switch self {
            case .vlan(let key): table.row(key)
            case .vni(let index): table.vniIndex(index).map { table.vniRows[$0] }
            }
        }

        /// The request for `change` on this row.
        func request(_ change: OperatorRequest.Change, author: String) -> OperatorRequest {
            switch self {
            case .vlan(let key): OperatorRequest(key: key, change: change, author: author)
            case .vni(let index): OperatorRequest(ifIndex: index.ifIndex, vni: VNI(masking: index.vni), change: change, author: author)
            }
        }
    }

    /// The writable column of either table a suffix names (a VNI column as the VLAN column of the
    /// same meaning: the rules are the same), and the index arcs after it; nil when not writable.
    private static func writableColumn(_ s: [UInt]) -> (LoopSentryMIB.Column, vni: Bool)? {
        guard s.count >= 3 else { return nil }
        if s[0...1] == LoopSentryMIB.entry[...], let column = LoopSentryMIB.Column(rawValue: s[2]), column.isWritable {
            return (column, false)
        }
        if s[0...1] == LoopSentryMIB.vniEntry[...], let column = LoopSentryMIB.VNIColumn(rawValue: s[2]), column.isWritable,
           let same = column.vlanColumn {
            return (same, true)
        }
        return nil
    }

    /// The requests `varbinds` make, at most one action and one threshold change per row,
    /// ordered by row (VLAN rows, then VNI rows); or the first rejection.
    static func validate(_ varbinds: [SetVarbind], against table: VLANStatusTable)
        -> Result<[OperatorRequest], SetRejection> {
        var changes: [RowID: RowChange] = [:]
        for (i, vb) in varbinds.enumerated() {
            let fail = { (status: SNMPErrorStatus) in Result<[OperatorRequest], SetRejection>.failure(.init(status: status, varbindIndex: i)) }
            let s = vb.suffix
            guard let (column, isVNI) = writableColumn(s) else { return fail(.notWritable) }
            var change = RowChange()
            switch (column, vb.value) {
            case (.risingThreshold, .gauge32(let v)):
                guard v >= 1 else { return fail(.wrongValue) }
                change.rising = (v, i)
            case (.fallingThreshold, .gauge32(let v)):
                change.falling = (v, i)
            case (.action, .integer(let v)):
                guard let action = OperatorAction(rawValue: Int(v)) else { return fail(.wrongValue) }
                change.action = (action, i)
            case (.actionAuthor, .octetString(let bytes)):
                guard bytes.count <= 64 else { return fail(.wrongLength) }
                guard let name = String(validating: bytes, as: UTF8.self) else { return fail(.wrongValue) }
                change.author = (name, i)
            default:
                return fail(.wrongType)
            }
            let id: RowID? = isVNI ? MIBView.vniIndex(s[3...]).map(RowID.vni) : MIBView.key(s[3...]).map(RowID.vlan)
            guard let id, id.row(in: table) != nil else { return fail(.noCreation) }
            var merged = changes[id] ?? RowChange()
            if let a = change.action { merged.action = a }
            if let r = change.rising { merged.rising = r }
            if let f = change.falling { merged.falling = f }
            if let a = change.author { merged.author = a }
            changes[id] = merged
        }
        var requests: [OperatorRequest] = []
        for (id, change) in changes.sorted(by: { $0.key < $1.key }) {
            guard let row = id.row(in: table) else { continue }
            let reject = { (index: Int) in Result<[OperatorRequest], SetRejection>.failure(.init(status: .inconsistentValue, varbindIndex: index)) }
            let author = change.author.map(\.0).flatMap { $0.isEmpty ? nil : $0 } ?? defaultAuthor
            if let (action, index) = change.action {
                guard action.acceptedStates.contains(row.state) else { return reject(index) }
                requests.append(id.request(.action(action), author: author))
            } else if let (_, index) = change.author, change.rising == nil, change.falling == nil {
                return reject(index)  // a name for no action
            }
            if change.rising != nil || change.falling != nil {
                let rising = change.rising?.0 ?? row.risingThreshold
                let falling = change.falling?.0 ?? row.fallingThreshold
                guard falling <= rising else { return reject(change.falling?.1 ?? change.rising!.1) }
                requests.append(id.request(.thresholds(rising: rising, falling: falling), author: author))
            }
        }
        return .success(requests)
    }
}
