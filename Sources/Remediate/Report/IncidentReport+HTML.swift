import Foundation

extension IncidentReport {
    /// The report as one self-contained HTML page (inline CSS and SVG, no scripts, no external
    /// assets): the summary, a timeline of the incidents per VLAN, a bar chart of the intervals,
    /// the statistics table and each incident with who acted and the runs.
    public func html() -> String {
        let title = "LoopSentry incident report: \(tenant)"
        var body = ["<h1>\(Self.escape(title))</h1>",
                    "<p>\(Self.escape(ReportDate.format(since))) to \(Self.escape(ReportDate.format(until))). "
                    + "Incidents: \(incidents.count)" + (incidents.isEmpty ? "" : " (\(Self.escape(stateCounts)))") + ".</p>"]
        if !incidents.isEmpty {
            body += ["<h2>Incidents</h2>", Self.htmlTable(incidentRows), "<h2>Timeline</h2>", timelineSVG(),
                     "<h2>Intervals</h2>", intervalsSVG(), Self.htmlTable(statisticsRows)]
            if let note = p95Note { body.append("<p>\(Self.escape(note)).</p>") }
            for e in incidents {
                body.append("<h3 id=\"incident-\(e.id)\">Incident \(e.id): VLAN \(Self.escape(e.vlanName)) on "
                            + "\(Self.escape(e.interface))</h3>")
                var items = ["opened \(ReportDate.format(e.openedAt)), policy \(e.policy), final state \(e.finalState)"
                             + (e.closedAt.map { ", closed \(ReportDate.format($0))" } ?? "")]
                items += Interval.allCases.compactMap { i in e.intervals[i].map { "\(i.rawValue): \(Self.duration($0))" } }
                if let cause = e.cutCause { items.append("cut by: \(cause)") }
                items += e.actions.map { "action: " + $0.line } + e.runs.map { "run: " + $0.line }
                body.append("<ul>" + items.map { "<li>\(Self.escape($0))</li>" }.joined() + "</ul>")
            }
        }
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>\(Self.escape(title))</title>
            <style>body{font-family:sans-serif;margin:2em;color:#222}table{border-collapse:collapse}\
            td,th{border:1px solid #ccc;padding:2px 8px;text-align:left}svg text{font-size:12px}</style>
            </head><body>
            \(body.joined(separator: "\n"))
            </body></html>

            """
    }

    /// Text escaped for HTML (and SVG) content and attribute values.
    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    /// `rows` (the first the header) as an HTML table.
    static func htmlTable(_ rows: [[String]]) -> String {
        guard let header = rows.first else { return "" }
        let head = "<tr>" + header.map { "<th>\(escape($0))</th>" }.joined() + "</tr>"
        let cells = rows.dropFirst().map { "<tr>" + $0.map { "<td>\(escape($0))</td>" }.joined() + "</tr>" }
        return "<table>" + ([head] + cells).joined() + "</table>"
    }
}
