import CNetSNMP
import LoopSentryCore

/// Answers the requests the master forwards: GET and GETNEXT from the published snapshot,
/// SET in phases (RESERVE1 validates, COMMIT hands each request to the handler once).
/// Agent thread only.
extension SNMPSubagent {
    typealias RequestList = UnsafeMutablePointer<netsnmp_request_info>

    func serve(_ reqinfo: UnsafeMutablePointer<netsnmp_agent_request_info>, _ first: RequestList?) {
        let mode = Int32(reqinfo.pointee.mode)
        switch mode {
        case LS_MODE_GET:
            let view = currentView()
            forEachRequest(first) { r in answer(reqinfo, r) { () throws(NetSNMPError) in try answerGet(r, view) } }
            return
        case LS_MODE_GETNEXT, LS_MODE_GETBULK:
            let view = currentView()
            forEachRequest(first) { r in answer(reqinfo, r) { () throws(NetSNMPError) in try answerGetNext(r, view) } }
            return
        default:
            break
        }
        let requests = sequence(first: first) { $0?.pointee.next }.compactMap { $0 }
            .filter { $0.pointee.processed == 0 && $0.pointee.requestvb != nil }
        let transaction = ls_request_transid(reqinfo)
        switch mode {
        case LS_MODE_SET_RESERVE1:
            let varbinds = requests.map { SetVarbind(suffix: suffix($0), value: SNMPValue($0.pointee.requestvb)) }
            let table = shared.withLock { $0.table }
            switch SetRequestValidator.validate(varbinds, against: table) {
            case .success(let ops):
                if !ops.isEmpty, shared.withLock({ $0.handler == nil }) {
                    netsnmp_set_request_error(reqinfo, requests[0], Int32(SNMPErrorStatus.resourceUnavailable.rawValue))
                } else {
                    pendingSets[transaction] = ops
                }
            case .failure(let rejection):
                netsnmp_set_request_error(reqinfo, requests[rejection.varbindIndex], Int32(rejection.status.rawValue))
            }
        case LS_MODE_SET_COMMIT:
            commit(pendingSets.removeValue(forKey: transaction) ?? [])
        case LS_MODE_SET_FREE, LS_MODE_SET_UNDO:
            pendingSets[transaction] = nil
        default:
            break  // RESERVE2, ACTION: nothing to allocate or apply before COMMIT
        }
    }

    /// Runs one answer; a library failure becomes genErr on that varbind and a log line.
    private func answer(_ reqinfo: UnsafeMutablePointer<netsnmp_agent_request_info>, _ r: RequestList,
                        _ body: () throws(NetSNMPError) -> Void) {
        do throws(NetSNMPError) {
            try body()
        } catch {
            configuration.log?(3, "LOOPSENTRY-MIB: \(error)")
            netsnmp_set_request_error(reqinfo, r, Int32(LS_SNMP_ERR_GENERR))
        }
    }

    /// The table and scalars as they are now.
    private func currentView() -> MIBView {
        shared.withLock { s in
            var scalars = s.scalars
            scalars.notifyQueued = UInt32(s.queue.count)
            return MIBView(table: s.table, scalars: scalars)
        }
    }

    /// Calls `body` for each unprocessed request of the list, without collecting them.
    private func forEachRequest(_ first: RequestList?, _ body: (RequestList) -> Void) {
        var next = first
        while let r = next {
            next = r.pointee.next
            if r.pointee.processed == 0 && r.pointee.requestvb != nil { body(r) }
        }
    }

    /// The request's OID relative to `loopSentryObjects` (empty if it is not below it).
    private func suffix(_ r: RequestList) -> [UInt] {
        let name = Self.name(r)
        guard name.starts(with: LoopSentryMIB.objects) else { return [] }
        return Array(name.dropFirst(LoopSentryMIB.objects.count))
    }

    /// The request's OID, in the varbind's own buffer.
    private static func name(_ r: RequestList) -> UnsafeBufferPointer<UInt> {
        let vb = r.pointee.requestvb!
        return UnsafeBufferPointer(start: vb.pointee.name, count: vb.pointee.name_length)
    }

    private func answerGet(_ r: RequestList, _ view: MIBView) throws(NetSNMPError) {
        let vb = r.pointee.requestvb!
        let name = Self.name(r)
        let objects = LoopSentryMIB.objects
        let found: MIBView.Found = compareOID(name.prefix(objects.count), objects) == 0
            ? view.find(UnsafeBufferPointer(rebasing: name[objects.count...])) : .noSuchObject
        switch found {
        case .found(let position): try store(position, view, in: vb)
        case .noSuchObject: try SNMPValue.other(LS_SNMP_NOSUCHOBJECT).store(in: vb)
        case .noSuchInstance: try SNMPValue.other(LS_SNMP_NOSUCHINSTANCE).store(in: vb)
        }
    }

    /// Answers a GETNEXT without allocating: the OID is compared in the varbind's buffer, the
    /// answer's OID built on the stack, a cell's value stored from the row as it is; `walkHint`
    /// spares the search when the request continues from the row answered last.
    private func answerGetNext(_ r: RequestList, _ view: MIBView) throws(NetSNMPError) {
        let vb = r.pointee.requestvb!
        let name = Self.name(r)
        let objects = LoopSentryMIB.objects
        var inclusive = r.pointee.inclusive != 0
        let start: UnsafeBufferPointer<UInt>
        let order = compareOID(name.prefix(objects.count), objects)
        if order == 0 && name.count >= objects.count {
            start = UnsafeBufferPointer(rebasing: name[objects.count...])
        } else if order <= 0 {
            (start, inclusive) = (UnsafeBufferPointer(start: nil, count: 0), true)
        } else {
            return try SNMPValue.other(LS_SNMP_ENDOFMIBVIEW).store(in: vb)
        }
        guard let position = view.locate(after: start, inclusive: inclusive, hint: &walkHint) else {
            return try SNMPValue.other(LS_SNMP_ENDOFMIBVIEW).store(in: vb)
        }
        try withUnsafeTemporaryAllocation(of: UInt.self, capacity: objects.count + 5) { (full) throws(NetSNMPError) in
            var n = 0
            for arc in objects { full[n] = arc; n += 1 }
            switch position {
            case .scalar(let scalar):
                for arc in scalar.suffix { full[n] = arc; n += 1 }
            case .cell(let column, let i):
                let key = view.table.rows[i].key
                full[n] = LoopSentryMIB.tableArc
                full[n + 1] = 1
                full[n + 2] = column.rawValue
                full[n + 3] = UInt(key.ifIndex)
                full[n + 4] = UInt(key.vlan.value)
                n += 5
            case .vniCell(let column, let i):
                let row = view.table.vniRows[i]
                full[n] = LoopSentryMIB.vniTableArc
                full[n + 1] = 1
                full[n + 2] = column.rawValue
                full[n + 3] = UInt(row.key.ifIndex)
                full[n + 4] = UInt(row.vni?.value ?? 0)
                n += 5
            }
            let length = n
            try netSNMPCall("snmp_set_var_objid", failed: { $0 != 0 }) { snmp_set_var_objid(vb, full.baseAddress, length) }
        }
        try store(position, view, in: vb)
    }

    /// Stores the value at `position` (a cell straight from its row).
    private func store(_ position: MIBPosition, _ view: MIBView, in vb: UnsafeMutablePointer<netsnmp_variable_list>) throws(NetSNMPError) {
        switch position {
        case .scalar(let scalar): try view.value(scalar).store(in: vb)
        case .cell(let column, let i): try MIBView.cell(column, view.table.rows[i])?.store(in: vb)
        case .vniCell(let column, let i): try MIBView.cell(column, view.table.vniRows[i])?.store(in: vb)
        }
    }

    /// Hands each accepted request to the handler exactly once and shows the outcome in the
    /// row at once (the daemon's next snapshot carries it from then on).
    private func commit(_ requests: [OperatorRequest]) {
        guard let handler = shared.withLock({ $0.handler }) else { return }
        for request in requests {
            let result = handler.handle(request)
            shared.withLock { s in
                s.table.update(request) { row in
                    switch request.change {
                    case .action(let action):
                        row.lastAction = action
                        row.lastActionAuthor = request.author
                        row.lastActionResult = result.message
                    case .thresholds(let rising, let falling) where result.accepted:
                        row.risingThreshold = rising
                        row.fallingThreshold = falling
                    case .thresholds:
                        break
                    }
                }
            }
        }
    }
}
