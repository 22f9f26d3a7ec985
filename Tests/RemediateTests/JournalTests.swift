import Foundation
import Remediate
import LoopSentryCore
import Testing

@Suite struct JournalTests {
    let path = FileManager.default.temporaryDirectory
        .appendingPathComponent("loopsentry-journal-\(UUID().uuidString)/journal.sqlite").path

    @Test func everythingRecordedSurvivesReopening() throws {
        let t0 = Date(timeIntervalSince1970: 1_800_000_000)
        do {
            let j = try Journal(path: path)
            #expect(try j.nextIncidentID() == 1)
            try j.write([
                .openIncident(JournalIncident(id: 1, interface: "trunk0", vlan: 20, tenant: "org-b", policy: "ack",
                                              openedAt: t0, state: "detected", snapshot: Data("s1".utf8))),
                .transition(incident: 1, at: t0, from: "detected", to: "pendingAck", cause: "policy ack",
                            detail: "waiting for an acknowledgement", snapshot: Data("s2".utf8), closed: false),
            ])
            try j.write([.action(JournalAction(incidentID: 1, at: t0, interface: "trunk0", vlan: 20, action: "acknowledgeCut",
                                               author: "alice", via: "cli uid 0", accepted: true, result: "cut started"))])
            let runs = try j.startRuns([Journal.RunStart(incident: 1, playbook: "linux-bridge-vlan.yml", action: "cut", attempt: 1,
                                                         at: t0, driver: "ansible")])
            #expect(try j.playbookRuns(incident: 1, action: "cut") == (1, 1))
            try j.write([.finishRun(run: runs[0], at: t0, succeeded: true, changed: 1, timedOut: false, output: "ok")])
        }
        let j = try Journal(path: path)
        #expect(try j.nextIncidentID() == 2)
        let open = try j.openIncidents()
        #expect(open.count == 1 && open[0].state == "pendingAck" && open[0].snapshot == Data("s2".utf8))
        #expect(try j.playbookRuns(incident: 1, action: "cut") == (1, 0))
        #expect(try j.transitions(incident: 1).map(\.to) == ["pendingAck"])
        #expect(try j.actions().map(\.author) == ["alice"])
        try j.write([.transition(incident: 1, at: t0, from: "cut", to: "normal", cause: "restore", detail: "",
                                 snapshot: nil, closed: true)])
        #expect(try j.openIncidents().isEmpty)
    }

    /// Starts and finishes one run of `driver` for incident 1.
    func run(_ j: Journal, _ action: String, driver: String, succeeded: Bool) throws {
        let t0 = Date(timeIntervalSince1970: 1_800_000_000)
        let id = try j.startRuns([Journal.RunStart(incident: 1, playbook: driver == "ansible" ? "linux-bridge-vlan.yml" : driver,
                                                   action: action, attempt: 1, at: t0, driver: driver)])[0]
        try j.write([.finishRun(run: id, at: t0, succeeded: succeeded, changed: 1, timedOut: false, output: "")])
    }

    @Test("persistence is due after a native cut or restore until a persistence run succeeds; never after a playbook's own cut")
    func needsPersistence() throws {
        let j = try Journal(path: path)
        try j.write([.openIncident(JournalIncident(id: 1, interface: "trunk0", vlan: 20, tenant: "org-b", policy: "auto",
                                                   openedAt: Date(), state: "detected", snapshot: nil))])
        #expect(try !j.needsPersistence(incident: 1), "nothing cut yet")
        try run(j, "cut", driver: "nftables", succeeded: false)
        #expect(try !j.needsPersistence(incident: 1), "a failed cut needs no saving")
        try run(j, "cut", driver: "nftables", succeeded: true)
        #expect(try j.needsPersistence(incident: 1))
        try run(j, "persist", driver: "ansible", succeeded: false)
        #expect(try j.needsPersistence(incident: 1), "a failed persistence run does not count")
        try run(j, "persist", driver: "ansible", succeeded: true)
        #expect(try !j.needsPersistence(incident: 1))
        try run(j, "restore", driver: "snmp", succeeded: true)
        #expect(try j.needsPersistence(incident: 1), "a native restore must be saved too")
        try run(j, "cut", driver: "ansible", succeeded: true)
        #expect(try !j.needsPersistence(incident: 1), "the playbook saved its own cut")
    }
}

/// `pruneDeliveredWebhooks`: only delivered rows older than the cutoff go.
@Suite struct JournalWebhookPruneTests {
    @Test("pruning deletes rows delivered before the cutoff; later and undelivered rows (however old) stay")
    func prune() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("loopsentry-journal-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let j = try Journal(path: dir.appendingPathComponent("journal.sqlite").path)
        let day = 86_400.0
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        func row(_ id: String, created: Double, delivered: Double?) throws {
            var d = WebhookDelivery(id: id, tenant: "acme", url: "http://127.0.0.1:9/h", body: "{}", createdAt: now.addingTimeInterval(-created * day))
            d.deliveredAt = delivered.map { now.addingTimeInterval(-$0 * day) }
            try j.insertWebhook(d)
        }
        try row("old", created: 40, delivered: 31)
        try row("edge", created: 31, delivered: 30)
        try row("new", created: 2, delivered: 1)
        try row("stuck", created: 90, delivered: nil)
        let cutoff = now.addingTimeInterval(-30 * day)
        #expect(try j.pruneDeliveredWebhooks(before: cutoff) == 1)
        #expect(try j.webhooks().map(\.id) == ["stuck", "edge", "new"])
        #expect(try j.pruneDeliveredWebhooks(before: cutoff) == 0)
    }
}
