import Foundation
import Testing

/// The portal of a running daemon (on a `VethLab`, no fixed names): the real coordinator's
/// answers through the API, tenant rows from the published status, the journal's records of API
/// actions, and /metrics for the NOC.
@Suite(.serialized, .enabled(if: runningAsRoot, rootReason))
final class DaemonPortalTests {
    /// curl: (status, body).
    func call(_ method: String, _ url: String, token: String?) throws -> (Int, String) { try curlCall(method, url, token: token) }

    @Test("through the API the daemon refuses in its own words, a tenant sees and acts on its VLANs only, actions are journaled")
    func portalOfTheDaemon() throws {
        let lab = try VethLab()
        defer { lab.destroy() }
        let b = try portalToken(["--tenant", "org-b"]), noc = try portalToken(["--noc"])
        let port = 30000 + Int(getpid() % 20000)
        let d = try VethDaemon(lab: lab, playbooks: ["noop.yml": "- hosts: all\n  gather_facts: false\n  tasks: []\n"],
                               target: "playbook: noop.yml, host: localhost, port: \(lab.trunk)", extra: """
                               sensor:
                                 name: edge-7
                               portal:
                                 listen: "127.0.0.1:\(port)"
                                 tokens:
                                   \(b.line)
                                   \(noc.line)
                               """)
        try d.start()
        defer { _ = d.stop() }
        let base = "http://127.0.0.1:\(port)"
        try lab.send(["--vlan", "20", "30", "--count", "20"])
        #expect(eventually(timeout: 10) { d.frames(vlan: 20) == 20 && d.frames(vlan: 30) == 20 })
        #expect(eventually(timeout: 5) { ((try? self.call("GET", "\(base)/api/v1/vlans", token: noc.token).1) ?? "").contains(#""vlan":30"#) })

        let (s1, own) = try call("GET", "\(base)/api/v1/vlans", token: b.token)
        #expect(s1 == 200 && own.contains(#""vlan":20"#) && !own.contains(#""vlan":30"#), "\(own)")
        #expect(own.hasPrefix(#"{"sensor":"edge-7","vlans":["#), "\(own)")
        let (s2, refused) = try call("POST", "\(base)/api/v1/vlans/\(lab.trunk)/20/ack", token: b.token)
        #expect(s2 == 409)
        #expect(refused == #"{"error":"VLAN 20 on \#(lab.trunk) is normal, not pendingAck: nothing to acknowledge"}"#)
        #expect(try call("POST", "\(base)/api/v1/vlans/\(lab.trunk)/30/ack", token: b.token) == (404, #"{"error":"no VLAN 30 on \#(lab.trunk)"}"#))
        #expect(try call("POST", "\(base)/api/v1/vlans/eth9/20/ack", token: b.token) == (404, #"{"error":"no VLAN 20 on eth9"}"#))
        #expect(try call("POST", "\(base)/api/v1/vlans/\(lab.trunk)/20/ack", token: nil).0 == 401)
        #expect(try call("GET", "\(base)/api/v1/incidents", token: b.token) == (200, #"{"incidents":[]}"#))
        #expect(try call("GET", "\(base)/metrics", token: b.token).0 == 403)
        let (s3, metrics) = try call("GET", "\(base)/metrics", token: noc.token)
        #expect(s3 == 200 && metrics.contains("loopsentry_vlan_frames_total{interface=\"\(lab.trunk)\",vlan=\"30\""))

        let actions = try Shell.must(["sqlite3", d.journal, "SELECT action, author, via, accepted FROM action ORDER BY id"])
        #expect(actions == "acknowledgeCut|org-b-portal|api 127.0.0.1|0\n", "\(actions)")
        #expect(d.events("portalStarted").first?.detail == "portal http://127.0.0.1:\(port)/ with 2 token(s)")

        // An open event stream carries the rates and does not hold up SIGTERM: it ends, and the daemon exits 0.
        let events = try BackgroundProcess(["/usr/bin/curl", "-sN", "-H", "Authorization: Bearer \(b.token)", "\(base)/api/v1/events"], name: "events")
        #expect(eventually(timeout: 10) { events.stdoutLines.contains { $0.hasPrefix("data: ") && $0.contains(#""vlan":20"#) } })
        #expect(!events.stdoutLines.contains { $0.contains(#""vlan":30"#) })
        let start = Date()
        #expect(d.stop() == 0)
        #expect(Date().timeIntervalSince(start) < 10)
        #expect(events.wait(timeout: 5) != nil, "the event stream stayed open after the daemon stopped")
    }
}
