import Foundation

extension IncidentReport {
    /// The report as one JSON object with sorted keys, schema `loopsentry-report/1`
    /// (docs/report.md): times ISO 8601 UTC with milliseconds, durations in seconds, and every
    /// key always present (`null` when unknown).
    public func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(JSONReport(self))) ?? Data()
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}

/// The JSON shape of a report; keys in snake_case as in `monitor --json`.
private struct JSONReport: Encodable {
    let report: IncidentReport

    init(_ report: IncidentReport) { self.report = report }

    enum Key: String, CodingKey {
        case schema, tenant, since, until, incidents, totals, count, by_final_state, intervals
        case id, interface, vlan, inner, policy, opened, closed, final_state, cut_cause, actions, runs
        case at, action, author, via, accepted, result
        case started, finished, driver, playbook, attempt, succeeded, changed, timed_out
        case samples, median, p95, max, p95_is_max
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        try c.encode("loopsentry-report/1", forKey: .schema)
        try c.encode(report.tenant, forKey: .tenant)
        try c.encode(ReportDate.format(report.since), forKey: .since)
        try c.encode(ReportDate.format(report.until), forKey: .until)
        var list = c.nestedUnkeyedContainer(forKey: .incidents)
        for e in report.incidents { try Self.encode(e, into: list.nestedContainer(keyedBy: Key.self)) }
        var totals = c.nestedContainer(keyedBy: Key.self, forKey: .totals)
        try totals.encode(report.incidents.count, forKey: .count)
        try totals.encode(report.byFinalState, forKey: .by_final_state)
        var stats = totals.nestedContainer(keyedBy: IntervalKey.self, forKey: .intervals)
        for interval in IncidentReport.Interval.allCases {
            let s = report.statistics(interval)
            var one = stats.nestedContainer(keyedBy: Key.self, forKey: IntervalKey(interval))
            try one.encode(s?.samples ?? 0, forKey: .samples)
            try one.encode(s.map { Self.seconds($0.median) }, forKey: .median)
            try one.encode(s.map { Self.seconds($0.p95) }, forKey: .p95)
            try one.encode(s.map { Self.seconds($0.max) }, forKey: .max)
            try one.encode(s?.p95IsMax ?? true, forKey: .p95_is_max)
        }
    }

    static func encode(_ e: IncidentReport.Entry, into c: KeyedEncodingContainer<Key>) throws {
        var c = c
        try c.encode(e.id, forKey: .id)
        try c.encode(e.interface, forKey: .interface)
        try c.encode(e.vlan, forKey: .vlan)
        try c.encode(e.inner, forKey: .inner)
        try c.encode(e.policy, forKey: .policy)
        try c.encode(ReportDate.format(e.openedAt), forKey: .opened)
        try c.encode(e.closedAt.map(ReportDate.format), forKey: .closed)
        try c.encode(e.finalState, forKey: .final_state)
        try c.encode(e.cutCause, forKey: .cut_cause)
        var intervals = c.nestedContainer(keyedBy: IntervalKey.self, forKey: .intervals)
        for interval in IncidentReport.Interval.allCases {
            try intervals.encode(e.intervals[interval].map(seconds), forKey: IntervalKey(interval))
        }
        var actions = c.nestedUnkeyedContainer(forKey: .actions)
        for a in e.actions {
            var one = actions.nestedContainer(keyedBy: Key.self)
            try one.encode(ReportDate.format(a.at), forKey: .at)
            try one.encode(a.action, forKey: .action)
            try one.encode(a.author, forKey: .author)
            try one.encode(a.via, forKey: .via)
            try one.encode(a.accepted, forKey: .accepted)
            try one.encode(a.result, forKey: .result)
        }
        var runs = c.nestedUnkeyedContainer(forKey: .runs)
        for r in e.runs {
            var one = runs.nestedContainer(keyedBy: Key.self)
            try one.encode(ReportDate.format(r.startedAt), forKey: .started)
            try one.encode(r.finishedAt.map(ReportDate.format), forKey: .finished)
            try one.encode(r.driver, forKey: .driver)
            try one.encode(r.playbook, forKey: .playbook)
            try one.encode(r.action, forKey: .action)
            try one.encode(r.attempt, forKey: .attempt)
            try one.encode(r.succeeded, forKey: .succeeded)
            try one.encode(r.changed, forKey: .changed)
            try one.encode(r.timedOut, forKey: .timed_out)
        }
    }

    /// Seconds rounded to the millisecond, so the JSON carries no float noise.
    static func seconds(_ s: Double) -> Double { (s * 1000).rounded() / 1000 }
}

/// An interval's name as a key (`detect`, `acknowledge`, `cut`, `restore`).
private struct IntervalKey: CodingKey {
    let stringValue: String
    init(_ interval: IncidentReport.Interval) { stringValue = interval.rawValue }
    init?(stringValue: String) { self.stringValue = stringValue }
    var intValue: Int? { nil }
    init?(intValue: Int) { nil }
}
