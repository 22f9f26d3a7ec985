import Foundation
import Remediate
import Testing

/// The report builder on crafted journal rows: which incidents, which intervals, exactly, and
/// the statistics over them.
@Suite struct IncidentReportTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)   // 2027-01-15T08:00:00Z

    static func at(_ seconds: Double) -> Date { t0.addingTimeInterval(seconds) }

    static func incident(_ id: UInt64, vlan: Int, tenant: String = "org-b", policy: String, opened: Double,
                         state: String) -> JournalIncident {
        JournalIncident(id: id, interface: "trunk0", vlan: vlan, tenant: tenant, policy: policy, openedAt: at(opened),
                        state: state, snapshot: nil)
    }

    static func move(_ id: UInt64, _ seconds: Double, _ from: String, _ to: String, _ cause: String) -> JournalTransition {
        JournalTransition(incidentID: id, at: at(seconds), from: from, to: to, cause: cause)
    }

    /// Four incidents of org-b (ack acknowledged and restored; ack cut by the deadline; auto that
    /// failed; alarm that cleared), one of another tenant and one before the window.
    static let rows = JournalRows(
        incidents: [incident(1, vlan: 20, policy: "ack", opened: 0, state: "normal"),
                    incident(2, vlan: 20, policy: "ack", opened: 7200, state: "cut"),
                    incident(3, vlan: 30, policy: "auto", opened: 10000, state: "cutFailed"),
                    incident(4, vlan: 40, policy: "alarm", opened: 20000, state: "normal"),
                    incident(5, vlan: 50, tenant: "org-c", policy: "auto", opened: 100, state: "cut"),
                    incident(6, vlan: 20, policy: "auto", opened: -100, state: "cut")],
        transitions: [move(1, 0, "normal", "detected", "detector"),
                      move(1, 0.25, "detected", "pendingAck", "policy ack"),
                      move(1, 30.25, "pendingAck", "cutting", "operator alice via cli uid 0 pid 7"),
                      move(1, 32, "cutting", "cutting", "playbook"),
                      move(1, 33.25, "cutting", "cut", "verification"),
                      move(1, 40, "cut", "cut", "persist"),
                      move(1, 3600, "cut", "restoring", "operator bob via snmp"),
                      move(1, 3630.25, "restoring", "normal", "playbook"),
                      move(2, 7200, "normal", "detected", "detector"),
                      move(2, 7200, "detected", "pendingAck", "policy ack"),
                      move(2, 7500, "pendingAck", "cutting", "deadline"),
                      move(2, 7510, "cutting", "cut", "verification"),
                      move(3, 10000, "normal", "detected", "detector"),
                      move(3, 10000, "detected", "cutting", "policy auto"),
                      move(3, 10002, "cutting", "cutting", "playbook"),
                      move(3, 10060, "cutting", "cutFailed", "playbook"),
                      move(4, 20000, "normal", "detected", "detector"),
                      move(4, 20100, "detected", "normal", "detector"),
                      move(5, 100, "normal", "detected", "detector"),
                      move(5, 100, "detected", "cutting", "policy auto"),
                      move(5, 101, "cutting", "cut", "verification")],
        actions: [JournalAction(incidentID: 1, at: at(30.25), interface: "trunk0", vlan: 20, action: "acknowledgeCut",
                                author: "alice", via: "cli uid 0 pid 7", accepted: true, result: "cut started"),
                  JournalAction(incidentID: nil, at: at(31), interface: "trunk0", vlan: 99, action: "restore",
                                author: "eve", via: "cli uid 0 pid 8", accepted: false, result: "no incident")],
        runs: [JournalRun(incidentID: 1, startedAt: at(30.25), finishedAt: at(32), playbook: "linux-bridge-vlan.yml",
                          action: "cut", attempt: 1, driver: "ansible", succeeded: true, changed: 1, timedOut: false),
               JournalRun(incidentID: 5, startedAt: at(100), playbook: "nftables", action: "cut", attempt: 1,
                          driver: "nftables")])

    let report = IncidentReport(tenant: "org-b", since: t0, until: at(86400), rows: rows)

    @Test("only the tenant's incidents opened in the window, oldest first, each with its own actions and runs")
    func selection() {
        #expect(report.incidents.map(\.id) == [1, 2, 3, 4])
        #expect(report.incidents.map(\.finalState) == ["normal", "cut", "cutFailed", "normal"])
        #expect(report.incidents[0].actions.map(\.author) == ["alice"])
        #expect(report.incidents[0].runs.map(\.playbook) == ["linux-bridge-vlan.yml"])
        #expect(report.incidents[1].actions.isEmpty && report.incidents[1].runs.isEmpty)
        #expect(report.incidents.map(\.closedAt) == [Self.at(3630.25), nil, nil, Self.at(20100)])
        #expect(report.byFinalState == ["normal": 2, "cut": 1, "cutFailed": 1])
        #expect(report.finalStates == ["normal", "cut", "cutFailed"])
    }

    @Test("intervals from the transitions; an ack by the deadline is no acknowledgement, a note changes nothing")
    func intervals() {
        let i = report.incidents.map(\.intervals)
        #expect(i[0] == [.detect: 0.25, .acknowledge: 30, .cut: 3, .restore: 3597])
        #expect(i[1] == [.detect: 0, .cut: 10])
        #expect(i[2] == [.detect: 0])
        #expect(i[3] == [:])
        #expect(report.incidents.map(\.cutCause) == ["operator alice via cli uid 0 pid 7", "deadline", "policy auto", nil])
    }

    @Test("median, p95 and max of each interval over the incidents that have it")
    func statistics() throws {
        let detect = try #require(report.statistics(.detect))
        #expect((detect.samples, detect.median, detect.p95, detect.max) == (3, 0, 0.25, 0.25))
        let cut = try #require(report.statistics(.cut))
        #expect((cut.samples, cut.median, cut.p95, cut.max, cut.p95IsMax) == (2, 6.5, 10, 10, true))
        #expect(report.statistics(.acknowledge)?.median == 30)
        #expect(report.statistics(.restore)?.max == 3597)
    }

    @Test("p95 is the nearest rank: the maximum below 20 samples, not from 20 on", arguments: [
        (19, 10.0, 19.0, true), (20, 10.5, 19.0, false), (40, 20.5, 38.0, false), (1, 1.0, 1.0, true),
    ])
    func percentiles(n: Int, median: Double, p95: Double, isMax: Bool) throws {
        let s = try #require(IncidentReport.Statistics((1...n).reversed().map(Double.init)))
        #expect((s.samples, s.median, s.p95, s.max, s.p95IsMax) == (n, median, p95, Double(n), isMax))
        #expect(IncidentReport.Statistics([]) == nil)
    }

    @Test("a tenant without incidents in the window: an empty report")
    func empty() {
        let none = IncidentReport(tenant: "org-z", since: Self.t0, until: Self.at(60), rows: Self.rows)
        #expect(none.incidents.isEmpty && none.byFinalState.isEmpty && none.statistics(.cut) == nil)
        #expect(none.text() == "Incident report for tenant org-z: 2027-01-15T08:00:00.000Z to 2027-01-15T08:01:00.000Z\nIncidents: 0\n")
    }

    @Test("dates: ISO 8601 days and times, and times ago", arguments: [
        ("2026-11-30", 1_795_996_800.0), ("2026-11-30T10:00:00Z", 1_796_032_800.0),
        ("2026-11-30T10:00:00.250+01:00", 1_796_029_200.25), ("24h", 1_799_913_600.0), ("7d", 1_799_395_200.0),
        ("90m", 1_799_994_600.0), ("0s", 1_800_000_000.0),
    ])
    func dates(text: String, seconds: Double) {
        let parsed = ReportDate.parse(text, now: Self.t0)?.timeIntervalSince1970
        #expect(parsed.map { abs($0 - seconds) < 0.0005 } == true, "\(text) gave \(String(describing: parsed))")
    }

    @Test("what is not a date", arguments: ["yesterday", "7x", "-5d", "+5d", "h", "2026-13-01", "2026-11-30 10:00", ""])
    func notDates(text: String) {
        #expect(ReportDate.parse(text, now: Self.t0) == nil)
    }

    @Test("durations for people", arguments: [
        (0.25, "0.250s"), (59.9994, "59.999s"), (60, "1m00s"), (245.5, "4m05s"), (3725, "1h02m05s"), (183_840, "2d03h04m"),
    ])
    func durations(seconds: Double, text: String) {
        #expect(IncidentReport.duration(seconds) == text)
    }
}
