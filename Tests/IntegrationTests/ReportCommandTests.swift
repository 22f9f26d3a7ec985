import Foundation
import Remediate
import Testing

/// `loopsentry report` end to end, no root: a journal written through the `Journal` API in a
/// temporary folder, read by the command as text, JSON and HTML; bad input is one line and a
/// non-zero exit; the journal is only read.
@Suite final class ReportCommandTests {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("loopsentry-report-\(UUID().uuidString.prefix(8))")
    var path: String { dir.appendingPathComponent("journal.sqlite").path }
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)   // 2027-01-15T08:00:00Z

    static func at(_ seconds: Double) -> Date { t0.addingTimeInterval(seconds) }

    /// Writes the journal of two org-b incidents as the daemon does (an acknowledged cut, then
    /// restored; a cut by the deadline still in place) and one of org-c.
    init() throws {
        let j = try Journal(path: dir.appendingPathComponent("journal.sqlite").path)
        func open(_ id: UInt64, vlan: Int, tenant: String, policy: String, at t: Double) -> Journal.Write {
            .openIncident(JournalIncident(id: id, interface: "trunk0", vlan: vlan, tenant: tenant, policy: policy,
                                          openedAt: Self.at(t), state: "normal", snapshot: nil))
        }
        func move(_ id: UInt64, _ t: Double, _ from: String, _ to: String, _ cause: String) -> Journal.Write {
            .transition(incident: id, at: Self.at(t), from: from, to: to, cause: cause, detail: "", snapshot: nil,
                        closed: to == "normal")
        }
        try j.write([open(1, vlan: 20, tenant: "org-b", policy: "ack", at: 0), move(1, 0, "normal", "detected", "detector"),
                     move(1, 0, "detected", "pendingAck", "policy ack")])
        try j.write([.action(JournalAction(incidentID: 1, at: Self.at(42.5), interface: "trunk0", vlan: 20,
                                           action: "acknowledgeCut", author: "alice", via: "cli uid 0 pid 7",
                                           accepted: true, result: "cut started")),
                     move(1, 42.5, "pendingAck", "cutting", "operator alice via cli uid 0 pid 7")])
        let cut = try j.startRuns([Journal.RunStart(incident: 1, playbook: "nftables", action: "cut", attempt: 1,
                                                    at: Self.at(42.5), driver: "nftables")])
        try j.write([.finishRun(run: cut[0], at: Self.at(42.75), succeeded: true, changed: 1, timedOut: false, output: ""),
                     move(1, 42.75, "cutting", "cutting", "playbook"), move(1, 44, "cutting", "cut", "verification")])
        try j.write([.action(JournalAction(incidentID: 1, at: Self.at(1800), interface: "trunk0", vlan: 20, action: "restore",
                                           author: "bob", via: "snmp", accepted: true, result: "restore started")),
                     move(1, 1800, "cut", "restoring", "operator bob via snmp")])
        let restore = try j.startRuns([Journal.RunStart(incident: 1, playbook: "linux-bridge-vlan.yml", action: "restore",
                                                        attempt: 1, at: Self.at(1800), driver: "ansible")])
        try j.write([.finishRun(run: restore[0], at: Self.at(1803), succeeded: true, changed: 1, timedOut: false, output: ""),
                     move(1, 1803, "restoring", "normal", "playbook")])
        try j.write([open(2, vlan: 30, tenant: "org-b", policy: "ack", at: 7200), move(2, 7200, "normal", "detected", "detector"),
                     move(2, 7200, "detected", "pendingAck", "policy ack"), move(2, 7500, "pendingAck", "cutting", "deadline"),
                     move(2, 7510, "cutting", "cut", "verification"),
                     open(3, vlan: 40, tenant: "org-c", policy: "auto", at: 100), move(3, 100, "normal", "detected", "detector")])
        try j.checkpoint()
    }

    deinit { try? FileManager.default.removeItem(at: dir) }

    func report(_ args: [String], environment: [String: String]? = nil) throws -> CommandResult {
        try Shell.run([loopsentryBinary, "report"] + args, environment: environment)
    }

    func window(_ more: [String] = []) -> [String] {
        ["--tenant", "org-b", "--since", "2027-01-15", "--until", "2027-01-16T00:00:00Z", "--journal", path] + more
    }

    @Test("text: the incidents, the statistics, who acted and the runs")
    func text() throws {
        let r = try report(window())
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.isEmpty)
        #expect(r.stdout == Self.expectedText)
    }

    static let expectedText = """
        Incident report for tenant org-b: 2027-01-15T00:00:00.000Z to 2027-01-16T00:00:00.000Z
        Incidents: 2 (1 normal, 1 cut)

        ID  VLAN  INTERFACE  OPENED                    POLICY  DETECT  ACK      CUT      RESTORE  FINAL
        1   20    trunk0     2027-01-15T08:00:00.000Z  ack     0.000s  42.500s  1.500s   29m19s   normal
        2   30    trunk0     2027-01-15T10:00:00.000Z  ack     0.000s  -        10.000s  -        cut

        INTERVAL     SAMPLES  MEDIAN   P95      MAX
        detect       2        0.000s   0.000s   0.000s
        acknowledge  1        42.500s  42.500s  42.500s
        cut          2        5.750s   10.000s  10.000s
        restore      1        29m19s   29m19s   29m19s
        p95 is the maximum for detect, acknowledge, cut, restore (fewer than 20 samples)

        Incident 1: VLAN 20 on trunk0, normal since 2027-01-15T08:30:03.000Z
          cut by: operator alice via cli uid 0 pid 7
          action: 2027-01-15T08:00:42.500Z acknowledgeCut by alice via cli uid 0 pid 7: accepted (cut started)
          action: 2027-01-15T08:30:00.000Z restore by bob via snmp: accepted (restore started)
          run: 2027-01-15T08:00:42.500Z cut attempt 1, nftables: succeeded, changed 1, 0.250s
          run: 2027-01-15T08:30:00.000Z restore attempt 1, ansible linux-bridge-vlan.yml: succeeded, changed 1, 3.000s

        Incident 2: VLAN 30 on trunk0, cut (open)
          cut by: deadline

        """

    @Test("JSON: the documented schema, exactly")
    func json() throws {
        let r = try report(window(["--format", "json"]))
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == Self.expectedJSON)
    }

    static let expectedJSON = """
        {"incidents":[{"actions":[{"accepted":true,"action":"acknowledgeCut","at":"2027-01-15T08:00:42.500Z","author":"alice","result":"cut started","via":"cli uid 0 pid 7"},\
        {"accepted":true,"action":"restore","at":"2027-01-15T08:30:00.000Z","author":"bob","result":"restore started","via":"snmp"}],"closed":"2027-01-15T08:30:03.000Z","cut_cause":"operator alice via cli uid 0 pid 7","final_state":"normal","id":1,"inner":null,"interface":"trunk0","intervals":{"acknowledge":42.5,"cut":1.5,"detect":0,"restore":1759},"opened":"2027-01-15T08:00:00.000Z","policy":"ack","runs":[\
        {"action":"cut","attempt":1,"changed":1,"driver":"nftables","finished":"2027-01-15T08:00:42.750Z","playbook":"nftables","started":"2027-01-15T08:00:42.500Z","succeeded":true,"timed_out":false},\
        {"action":"restore","attempt":1,"changed":1,"driver":"ansible","finished":"2027-01-15T08:30:03.000Z","playbook":"linux-bridge-vlan.yml","started":"2027-01-15T08:30:00.000Z","succeeded":true,"timed_out":false}],"vlan":20},\
        {"actions":[],"closed":null,"cut_cause":"deadline","final_state":"cut","id":2,"inner":null,"interface":"trunk0","intervals":{"acknowledge":null,"cut":10,"detect":0,"restore":null},"opened":"2027-01-15T10:00:00.000Z","policy":"ack","runs":[\
        ],"vlan":30}],\
        "schema":"loopsentry-report/1","since":"2027-01-15T00:00:00.000Z","tenant":"org-b",\
        "totals":{"by_final_state":{"cut":1,"normal":1},"count":2,\
        "intervals":{"acknowledge":{"max":42.5,"median":42.5,"p95":42.5,"p95_is_max":true,"samples":1},"cut":{"max":10,"median":5.75,"p95":10,"p95_is_max":true,"samples":2},"detect":{"max":0,"median":0,"p95":0,"p95_is_max":true,"samples":2},"restore":{"max":1759,"median":1759,"p95":1759,"p95_is_max":true,"samples":1}}},"until":"2027-01-16T00:00:00.000Z"}

        """

    @Test("HTML to a file: one self-contained page with the SVG charts and every incident")
    func html() throws {
        let out = dir.appendingPathComponent("report.html").path
        let r = try report(window(["--format", "html", "--output", out]))
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.isEmpty)
        let page = try String(contentsOfFile: out, encoding: .utf8)
        #expect(page.hasPrefix("<!DOCTYPE html>"))
        #expect(page.contains("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"timeline\""))
        #expect(page.contains("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"intervals\""))
        for id in [1, 2] {
            #expect(page.contains("<rect id=\"timeline-\(id)\""))
            #expect(page.contains("<h3 id=\"incident-\(id)\">"))
        }
        #expect(!page.contains("timeline-3"), "org-c's incident is not in org-b's report")
        #expect(!page.contains("src=") && !page.contains("href=") && !page.contains("<script"), "no external assets")
    }

    @Test("the journal from the configuration, by --config and by LOOPSENTRY_CONFIG")
    func journalFromConfiguration() throws {
        let config = dir.appendingPathComponent("loopsentry.yaml").path
        try "interfaces:\n  - name: trunk0\njournal:\n  path: \(path)\n".write(toFile: config, atomically: true, encoding: .utf8)
        let args = ["--tenant", "org-b", "--since", "2027-01-15", "--until", "2027-01-16T00:00:00Z"]
        let byOption = try report(args + ["--config", config])
        #expect(byOption.status == 0, "\(byOption.stderr)")
        #expect(byOption.stdout == Self.expectedText)
        let byEnvironment = try report(args, environment: ["LOOPSENTRY_CONFIG": config])
        #expect(byEnvironment.stdout == Self.expectedText)
    }

    @Test("a tenant without incidents: an empty report, exit 0")
    func emptyTenant() throws {
        let r = try report(["--tenant", "org-z", "--since", "2027-01-15", "--until", "2027-01-16", "--journal", path,
                            "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == """
            {"incidents":[],"schema":"loopsentry-report/1","since":"2027-01-15T00:00:00.000Z","tenant":"org-z",\
            "totals":{"by_final_state":{},"count":0,"intervals":{\
            "acknowledge":{"max":null,"median":null,"p95":null,"p95_is_max":true,"samples":0},\
            "cut":{"max":null,"median":null,"p95":null,"p95_is_max":true,"samples":0},\
            "detect":{"max":null,"median":null,"p95":null,"p95_is_max":true,"samples":0},\
            "restore":{"max":null,"median":null,"p95":null,"p95_is_max":true,"samples":0}}},\
            "until":"2027-01-16T00:00:00.000Z"}

            """)
    }

    @Test("the journal is only read: its bytes do not change and nothing is created beside it")
    func readOnly() throws {
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["journal.sqlite"])
        #expect(try report(window()).status == 0)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["journal.sqlite"])
    }

    @Test("while the daemon holds the journal open, the report reads what it wrote, also what is only in the -wal")
    func besideTheDaemon() throws {
        let j = try Journal(path: path)
        try j.write([.transition(incident: 2, at: Self.at(9000), from: "cut", to: "restoring", cause: "operator carol via cli",
                                 detail: "", snapshot: nil, closed: false)])
        #expect(FileManager.default.fileExists(atPath: path + "-wal"))
        let r = try report(window())
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("2   30    trunk0     2027-01-15T10:00:00.000Z  ack     0.000s  -        10.000s  -        restoring"))
        try j.write([.transition(incident: 2, at: Self.at(9003), from: "restoring", to: "normal", cause: "playbook",
                                 detail: "", snapshot: nil, closed: true)])
        #expect(try report(window()).stdout.contains("restore      2        "), "the daemon's next write is seen too")
    }

    @Test("bad input: one line naming it, exit 64 (arguments) or 1 (the journal)", arguments: [
        (["--since", "yesterday"], 64, "loopsentry: --since: not a date: 'yesterday' (ISO 8601 such as 2026-11-30 or 2026-11-30T10:00:00Z, or 24h, 7d)"),
        (["--since", "7d", "--until", "2026-13-01"], 64, "loopsentry: --until: not a date: '2026-13-01' (ISO 8601 such as 2026-11-30 or 2026-11-30T10:00:00Z, or 24h, 7d)"),
        (["--since", "2027-01-16", "--until", "2027-01-15"], 64, "loopsentry: --since 2027-01-16T00:00:00.000Z is not before --until 2027-01-15T00:00:00.000Z"),
        (["--since", "7d", "--format", "pdf"], 64, "loopsentry: The value 'pdf' is invalid for '--format <format>'. Please provide one of 'text', 'json' or 'html'."),
        (["--since", "7d", "--journal", "/nonexistent/journal.sqlite"], 1, "loopsentry: /nonexistent/journal.sqlite: journal does not exist"),
        (["--since", "7d", "--journal", "/tmp"], 1, "loopsentry: /tmp: is a folder, not a journal"),
        (["--since", "7d", "--journal", "J", "--config", "C"], 64, "loopsentry: give --journal or --config, not both"),
    ])
    func badInput(args: [String], status: Int32, line: String) throws {
        let r = try report(["--tenant", "org-b"] + args)
        #expect(r.status == status)
        #expect(r.stderr == line + "\n")
        #expect(r.stdout.isEmpty)
    }

    @Test("a file that is not a journal, a missing configuration and an output folder that does not exist are named")
    func notAJournal() throws {
        let text = dir.appendingPathComponent("notes.txt").path
        try "not a database\n".write(toFile: text, atomically: true, encoding: .utf8)
        let r = try report(["--tenant", "org-b", "--since", "7d", "--journal", text])
        #expect(r.status == 1)
        #expect(r.stderr == "loopsentry: \(text): cannot read the journal: file is not a database\n")
        let c = try report(["--tenant", "org-b", "--since", "7d", "--config", "/nonexistent/loopsentry.yaml"])
        #expect(c.status == 1)
        #expect(c.stderr == "loopsentry: /nonexistent/loopsentry.yaml: does not exist\n")
        let o = try report(window(["--output", "/nonexistent/report.txt"]))
        #expect(o.status == 1)
        #expect(o.stderr == "loopsentry: /nonexistent/report.txt: cannot write the report: folder /nonexistent does not exist\n")
    }
}
