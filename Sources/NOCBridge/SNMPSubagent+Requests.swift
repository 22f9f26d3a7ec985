import CNetSNMP
import LoopSentryCore

/// Answers the requests the master forwards: GET and GETNEXT from the published snapshot,
/// SET in phases (RESERVE1 validates, COMMIT hands each request to the handler once).
/// Agent thread only.
extension SNMPSubagent {
    typealias RequestList = UnsafeMutablePointer<netsnmp_request_info>

    func serve(_ reqinfo: UnsafeMutablePointer<netsnmp_agent_request_info>, _ first: RequestList?) {
        let requests = sequence(first: first) { $0?.pointee.next }.compactMap { $0 }
            .filter { $0.pointee.processed == 0 && $0.pointee.requestvb != nil }
        let mode = Int32(reqinfo.pointee.mode)
        let transaction = ls_request_transid(reqinfo)
        switch mode {
        case LS_MODE_GET:
            let view = currentView()
            for r in requests { answer(reqinfo, r) { () throws(NetSNMPError) in try answerGet(r, view) } }
        case LS_MODE_GETNEXT, LS_MODE_GETBULK:
            let view = currentView()
            for r in requests { answer(reqinfo, r) { () throws(NetSNMPError) in try answerGetNext(r, view) } }
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

    /// The request's OID relative to `loopSentryObjects` (empty if it is not below it).
    private func suffix(_ r: RequestList) -> [UInt] {
        let vb = r.pointee.requestvb!
        let name = Array(UnsafeBufferPointer(start: vb.pointee.name, count: vb.pointee.name_length))
        guard name.starts(with: LoopSentryMIB.objects) else { return [] }
        return Array(name.dropFirst(LoopSentryMIB.objects.count))
    }

    private func answerGet(_ r: RequestList, _ view: MIBView) throws(NetSNMPError) {
        let vb = r.pointee.requestvb!
        switch view.get(suffix(r)[...]) {
        case .value(let v): try v.store(in: vb)
        case .noSuchObject: try SNMPValue.other(LS_SNMP_NOSUCHOBJECT).store(in: vb)
        case .noSuchInstance: try SNMPValue.other(LS_SNMP_NOSUCHINSTANCE).store(in: vb)
        }
    }

    private func answerGetNext(_ r: RequestList, _ view: MIBView) throws(NetSNMPError) {
        let vb = r.pointee.requestvb!
        let name = Array(UnsafeBufferPointer(start: vb.pointee.name, count: vb.pointee.name_length))
        let start: [UInt]
        var inclusive = r.pointee.inclusive != 0
        if name.starts(with: LoopSentryMIB.objects) {
            start = Array(name.dropFirst(LoopSentryMIB.objects.count))
        } else if compareOID(name, LoopSentryMIB.objects) < 0 {
            (start, inclusive) = ([], true)
        } else {
            return try SNMPValue.other(LS_SNMP_ENDOFMIBVIEW).store(in: vb)
        }
        guard let (found, value) = view.next(after: start[...], inclusive: inclusive) else {
            return try SNMPValue.other(LS_SNMP_ENDOFMIBVIEW).store(in: vb)
        }
        let full = LoopSentryMIB.objects + found
        try netSNMPCall("snmp_set_var_objid", failed: { $0 != 0 }) {
            full.withUnsafeBufferPointer { snmp_set_var_objid(vb, $0.baseAddress, $0.count) }
        }
        try value.store(in: vb)
    }

    /// Hands each accepted request to the handler exactly once and shows the outcome in the
    /// row at once (the daemon's next snapshot carries it from then on).
    private func commit(_ requests: [OperatorRequest]) {
        guard let handler = shared.withLock({ $0.handler }) else { return }
        for request in requests {
            let result = handler.handle(request)
            shared.withLock { s in
                s.table.update(request.key) { row in
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
