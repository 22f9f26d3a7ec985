import Foundation
import LoopSentryCore
import Remediate
import Sensor

extension Daemon {
    /// Carries out incident actions in order. Every transition of the list is journaled first,
    /// in one transaction (with each incident's snapshot), before any other action runs, so a
    /// crash never loses a started cut.
    func carryOut(_ actions: [IncidentAction]) throws {
        // Not journaled when the disk is full: the alarm is up (journalHealth), the incidents go on.
        let transitions = actions.compactMap { if case let .journal(t) = $0.action { t } else { nil } }
        if !transitions.isEmpty { journaled { try journalTransitions(transitions) } }
        for a in actions {
            let key = a.key
            let vlan = Int(key.outer.value)
            switch a.action {
            case let .journal(t):
                if t.to == .cut && t.from == .cutting { persistIfConfigured(key, incident: t.incident, .cut) }
                board.setState(interface: key.interface, vlan: key.outer, t.to, at: Self.wallNow())
                statesChanged = true
                log.write("transition", interface: key.interface, vlan: vlan, tenant: tenantName(key), state: t.to.description,
                          incident: t.incident, detail: "\(t.from) → \(t.to): \(t.cause)\(t.detail.isEmpty ? "" : " — \(t.detail)")",
                          at: t.at)
            case let .notify(kind, author, detail):
                notify(kind, key: key, incident: a.incident, author: author, detail: detail)
            case let .runCut(attempt):
                submit(.cut, key: key, incident: a.incident, attempt: attempt)
            case .runRestore:
                submit(.restore, key: key, incident: a.incident)
            case .verify, .scheduleTick:
                break   // every poll feeds each open incident its rate and ticks the book
            case let .suppressDetection(until):
                pipeline(for: key.interface)?.suppress(key, until: until)
            case .rearmDetection:
                pipeline(for: key.interface)?.rearm(key)
            }
        }
    }

    func tenantName(_ key: DetectionKey) -> String {
        config.tenant(interface: key.interface, vlan: key.outer)?.name ?? ""
    }

    /// Journals `transitions` in one transaction: new incidents opened, each transition with the
    /// incident's snapshot as the book now holds it.
    func journalTransitions(_ transitions: [Transition]) throws {
        guard !transitions.isEmpty else { return }
        let wall = Date()
        let involved = Set(transitions.map(\.incident))
        var snapshots: [UInt64: Data] = [:]
        for s in book.snapshots(now: MonotonicClock.nanos(), wallNow: Self.wallNow()) where involved.contains(s.incident) {
            snapshots[s.incident] = try JSONEncoder().encode(s)
        }
        var writes: [Journal.Write] = []
        var opened: Set<UInt64> = []
        for t in transitions {
            let data = snapshots[t.incident]
            if !knownIncidents.contains(t.incident) && !opened.contains(t.incident) {
                opened.insert(t.incident)
                let tenant = config.tenant(interface: t.key.interface, vlan: t.key.outer)
                writes.append(.openIncident(JournalIncident(
                    id: t.incident, interface: t.key.interface, vlan: Int(t.key.outer.value), inner: t.key.inner.map { Int($0.value) },
                    tenant: tenant?.name ?? "", policy: (tenant?.policy ?? .alarm).description, openedAt: wall,
                    state: t.from.description, snapshot: data)))
            }
            writes.append(.transition(incident: t.incident, at: wall, from: t.from.description, to: t.to.description,
                                      cause: t.cause, detail: t.detail, snapshot: data, closed: t.to == .normal))
        }
        try journal.write(writes)
        knownIncidents.formUnion(opened)   // only once their rows are written
    }

    func notify(_ kind: NOCNotificationKind, key: DetectionKey, incident: UInt64, author: String, detail: String) {
        guard let statusKey = board.key(interface: key.interface, vlan: key.outer), var row = board.rows[statusKey] else { return }
        row.lastActionAuthor = author
        row.lastActionResult = detail
        let n = NOCNotification(kind: kind, row: row)
        log.write("notification", interface: key.interface, vlan: Int(key.outer.value), tenant: row.tenant,
                  state: row.state.description, incident: incident, rate: Double(row.broadcastRate),
                  threshold: Double(row.risingThreshold), detail: "\(kind): \(detail)", author: author, at: MonotonicClock.nanos())
        for s in sinks { s.notify(n, incident: incident, detail: detail) }
    }

    /// Re-opens the journal's open incidents in the book and carries out their resume actions.
    func resumeIncidents() throws {
        let open = try journal.openIncidents()
        let snapshots = open.compactMap { i in i.snapshot.flatMap { try? JSONDecoder().decode(IncidentSnapshot.self, from: $0) } }
        for i in open { knownIncidents.insert(i.id) }
        guard !snapshots.isEmpty else { return }
        let still = LeftoverPlaybooks.wait(timeout: 300) { log.write("waitingForPlaybook", detail: $0, at: MonotonicClock.nanos()) }
        if !still.isEmpty {
            log.write("waitingForPlaybook", detail: "still running after 300 s, resuming anyway: pid \(still)", at: MonotonicClock.nanos())
        }
        log.write("resumed", detail: "\(snapshots.count) open incident(s) from the journal", at: MonotonicClock.nanos())
        let actions = book.resume(snapshots, now: MonotonicClock.nanos(), wallNow: Self.wallNow())
        for s in snapshots {
            if let key = s.key {
                board.setState(interface: key.interface, vlan: key.outer, book.incidentState(for: key), at: Self.wallNow())
            }
        }
        try carryOut(actions)
        for s in snapshots where s.phase == .cut {
            guard let key = s.key, let (_, r) = target(key), r.persist, (try? journal.needsPersistence(incident: s.incident)) == true
            else { continue }
            nativeDone[s.incident] = .cut
            log.write("persistPending", interface: key.interface, vlan: Int(key.outer.value), incident: s.incident,
                      detail: "a native cut was not yet saved by \(r.playbook ?? "-"): running it now", at: MonotonicClock.nanos())
            persistIfConfigured(key, incident: s.incident, .cut)
        }
        try startBatches()
    }
}
