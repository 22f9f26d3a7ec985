import Foundation

extension IncidentReport {
    /// The report as a readable table: a heading, the incidents, the interval statistics, then
    /// per incident who acted and which runs there were. Durations as `duration(_:)` writes them.
    public func text() -> String {
        var out = ["Incident report for tenant \(tenant): \(ReportDate.format(since)) to \(ReportDate.format(until))",
                   "Incidents: \(incidents.count)" + (incidents.isEmpty ? "" : " (\(stateCounts))")]
        guard !incidents.isEmpty else { return out.joined(separator: "\n") + "\n" }
        out.append("")
        out += Self.table(incidentRows)
        out.append("")
        out += Self.table(statisticsRows)
        if let note = p95Note { out.append(note) }
        for e in incidents {
            out += ["", "Incident \(e.id): VLAN \(e.vlanName) on \(e.interface), \(e.finalState)"
                    + (e.closedAt.map { " since \(ReportDate.format($0))" } ?? " (open)")]
            if let cause = e.cutCause { out.append("  cut by: \(cause)") }
            for a in e.actions { out.append("  action: " + a.line) }
            for r in e.runs { out.append("  run: " + r.line) }
        }
        return out.joined(separator: "\n") + "\n"
    }

    /// Said under the statistics when intervals have fewer than 20 samples: "p95 is the maximum
    /// for detect, cut (fewer than 20 samples)"; nil when none has.
    var p95Note: String? {
        let few = Interval.allCases.filter { statistics($0)?.p95IsMax == true }.map(\.rawValue)
        return few.isEmpty ? nil : "p95 is the maximum for \(few.joined(separator: ", ")) (fewer than 20 samples)"
    }

    /// The incidents table, a header row first.
    var incidentRows: [[String]] {
        [["ID", "VLAN", "INTERFACE", "OPENED", "POLICY", "DETECT", "ACK", "CUT", "RESTORE", "FINAL"]] + incidents.map { e in
            [String(e.id), e.vlanName, e.interface, ReportDate.format(e.openedAt), e.policy]
                + Interval.allCases.map { e.intervals[$0].map(Self.duration) ?? "-" } + [e.finalState]
        }
    }

    /// The statistics table (samples, median, p95, max per interval), a header row first.
    var statisticsRows: [[String]] {
        [["INTERVAL", "SAMPLES", "MEDIAN", "P95", "MAX"]] + Interval.allCases.map { interval in
            let s = statistics(interval)
            return [interval.rawValue, String(s?.samples ?? 0)] + [s?.median, s?.p95, s?.max].map { $0.map(Self.duration) ?? "-" }
        }
    }

    /// "2 normal, 1 cut": the count per final state.
    var stateCounts: String {
        finalStates.map { "\(byFinalState[$0] ?? 0) \($0)" }.joined(separator: ", ")
    }

    /// `seconds` for people: `0.250s` under a minute, else `4m05s`, `1h02m05s`, `2d03h04m`.
    public static func duration(_ seconds: Double) -> String {
        guard seconds >= 60 else { return String(format: "%.3fs", seconds) }
        let s = Int(seconds.rounded(.down))
        let (d, h, m) = (s / 86400, s / 3600 % 24, s / 60 % 60)
        if d > 0 { return String(format: "%dd%02dh%02dm", d, h, m) }
        if h > 0 { return String(format: "%dh%02dm%02ds", h, m, s % 60) }
        return String(format: "%dm%02ds", m, s % 60)
    }

    /// `rows` as lines of left-aligned columns two spaces apart (no trailing spaces).
    static func table(_ rows: [[String]]) -> [String] {
        let widths = rows[0].indices.map { i in rows.map { $0[i].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { $0.element.padding(toLength: widths[$0.offset], withPad: " ", startingAt: 0) }
                .joined(separator: "  ").replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        }
    }
}

extension IncidentReport.Entry {
    /// "20", or "20.300" for a QinQ pair (outer.inner).
    public var vlanName: String { inner.map { "\(vlan).\($0)" } ?? String(vlan) }
}

extension JournalAction {
    /// "2026-11-30T10:00:05.000Z acknowledgeCut by alice via cli uid 0 pid 7: accepted (cut started)".
    var line: String {
        "\(ReportDate.format(at)) \(action) by \(author) via \(via): \(accepted ? "accepted" : "refused") (\(result))"
    }
}

extension JournalRun {
    /// "2026-11-30T10:00:05.000Z cut attempt 1, ansible linux-bridge-vlan.yml: succeeded, changed 1, 3.000s".
    var line: String {
        var outcome = switch succeeded {
        case .some(true): "succeeded"
        case .some(false): timedOut == true ? "timed out" : "failed"
        case .none: "unfinished"
        }
        if let changed { outcome += ", changed \(changed)" }
        if let finishedAt { outcome += ", " + IncidentReport.duration(finishedAt.timeIntervalSince(startedAt)) }
        let name = driver == playbook ? driver : "\(driver) \(playbook)"
        return "\(ReportDate.format(startedAt)) \(action) attempt \(attempt), \(name): \(outcome)"
    }
}
