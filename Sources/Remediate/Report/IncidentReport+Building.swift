import Foundation

extension IncidentReport {
    /// The report of `tenant`'s incidents opened in `since ..< until`, from `rows` (rows of other
    /// tenants, incidents and times are ignored). Each incident's whole history in `rows` counts,
    /// also what happened after `until`.
    public init(tenant: String, since: Date, until: Date, rows: JournalRows) {
        self.tenant = tenant
        self.since = since
        self.until = until
        let chosen = rows.incidents.filter { $0.tenant == tenant && $0.openedAt >= since && $0.openedAt < until }
            .sorted { ($0.openedAt, $0.id) < ($1.openedAt, $1.id) }
        let transitions = Dictionary(grouping: rows.transitions, by: \.incidentID)
        let actions = Dictionary(grouping: rows.actions.filter { $0.incidentID != nil }, by: { $0.incidentID! })
        let runs = Dictionary(grouping: rows.runs, by: \.incidentID)
        incidents = chosen.map { i in
            Entry(incident: i, transitions: transitions[i.id] ?? [], actions: actions[i.id] ?? [], runs: runs[i.id] ?? [])
        }
    }
}

extension IncidentReport.Entry {
    /// The entry of incident `i` from its transitions (journal order), actions and runs.
    ///
    /// Intervals, from state changes only (notes, with from = to, are skipped):
    /// - detect: the first transition to `detected` (the detector's verdict) → the first after it
    ///   from `detected` to `pendingAck` or `cutting` (the incident opened to its policy);
    /// - acknowledge: the first transition to `pendingAck` → the first `pendingAck → cutting`
    ///   after it, when an operator caused it (cause `operator …`), not the deadline or hard limit;
    /// - cut: the first transition to `cutting` → the first to `cut` after it (verified);
    /// - restore: the first transition to `cut` → the first `restoring → normal` after it.
    init(incident i: JournalIncident, transitions: [JournalTransition], actions: [JournalAction], runs: [JournalRun]) {
        let moves = transitions.filter { $0.from != $0.to }
        var intervals: [IncidentReport.Interval: Double] = [:]
        /// The time from the first move matching `start` to the first after it matching `end`.
        func measure(_ interval: IncidentReport.Interval, start: (JournalTransition) -> Bool,
                     end: (JournalTransition) -> Bool) {
            guard let s = moves.firstIndex(where: start),
                  let e = moves[(s + 1)...].firstIndex(where: end) else { return }
            intervals[interval] = moves[e].at.timeIntervalSince(moves[s].at)
        }
        measure(.detect, start: { $0.to == "detected" },
                end: { $0.from == "detected" && ["pendingAck", "cutting"].contains($0.to) })
        measure(.acknowledge, start: { $0.to == "pendingAck" },
                end: { $0.from == "pendingAck" && $0.to == "cutting" && $0.cause.hasPrefix("operator ") })
        measure(.cut, start: { $0.to == "cutting" }, end: { $0.to == "cut" })
        measure(.restore, start: { $0.to == "cut" }, end: { $0.from == "restoring" && $0.to == "normal" })
        self.init(id: i.id, interface: i.interface, vlan: i.vlan, inner: i.inner, policy: i.policy, openedAt: i.openedAt,
                  closedAt: i.state == "normal" ? moves.last(where: { $0.to == "normal" })?.at : nil,
                  finalState: i.state, cutCause: moves.first(where: { $0.to == "cutting" })?.cause,
                  intervals: intervals, actions: actions, runs: runs)
    }
}
