import Foundation

extension IncidentReport {
    /// Colours of the final states in the charts.
    static func colour(_ state: String) -> String {
        switch state {
        case "normal": "#4c9a2a"
        case "cut": "#d9822b"
        case "cutFailed": "#c23030"
        default: "#5c7080"
        }
    }

    /// An SVG timeline of the window: one row per (interface, VLAN), each incident a bar from
    /// its opening to its closing (or the window's end while open), coloured by final state.
    func timelineSVG() -> String {
        let rows = Array(Set(incidents.map { "\($0.interface) VLAN \($0.vlanName)" })).sorted()
        let (label, width, rowHeight) = (160.0, 600.0, 24.0)
        let span = Swift.max(until.timeIntervalSince(since), 1)
        let x = { (d: Date) in label + width * Swift.min(Swift.max(d.timeIntervalSince(self.since) / span, 0), 1) }
        let height = Double(rows.count) * rowHeight + 50
        var parts = ["<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"timeline\" width=\"\(Int(label + width + 10))\" "
                     + "height=\(Self.quoted(height)) role=\"img\" aria-label=\"incidents per VLAN over time\">"]
        for (i, row) in rows.enumerated() {
            parts.append("<text x=\"0\" y=\(Self.quoted(Double(i) * rowHeight + 16))>\(Self.escape(row))</text>")
        }
        for e in incidents {
            let row = Double(rows.firstIndex(of: "\(e.interface) VLAN \(e.vlanName)") ?? 0)
            let start = x(e.openedAt)
            let end = Swift.max(x(Swift.min(e.closedAt ?? until, until)), start + 2)
            parts.append("<rect id=\"timeline-\(e.id)\" x=\(Self.quoted(start)) y=\(Self.quoted(row * rowHeight + 4)) "
                         + "width=\(Self.quoted(end - start)) height=\"16\" fill=\"\(Self.colour(e.finalState))\">"
                         + "<title>Incident \(e.id): opened \(ReportDate.format(e.openedAt)), \(e.finalState)</title></rect>")
        }
        let axis = Double(rows.count) * rowHeight + 20
        parts.append("<text x=\(Self.quoted(label)) y=\(Self.quoted(axis))>\(ReportDate.format(since))</text>")
        parts.append("<text x=\(Self.quoted(label + width)) y=\(Self.quoted(axis)) text-anchor=\"end\">"
                     + "\(ReportDate.format(until))</text>")
        for (i, state) in ["normal", "cut", "cutFailed", "other"].enumerated() {
            let lx = label + Double(i) * 100
            parts.append("<rect x=\(Self.quoted(lx)) y=\(Self.quoted(axis + 8)) width=\"10\" height=\"10\" "
                         + "fill=\"\(Self.colour(state))\"/><text x=\(Self.quoted(lx + 14)) y=\(Self.quoted(axis + 18))>\(state)</text>")
        }
        return (parts + ["</svg>"]).joined(separator: "\n")
    }

    /// An SVG bar chart of the intervals: per interval, one bar per incident that has it, scaled
    /// to that interval's longest (the intervals differ by orders of magnitude).
    func intervalsSVG() -> String {
        let (label, width, barHeight) = (160.0, 500.0, 18.0)
        var parts: [String] = []
        var y = 0.0
        for interval in Interval.allCases {
            let bars = incidents.compactMap { e in e.intervals[interval].map { (e, $0) } }
            guard let longest = bars.map(\.1).max() else { continue }
            y += 18
            parts.append("<text x=\"0\" y=\(Self.quoted(y - 4)) font-weight=\"bold\">\(interval.rawValue)</text>")
            for (e, seconds) in bars {
                let w = longest > 0 ? Swift.max(width * seconds / longest, 1) : 1
                parts.append("<text x=\"0\" y=\(Self.quoted(y + 13))>incident \(e.id) (VLAN \(Self.escape(e.vlanName)))</text>")
                parts.append("<rect x=\(Self.quoted(label)) y=\(Self.quoted(y)) width=\(Self.quoted(w)) height=\"14\" "
                             + "fill=\"\(Self.colour(e.finalState))\"><title>\(interval.rawValue) of incident \(e.id): "
                             + "\(Self.duration(seconds))</title></rect>")
                parts.append("<text x=\(Self.quoted(label + w + 6)) y=\(Self.quoted(y + 12))>\(Self.duration(seconds))</text>")
                y += barHeight
            }
        }
        let header = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"intervals\" width=\"\(Int(label + width + 100))\" "
            + "height=\(Self.quoted(y + 6)) role=\"img\" aria-label=\"intervals per incident\">"
        return ([header] + parts + ["</svg>"]).joined(separator: "\n")
    }

    /// A coordinate as a quoted attribute value with at most one decimal: `"12.5"`.
    static func quoted(_ v: Double) -> String {
        let r = (v * 10).rounded() / 10
        return "\"" + (r == r.rounded() ? String(Int(r)) : String(r)) + "\""
    }
}
