import Foundation
import LoopSentryConfig
import LoopSentryCore
import Remediate

extension Coordinator {
    /// Turns incident actions into effects, in order. Every transition of the list is journaled
    /// first, in one write (with each incident's snapshot), before any other effect, so a crash
    /// never loses a started cut. `cause` is the detection event that led to them, if any: a
    /// notification carries that event's own figures.
    mutating func carryOut(_ actions: [IncidentAction], cause: DetectionEvent? = nil, now: UInt64, wall: UTCTimestamp) -> [Effect] {
        var effects: [Effect] = []
        let transitions = actions.compactMap { if case let .journal(t) = $0.action { t } else { nil } }
        if !transitions.isEmpty { effects.append(.journal(journalRows(transitions, now: now, wall: wall))) }
        for a in actions {
            let key = a.key
            switch a.action {
            case let .journal(t):
                if t.to == .cut && t.from == .cutting { persistIfConfigured(key, incident: t.incident, .cut, now: now) }
                board.setState(key, t.to, at: wall)
                effects.append(.publish)
                var r = EventRecord("transition", key: key, at: t.at, tenant: policy.tenantName(key), state: t.to.description,
                                    incident: t.incident,
                                    detail: "\(t.from) → \(t.to): \(t.cause)\(t.detail.isEmpty ? "" : " — \(t.detail)")")
                r.from = t.from.description
                effects.append(.record(r))
            case let .notify(kind, author, detail):
                effects += notify(kind, key: key, incident: a.incident, author: author, detail: detail, cause: cause, now: now)
            case let .runCut(attempt):
                submit(.cut, key: key, incident: a.incident, attempt: attempt, now: now)
            case .runRestore:
                submit(.restore, key: key, incident: a.incident, now: now)
            case let .scheduleTick(at):
                effects.append(.wake(at: at))
            case let .suppressDetection(until):
                detectors[key.interface]?.detector.suppress(key, until: until)
            case .rearmDetection:
                detectors[key.interface]?.detector.reset(key)
            }
        }
        return effects
    }

    /// The journal rows of `transitions`: new incidents opened, each transition with the
    /// incident's snapshot as the book now holds it.
    func journalRows(_ transitions: [Transition], now: UInt64, wall: UTCTimestamp) -> [Journal.Write] {
        let date = Date(timeIntervalSince1970: Double(wall.millisecondsSince1970) / 1000)
        let involved = Set(transitions.map(\.incident))
        var snapshots: [UInt64: Data] = [:]
        let encoder = JSONEncoder()
        for s in book.snapshots(now: now, wallNow: wall) where involved.contains(s.incident) {
            snapshots[s.incident] = try? encoder.encode(s)
        }
        var writes: [Journal.Write] = []
        var opened: Set<UInt64> = []
        for t in transitions {
            let data = snapshots[t.incident]
            if !knownIncidents.contains(t.incident) && !opened.contains(t.incident) {
                opened.insert(t.incident)
                let tenant = policy.tenant(t.key)?.config
                writes.append(.openIncident(JournalIncident(
                    id: t.incident, interface: t.key.interface, vlan: t.key.outer.map { Int($0.value) } ?? 0,
                    inner: t.key.inner.map { Int($0.value) }, vni: t.key.vni.map { Int($0.value) },
                    tenant: tenant?.name ?? "", policy: (tenant?.policy ?? .alarm).description, openedAt: date,
                    state: t.from.description, snapshot: data)))
            }
            writes.append(.transition(incident: t.incident, at: date, from: t.from.description, to: t.to.description,
                                      cause: t.cause, detail: t.detail, snapshot: data, closed: t.to == .normal))
        }
        return writes
    }

    /// A notification about `key` with the row's figures, or the detection event's own when it
    /// is the storm that caused it (a multicast storm reports the multicast rate and threshold).
    func notify(_ kind: NOCNotificationKind, key: DetectionKey, incident: UInt64, author: String, detail: String,
                cause: DetectionEvent?, now: UInt64) -> [Effect] {
        guard var row = board.row(key) else { return [] }
        row.lastActionAuthor = author
        row.lastActionResult = detail
        var n = NOCNotification(kind: kind, row: row)
        var rate = Double(row.broadcastRate)
        var threshold = Double(row.risingThreshold)
        if case let .stormDetected(_, storm, eventRate, eventThreshold, _)? = cause, kind == .stormDetected {
            n.storm = storm
            rate = eventRate
            threshold = eventThreshold
            switch storm {
            case .broadcast:
                n.broadcastRate = VLANStatusRow.gauge(eventRate)
                n.risingThreshold = VLANStatusRow.gauge(eventThreshold)
            case .multicast:
                n.multicastRate = VLANStatusRow.gauge(eventRate)
                n.multicastThreshold = VLANStatusRow.gauge(eventThreshold)
            }
        }
        var r = EventRecord("notification", key: key, at: now, tenant: row.tenant, state: row.state.description, incident: incident,
                            rate: rate.rounded(), threshold: threshold, detail: "\(kind): \(detail)", author: author)
        r.notification = kind.description
        if kind == .stormDetected { r.storm = n.storm.rawValue }
        return [.record(r), .notify(n, incident: incident, detail: detail)]
    }
}
