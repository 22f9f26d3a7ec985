import Foundation
import LabTestSupport
import LoopSentryCore
import Testing

/// The tenant portal on the lab, in headless Chromium (Tests/Browser/portal_lab.py): a real loop
/// on org-b's ack VLAN shows up pending on org-b's page, its Acknowledge button cuts it (the
/// nftables rules are on switch 1, the daemon's status shows the cut verified and the storm
/// stopped), and org-a's page never shows VLAN 20. Saves the page to a temporary file, or to
/// LOOPSENTRY_PORTAL_SCREENSHOT when set (how docs/portal.png is made).
@Suite(.serialized, .enabled(if: runningAsRoot, rootReason), .enabled(if: FileManager.default.fileExists(atPath: "/usr/bin/chromedriver")))
final class PortalLabTests {
    let lab = SuiteLab(tag: "pt", binary: loopsentryBinary)

    init() throws { try lab.up(trafficRate: 20) }

    deinit { lab.down() }

    @Test("org-b acknowledges its looping VLAN on the page and it is cut; org-a's page never shows VLAN 20")
    func acknowledgeOnThePage() throws {
        let a = try portalToken(["--tenant", "org-a"]), b = try portalToken(["--tenant", "org-b"])
        let port = 40000 + Int(getpid() % 20000)
        let d = try DaemonHarness(lab: lab, tenants: """
              - name: org-a
                policy: alarm
                vlans: [{ interface: trunk0, vlans: "10,30" }]
              - name: org-b
                policy: ack
                ack_deadline_s: 600
                on_deadline: keep-waiting
                vlans: [{ interface: trunk0, vlans: "20" }]
                remediation: { driver: nftables, port: trunk, netns: \(lab.names.switch1) }
            """, extra: """
            portal:
              listen: "127.0.0.1:\(port)"
              tokens:
                \(a.line)
                \(b.line)
            """)
        try d.start()
        defer { _ = d.stop() }
        try lab.run(["loop", "20"])
        defer { _ = try? lab.run(["unloop", "20"]) }
        try d.waitFor(timeout: 30, "VLAN 20 pendingAck") { (try? d.state(vlan: 20)) == "pendingAck" }

        let screenshot = ProcessInfo.processInfo.environment["LOOPSENTRY_PORTAL_SCREENSHOT"]
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("loopsentry-portal-\(getpid()).png").path
        defer { if ProcessInfo.processInfo.environment["LOOPSENTRY_PORTAL_SCREENSHOT"] == nil { try? FileManager.default.removeItem(atPath: screenshot) } }
        let script = DaemonHarness.packageRoot.appendingPathComponent("Tests/Browser/portal_lab.py").path
        let run = try Shell.run(["/usr/bin/python3", script, "http://127.0.0.1:\(port)/", b.token, a.token, screenshot])
        #expect(run.status == 0, "\(run.stderr)")
        let result = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any] ?? [:]
        #expect(result["pending_seen"] as? Bool == true)
        #expect(result["cut_seen"] as? Bool == true, "\(result)")
        #expect((result["countdown"] as? String)?.hasPrefix("9:") == true, "\(result)")
        #expect((result["message"] as? String)?.hasPrefix("acknowledgeCut accepted for VLAN 20 on trunk0") == true, "\(result)")
        #expect(result["org_a_saw_20"] as? Bool == false, "\(result)")
        #expect((result["org_a_vlans"] as? [Int])?.contains(20) == false)
        print("portal page: \(result)")

        // The cut is real: the nftables rules on switch 1, and the daemon's own verification.
        let rules = try lab.cutRules().split(separator: "\n").filter { $0.contains("vlan id 20 ") && $0.contains("drop") }
        #expect(rules.count == 2, "\(rules)")
        try d.waitFor(timeout: 10, "VLAN 20 cut") { (try? d.state(vlan: 20)) == "cut" }
        let row = try #require(try d.status().first { $0.vlan == 20 })
        #expect(row.broadcastPerSecond < 500, "storm still at \(row.broadcastPerSecond)/s after the cut")
        #expect(row.lastAction.hasPrefix("acknowledgeCut by org-b-portal"), "\(row.lastAction)")
        // Journaled with the token's name and the source address.
        let actions = try Shell.must(["sqlite3", d.journal, "SELECT action, author, via, accepted FROM action ORDER BY id"])
        #expect(actions.contains("acknowledgeCut|org-b-portal|api 127.0.0.1; comment: from the portal page|1"), "\(actions)")
        #expect(try lab.cutRules().contains("vlan id 10 ") == false)
    }
}
