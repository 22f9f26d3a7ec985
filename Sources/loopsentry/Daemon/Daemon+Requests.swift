import Foundation
import LoopSentryCore
import Remediate
import Sensor

extension Daemon {
    /// Answers queued requests and takes finished playbook runs into the incidents.
    func drainRequests(now: UInt64) -> [IncidentAction] {
        var actions: [IncidentAction] = []
        for item in queue.drain() {
            switch item {
            case let .control(request, via, reply):
                let (response, more) = handleControl(request, via: via, now: now)
                actions += more
                reply.fill(response)
            case let .snmp(request, reply):
                let (response, more) = handleSNMP(request, now: now)
                actions += more
                reply.fill(response)
            case let .batchFinished(id, runs, outcome):
                actions += batchFinished(id: id, runs: runs, outcome, now: now)
            case let .jobFailed(key, work, attempt, reason):
                log.write("cutFinished", interface: key.interface, vlan: Int(key.outer.value), detail: "\(work) failed: \(reason)",
                          at: MonotonicClock.nanos())
                switch work {
                case .cut: actions += book.cutFinished(key, attempt: attempt, success: false, detail: reason, at: now)
                case .restore: actions += book.restoreFinished(key, success: false, detail: reason, at: now)
                case .persist: break
                }
            }
        }
        return actions
    }

    func handleControl(_ r: ControlRequest, via: String, now: UInt64) -> (ControlResponse, [IncidentAction]) {
        switch r.op {
        case .status:
            let rows = board.sortedRows.map { row in
                var r = ControlStatusRow(interface: row.ifName, vlan: Int(row.key.vlan.value), tenant: row.tenant,
                                 policy: row.policy.description, state: row.state.description,
                                 broadcastPerSecond: Double(row.broadcastRate), framesPerSecond: Double(row.frameRate),
                                 risingThreshold: Double(row.risingThreshold),
                                 incident: book.machines[DetectionKey(interface: row.ifName, vlan: row.key.vlan)]?.incidentID,
                                 lastAction: row.lastAction.map { "\($0) by \(row.lastActionAuthor): \(row.lastActionResult)" } ?? "")
                r.framesTotal = row.counters.frames
                return r
            }
            let open = book.machines.count
            return (ControlResponse(ok: true, message: "loopsentry: \(pipelines.count) interface(s), \(open) open incident(s)",
                                    rows: rows), [])
        case .ack, .dismiss, .restore:
            let action: OperatorAction = r.op == .ack ? .acknowledgeCut : r.op == .dismiss ? .dismiss : .restore
            return perform(action, interface: r.interface ?? "", vlan: r.vlan ?? 0, author: r.by ?? "cli", via: via, now: now)
        }
    }

    func handleSNMP(_ r: OperatorRequest, now: UInt64) -> (ControlResponse, [IncidentAction]) {
        guard let ifName = board.interfaceName(ifIndex: r.key.ifIndex) else {
            return (ControlResponse(ok: false, message: "no interface with ifIndex \(r.key.ifIndex)"), [])
        }
        switch r.change {
        case let .action(action):
            return perform(action, interface: ifName, vlan: Int(r.key.vlan.value), author: r.author, via: "snmp", now: now)
        case let .thresholds(rising, falling):
            return setThresholds(interface: ifName, vlan: r.key.vlan, rising: Double(rising), falling: Double(falling),
                                 author: r.author)
        }
    }

    func perform(_ action: OperatorAction, interface: String, vlan: Int, author: String, via: String,
                 now: UInt64) -> (ControlResponse, [IncidentAction]) {
        guard let v = VLANID(vlan), pipeline(for: interface) != nil else {
            let msg = "interface \(interface) is not watched by this daemon"
            record(action, interface: interface, vlan: vlan, author: author, via: via, accepted: false, result: msg, incident: nil)
            return (ControlResponse(ok: false, message: msg), [])
        }
        let key = DetectionKey(interface: interface, vlan: v)
        let incident = book.machines[key]?.incidentID
        switch book.perform(action, on: key, by: author, via: via, at: now) {
        case let .success(actions):
            let msg = "\(action) accepted for VLAN \(vlan) on \(interface)" + (incident.map { " (incident \($0))" } ?? "")
            record(action, interface: interface, vlan: vlan, author: author, via: via, accepted: true, result: msg, incident: incident)
            board.setAction(interface: interface, vlan: v, action, author: author, result: "accepted", at: Self.wallNow())
            return (ControlResponse(ok: true, message: msg), actions)
        case let .failure(refusal):
            record(action, interface: interface, vlan: vlan, author: author, via: via, accepted: false, result: refusal.message,
                   incident: incident)
            board.setAction(interface: interface, vlan: v, action, author: author, result: refusal.message, at: Self.wallNow())
            return (ControlResponse(ok: false, message: refusal.message), [])
        }
    }

    func record(_ action: OperatorAction, interface: String, vlan: Int, author: String, via: String, accepted: Bool,
                result: String, incident: UInt64?) {
        try? journal.recordAction(JournalAction(incidentID: incident, at: Date(), interface: interface, vlan: vlan,
                                                action: action.description, author: author, via: via,
                                                accepted: accepted, result: result))
        if let v = VLANID(vlan) {
            let key = DetectionKey(interface: interface, vlan: v)
            for case let sink as SyslogSink in sinks {
                sink.action(action, interface: interface, vlan: v, tenant: tenantName(key), state: book.incidentState(for: key),
                            incident: incident, author: "\(author) via \(via)", result: result)
            }
        }
        log.write("operatorAction", interface: interface, vlan: vlan, incident: incident,
                  detail: "\(action) \(accepted ? "accepted" : "refused"): \(result)", author: "\(author) via \(via)",
                  at: MonotonicClock.nanos())
    }

    /// An operator's new thresholds for one VLAN: a runtime override (not written to the file).
    func setThresholds(interface: String, vlan: VLANID, rising: Double, falling: Double,
                       author: String) -> (ControlResponse, [IncidentAction]) {
        var policy = book.detection
        var iface = policy.interfaces[interface] ?? InterfaceDetectionPolicy()
        var t = policy.thresholds(interface: interface, vlan: vlan)
        t.broadcast = RateThreshold(rising: rising, falling: falling)
        iface.overrides.removeAll { $0.vlans == VLANSet([vlan...vlan]) }
        for i in iface.overrides.indices { iface.overrides[i].vlans = iface.overrides[i].vlans.removing(vlan) }
        iface.overrides.append(VLANThresholdOverride(vlans: VLANSet([vlan...vlan]), thresholds: t))
        policy.interfaces[interface] = iface
        if let e = policy.validationErrors().first {
            return (ControlResponse(ok: false, message: e.description), [])
        }
        book.detection = policy
        pipeline(for: interface)?.setPolicy(policy)
        board.setThresholds(interface: interface, vlan: vlan, rising: rising, falling: falling, at: Self.wallNow())
        log.write("thresholds", interface: interface, vlan: Int(vlan.value), detail: "rising \(Int(rising)) falling \(Int(falling))",
                  author: "\(author) via snmp", at: MonotonicClock.nanos())
        return (ControlResponse(ok: true, message: "thresholds of VLAN \(vlan) on \(interface): rising \(Int(rising)), falling \(Int(falling))"), [])
    }
}
