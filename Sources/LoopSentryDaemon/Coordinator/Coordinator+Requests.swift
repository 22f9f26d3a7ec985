import Foundation
import LoopSentryConfig
import LoopSentryCore
import Remediate

/// Operator requests: status, acknowledge, dismiss, restore, thresholds.
extension Coordinator {
    /// The status of every row, as `loopsentry status` shows it.
    public func status(interfaces: Int) -> ControlResponse {
        let rows = board.sortedRows.map { row in
            let key = DetectionKey(interface: row.ifName, segment: row.segment)
            var r = ControlStatusRow(interface: row.ifName, vlan: Int(row.key.vlan.value), tenant: row.tenant,
                                     policy: row.policy.description, state: row.state.description,
                                     broadcastPerSecond: Double(row.broadcastRate), framesPerSecond: Double(row.frameRate),
                                     risingThreshold: Double(row.risingThreshold),
                                     incident: book.machines[key]?.incidentID,
                                     lastAction: row.lastAction.map { "\($0) by \(row.lastActionAuthor): \(row.lastActionResult)" } ?? "")
            r.framesTotal = row.counters.frames
            r.segment = row.segment.kind.rawValue
            r.vni = row.vni.map { Int($0.value) }
            return r
        }
        return ControlResponse(ok: true, message: "loopsentry: \(interfaces) interface(s), \(book.machines.count) open incident(s)",
                               rows: rows)
    }

    /// An operator's request: the answer, and the effects of carrying it out.
    public mutating func request(_ command: OperatorCommand, now: UInt64, wall: UTCTimestamp) -> (ControlResponse, [Effect]) {
        switch command {
        case let .action(action, interface, vlan, author, via):
            let (response, actions, more) = perform(action, interface: interface, vlan: vlan, author: author, via: via, now: now, wall: wall)
            return (response, more + carryOut(actions, now: now, wall: wall) + service(now: now, wall: wall))
        case let .vniAction(action, interface, vni, author, via):
            let (response, actions, more) = perform(action, interface: interface, vlan: 0, vni: vni, author: author, via: via,
                                                    now: now, wall: wall)
            return (response, more + carryOut(actions, now: now, wall: wall) + service(now: now, wall: wall))
        case let .thresholds(interface, vlan, rising, falling, author, via):
            return setThresholds(DetectionKey(interface: interface, vlan: vlan), rising: rising, falling: falling,
                                 author: "\(author) via \(via)", now: now, wall: wall)
        case let .vniThresholds(interface, vni, rising, falling, author, via):
            return setThresholds(DetectionKey(interface: interface, segment: .vni(vni)), rising: rising, falling: falling,
                                 author: "\(author) via \(via)", now: now, wall: wall)
        }
    }

    /// An operator's action on a VLAN, or on VNI `vni` when given (then `vlan` is 0, as the journal stores it).
    mutating func perform(_ action: OperatorAction, interface: String, vlan: Int, vni: Int? = nil, author: String, via: String,
                          now: UInt64, wall: UTCTimestamp) -> (ControlResponse, [IncidentAction], [Effect]) {
        let segment: Segment? = if let vni { VNI(vni).map(Segment.vni) }
            else { VLANID.validRange.contains(vlan) ? VLANID(vlan).map(Segment.vlan) : nil }
        let outOfRange = vni.map { "VNI \($0) is out of range (1-16777215)" } ?? "VLAN \(vlan) is out of range (1-4094)"
        let notWatched = board.watches(interface) ? nil : "interface \(interface) is not watched by this daemon"
        guard let segment, notWatched == nil else {
            let msg = notWatched ?? outOfRange
            let effects = record(action, interface: interface, vlan: vlan, author: author, via: via, accepted: false, result: msg,
                                 incident: nil, now: now, wall: wall)
            return (ControlResponse(ok: false, message: msg), [], effects)
        }
        let key = DetectionKey(interface: interface, segment: segment)
        let incident = book.machines[key]?.incidentID
        switch book.perform(action, on: key, by: author, via: via, at: now) {
        case let .success(actions):
            let msg = "\(action) accepted for \(vni.map { "VNI \($0)" } ?? "VLAN \(vlan)") on \(interface)" + (incident.map { " (incident \($0))" } ?? "")
            board.setAction(key, action, author: author, result: "accepted", at: wall)
            let effects = record(action, interface: interface, vlan: vlan, key: key, author: author, via: via, accepted: true, result: msg,
                                 incident: incident, now: now, wall: wall)
            return (ControlResponse(ok: true, message: msg), actions, effects + [.publish])
        case let .failure(refusal):
            board.setAction(key, action, author: author, result: refusal.message, at: wall)
            let effects = record(action, interface: interface, vlan: vlan, key: key, author: author, via: via, accepted: false,
                                 result: refusal.message, incident: incident, now: now, wall: wall)
            return (ControlResponse(ok: false, message: refusal.message), [], effects + [.publish])
        }
    }

    /// The journal row, the syslog ACTION message and the event log line of an operator action.
    func record(_ action: OperatorAction, interface: String, vlan: Int, key: DetectionKey? = nil, author: String, via: String,
                accepted: Bool, result: String, incident: UInt64?, now: UInt64, wall: UTCTimestamp) -> [Effect] {
        let date = Date(timeIntervalSince1970: Double(wall.millisecondsSince1970) / 1000)
        var effects: [Effect] = [.journal([.action(JournalAction(
            incidentID: incident, at: date, interface: interface, vlan: vlan, action: action.description, author: author,
            via: via, accepted: accepted, result: result))])]
        if let key = key ?? VLANID(vlan).map({ DetectionKey(interface: interface, vlan: $0) }) {
            effects.append(.operatorAction(OperatorActionNotice(
                action: action, key: key, tenant: policy.tenantName(key), state: book.incidentState(for: key), incident: incident,
                author: "\(author) via \(via)", result: result)))
        }
        var event = EventRecord("operatorAction", at: now, interface: interface, vlan: vlan, incident: incident,
                                detail: "\(action) \(accepted ? "accepted" : "refused"): \(result)", author: "\(author) via \(via)")
        if let vni = key?.vni {
            event.vlan = nil
            event.vni = Int(vni.value)
        }
        effects.append(.record(event))
        return effects
    }

    /// An operator's new broadcast thresholds for one VLAN or VNI: a runtime override (not written to the file).
    mutating func setThresholds(_ key: DetectionKey, rising: Double, falling: Double, author: String,
                                now: UInt64, wall: UTCTimestamp) -> (ControlResponse, [Effect]) {
        guard board.watches(key.interface) else {
            return (ControlResponse(ok: false, message: "interface \(key.interface) is not watched by this daemon"), [])
        }
        if let refusal = policy.setBroadcastThresholds(key, rising: rising, falling: falling) {
            return (ControlResponse(ok: false, message: refusal), [])
        }
        board.setThresholds(key, rising: rising, falling: falling, at: wall)
        let record = EventRecord("thresholds", key: key, at: now, detail: "rising \(Int(rising)) falling \(Int(falling))", author: author)
        return (ControlResponse(ok: true, message: "thresholds of \(key.segment) on \(key.interface): rising \(Int(rising)), falling \(Int(falling))"),
                [.record(record), .publish])
    }
}
