import Foundation
import Remediate
import Testing

@Suite struct JournalTests {
    let path = FileManager.default.temporaryDirectory
        .appendingPathComponent("loopsentry-journal-\(UUID().uuidString)/journal.sqlite").path

    @Test func everythingRecordedSurvivesReopening() throws {
        let t0 = Date(timeIntervalSince1970: 1_800_000_000)
        do {
            let j = try Journal(path: path)
            #expect(try j.nextIncidentID() == 1)
            try j.openIncident(JournalIncident(id: 1, interface: "trunk0", vlan: 20, tenant: "org-b", policy: "ack",
                                               openedAt: t0, state: "detected", snapshot: Data("s1".utf8)))
            try j.recordTransition(incident: 1, at: t0, from: "detected", to: "pendingAck", cause: "policy ack",
                                   detail: "waiting for an acknowledgement", snapshot: Data("s2".utf8), closed: false)
            try j.recordAction(JournalAction(incidentID: 1, at: t0, interface: "trunk0", vlan: 20, action: "acknowledgeCut",
                                             author: "alice", via: "cli uid 0", accepted: true, result: "cut started"))
            let run = try j.startPlaybook(incident: 1, playbook: "linux-bridge-vlan.yml", action: "cut", attempt: 1, at: t0)
            #expect(try j.playbookRuns(incident: 1, action: "cut") == (1, 1))
            try j.finishPlaybook(run: run, at: t0, succeeded: true, changed: 1, timedOut: false, output: "ok")
        }
        let j = try Journal(path: path)
        #expect(try j.nextIncidentID() == 2)
        let open = try j.openIncidents()
        #expect(open.count == 1 && open[0].state == "pendingAck" && open[0].snapshot == Data("s2".utf8))
        #expect(try j.playbookRuns(incident: 1, action: "cut") == (1, 0))
        #expect(try j.transitions(incident: 1).map(\.to) == ["pendingAck"])
        #expect(try j.actions().map(\.author) == ["alice"])
        try j.recordTransition(incident: 1, at: t0, from: "cut", to: "normal", cause: "restore", detail: "",
                               snapshot: nil, closed: true)
        #expect(try j.openIncidents().isEmpty)
    }
}
