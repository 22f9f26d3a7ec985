import Foundation
import Remediate
import Testing

/// Incidents about a VXLAN VNI are journaled with their VNI; a journal written before the `vni`
/// column existed is migrated in place, its rows kept and read back as VLAN incidents.
@Suite struct JournalVNITests {
    let path = FileManager.default.temporaryDirectory
        .appendingPathComponent("loopsentry-journal-\(UUID().uuidString)/journal.sqlite").path
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    @Test("a VNI incident is stored and read back with its VNI, a VLAN incident with none")
    func vniIncidentRoundTrips() throws {
        let j = try Journal(path: path)
        try j.write([
            .openIncident(JournalIncident(id: 1, interface: "underlay0", vlan: 0, vni: 5001, tenant: "org-v", policy: "alarm",
                                          openedAt: t0, state: "normal", snapshot: nil)),
            .openIncident(JournalIncident(id: 2, interface: "trunk0", vlan: 20, tenant: "org-b", policy: "ack",
                                          openedAt: t0, state: "normal", snapshot: nil)),
        ])
        let open = try j.openIncidents()
        #expect(open.map(\.vni) == [5001, nil])
        #expect(open.map(\.vlan) == [0, 20])
        #expect(try JournalQueries(path: path).incident(id: 1)?.vni == 5001)
    }

    @Test("a journal from before the vni column is migrated: its rows stay and read back without a VNI")
    func oldJournalIsMigrated() throws {
        do {
            let j = try Journal(path: path)
            try j.write([.openIncident(JournalIncident(id: 1, interface: "trunk0", vlan: 20, tenant: "org-b", policy: "ack",
                                                       openedAt: t0, state: "detected", snapshot: nil))])
            try j.checkpoint()
        }
        // Turn it back into the previous schema (as an older release left it), with sqlite3.
        _ = try AnsibleTestShell.must(["sqlite3", path,
                                       "ALTER TABLE incident DROP COLUMN vni; DELETE FROM grdb_migrations WHERE identifier = 'v4-vni';"])
        #expect(try AnsibleTestShell.must(["sqlite3", path, "SELECT count(*) FROM pragma_table_info('incident') WHERE name = 'vni'"]) == "0\n")
        let j = try Journal(path: path)
        #expect(try j.openIncidents().map { "\($0.id) \($0.interface)/\($0.vlan) \($0.vni.map(String.init) ?? "-") \($0.state)" }
            == ["1 trunk0/20 - detected"])
        try j.write([.openIncident(JournalIncident(id: 2, interface: "underlay0", vlan: 0, vni: 16_777_215, tenant: "", policy: "alarm",
                                                   openedAt: t0, state: "normal", snapshot: nil))])
        try j.checkpoint()
        #expect(try AnsibleTestShell.must(["sqlite3", path, "SELECT id, vlan, ifnull(vni, '-') FROM incident ORDER BY id"])
            == "1|20|-\n2|0|16777215\n")
    }
}
