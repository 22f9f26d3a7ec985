import Foundation
import LoopSentryCore
import Testing

/// Tenant webhooks from a real `loopsentry run` on a private veth pair to a local receiver
/// (Tests/Emulators/webhook_receiver.py) that checks signatures with Python's hmac.
@Suite(.serialized, .enabled(if: runningAsRoot, rootReason))
final class DaemonWebhookTests {
    static let noop = ["noop.yml": "- hosts: \"{{ target_host }}\"\n  gather_facts: false\n  tasks:\n    - ansible.builtin.debug: { msg: ok }\n"]
    static let bodyKeys: Set<String> = ["id", "sensor", "tenant", "interface", "vlan", "notification", "state", "incident",
                                        "rate", "threshold", "author", "detail", "time", "sensor_name"]
    let lab: VethLab

    init() throws { lab = try VethLab() }
    deinit { lab.destroy() }

    func daemon(_ receiver: WebhookReceiver, timeout: Int = 2) throws -> VethDaemon {
        try VethDaemon(lab: lab, playbooks: Self.noop, target: "playbook: noop.yml, host: edge-sw9, port: \(lab.trunk)",
                       webhooks: "{ url: \"\(receiver.url)\", secret_file: \(receiver.secretFile), timeout_s: \(timeout) }")
    }

    /// A receiver in `mode`, and a started daemon whose tenant's storm on VLAN 20 was cut: its
    /// notifications are being delivered.
    func afterACut(mode: String, hang: Double = 30) throws -> (WebhookReceiver, VethDaemon) {
        let r = try WebhookReceiver(secret: "org-b-\(UUID().uuidString)", mode: mode, hang: hang)
        let d = try daemon(r)
        try d.start()
        try stormUntilCut(d)
        return (r, d)
    }

    /// Floods VLAN 20 until the cut starts, then stops the flood (the "cut" worked) and waits
    /// for cutApplied.
    func stormUntilCut(_ d: VethDaemon) throws {
        let flood = try startFlood(lab, vlan: 20, rate: 3000)
        defer { flood.signal(SIGTERM); _ = flood.wait(timeout: 5) }
        try d.waitFor(timeout: 10, "cutStarted") { !d.events("cutStarted", vlan: 20).isEmpty }
        flood.signal(SIGTERM)
        _ = flood.wait(timeout: 5)
        try d.waitFor(timeout: 15, "cutApplied") { !d.notifications("cutApplied", vlan: 20).isEmpty }
    }

    /// Every journaled delivery was accepted by the receiver exactly once, and nothing else was.
    func expectAllDeliveredOnce(_ d: VethDaemon, _ r: WebhookReceiver, timeout: Double = 40) throws -> [[String: Any]] {
        try d.waitFor(timeout: timeout, "every journaled webhook accepted") {
            let ids = Set(try d.webhookRows().compactMap { $0["id"] as? String })
            let accepted = Set(try r.accepted().keys)
            return !ids.isEmpty && accepted == ids
        }
        let rows = try d.webhookRows()
        let accepted = try r.accepted()
        #expect(Set(accepted.keys) == Set(rows.compactMap { $0["id"] as? String }))
        #expect(accepted.values.allSatisfy { $0 == 1 }, "exactly once per delivery id: \(accepted)")
        try d.waitFor(timeout: 5, "every row marked delivered") { try d.webhookRows().allSatisfy { ($0["deliveredAt"] as? Double) != nil } }
        return try d.webhookRows()
    }

    @Test("signed POSTs: Python's hmac verifies each, a wrong secret does not; the body has exactly the documented fields")
    func signatureAndBody() throws {
        let (r, d) = try afterACut(mode: "ok")
        let rows = try expectAllDeliveredOnce(d, r)
        let notifications = d.events("notification", vlan: 20)
        #expect(rows.count == notifications.count, "one delivery per notification (one URL)")
        #expect(Set(notifications.compactMap(\.notification)).isSuperset(of: ["stormDetected", "cutApplied"]))
        #expect(rows.allSatisfy { $0["attempts"] as? Int == 0 && $0["url"] as? String == r.url && $0["tenant"] as? String == "org-b" })

        let requests = try r.requests()
        #expect(requests.count == rows.count)
        for q in requests {
            #expect(q["verified"] as? Bool == true && q["contentType"] as? String == "application/json")
            #expect(abs(q["skew"] as? Double ?? 1e9) < 10)
            let body = try #require(q["body"] as? [String: Any])
            #expect(Set(body.keys) == Self.bodyKeys)
            #expect(body["id"] as? String == q["delivery"] as? String)
            #expect(body["tenant"] as? String == "org-b" && body["interface"] as? String == lab.trunk && body["vlan"] as? Int == 20)
            #expect(body["sensor"] as? Int == 1 && body["incident"] as? Int == notifications.first?.incident.map { Int($0) })
            #expect(q["raw"] as? String == rows.first { $0["id"] as? String == body["id"] as? String }?["body"] as? String,
                    "the journaled body is the body sent")
        }
        #expect(requests.compactMap { ($0["body"] as? [String: Any])?["notification"] as? String }
                == notifications.compactMap(\.notification))
        let cut = try #require(requests.compactMap { $0["body"] as? [String: Any] }.first { $0["notification"] as? String == "cutApplied" })
        #expect(cut["state"] as? String == "cut" && cut["author"] as? String == "auto")

        // The receiver's check discriminates: the same signature and body fail with another secret.
        let q = try #require(requests.first)
        let check = """
        import importlib.util, sys, time
        spec = importlib.util.spec_from_file_location("r", sys.argv[1]); m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)
        body = sys.argv[3].encode()
        print(m.verify(open(sys.argv[2], "rb").read().strip(), sys.argv[4], body, time.time())[0],
              m.verify(b"another-secret", sys.argv[4], body, time.time())[0],
              m.verify(open(sys.argv[2], "rb").read().strip(), sys.argv[4], body, time.time() + 301)[0])
        """
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Emulators/webhook_receiver.py").path
        let out = try Shell.must(["/usr/bin/python3", "-c", check, script, r.secretFile, q["raw"] as? String ?? "",
                                  q["signature"] as? String ?? ""])
        #expect(out.trimmingCharacters(in: .whitespacesAndNewlines) == "True False False")
        #expect(d.stop() == 0)
    }

    @Test("the receiver fails (500), then recovers: delivered after jittered retries (0.5-1 s, 1-2 s, 2-4 s apart), exactly once per delivery id")
    func failThenRecover() throws {
        let (r, d) = try afterACut(mode: "fail")
        try d.waitFor(timeout: 20, "three attempts of one delivery") {
            Dictionary(grouping: try r.requests(), by: { $0["delivery"] as? String ?? "" }).values.contains { $0.count >= 3 }
        }
        #expect(try r.accepted().isEmpty)
        #expect(d.events("webhookFailed").contains { ($0.detail ?? "").contains("HTTP 500") })
        try r.setMode("ok")
        let rows = try expectAllDeliveredOnce(d, r)
        #expect(rows.allSatisfy { ($0["attempts"] as? Int ?? 0) >= 1 && $0["lastError"] as? String == "HTTP 500" })

        // The attempts of the first delivery: 0.5-1 s, then 1-2 s, then 2-4 s apart (equal jitter,
        // within scheduling slack).
        let first = try r.requests().filter { $0["delivery"] as? String == rows.first?["id"] as? String }.compactMap { $0["at"] as? Double }
        let gaps = zip(first.dropFirst(), first).map { $0 - $1 }
        #expect(gaps.count >= 2)
        for (i, gap) in gaps.prefix(3).enumerated() {
            let ceiling = Double(1 << i)
            #expect(gap >= ceiling / 2 - 0.1 && gap < ceiling + 1.5, "gap \(i): \(gaps)")
        }
        #expect(d.stop() == 0)
    }

    @Test("the receiver hangs: the request times out, is retried, and is delivered once the receiver answers")
    func hangThenRecover() throws {
        let (r, d) = try afterACut(mode: "hang", hang: 20)
        try d.waitFor(timeout: 30, "a timed-out attempt") {
            d.events("webhookFailed").contains { ($0.detail ?? "").contains("timed out after 2 s") }
        }
        #expect(try r.accepted().isEmpty)
        try r.setMode("ok")
        let rows = try expectAllDeliveredOnce(d, r, timeout: 60)
        #expect(rows.contains { $0["lastError"] as? String == "timed out after 2 s" })
        #expect(d.stop() == 0)
    }

    @Test("kill -9 with deliveries pending: after the restart every journaled delivery arrives, exactly once")
    func killWhilePending() throws {
        let (r, d) = try afterACut(mode: "fail")
        try d.waitFor(timeout: 20, "a failed attempt") { try r.requests().count >= 2 }
        d.daemon?.signal(SIGKILL)
        #expect(d.daemon?.wait(timeout: 5) != nil)
        let pending = try d.webhookRows()
        #expect(pending.count >= 2 && pending.allSatisfy { ($0["deliveredAt"] as? Double) == nil },
                "all pending at the kill: \(pending)")
        #expect(try r.accepted().isEmpty)

        try r.setMode("ok")
        try d.start()
        #expect(d.events("webhooksStarted").last?.detail?.hasSuffix("\(pending.count) undelivered resumed") == true)
        let rows = try expectAllDeliveredOnce(d, r)
        let before = Set(pending.compactMap { $0["id"] as? String })
        #expect(before.isSubset(of: Set(rows.compactMap { $0["id"] as? String })), "none lost")
        #expect(Set(try r.accepted().keys).isSuperset(of: before))
        #expect(d.stop() == 0)
    }

    @Test("bad webhook lines: `run` and `check-config` refuse with one line naming key and line; nothing starts")
    func badConfig() throws {
        let r = try WebhookReceiver(secret: "s")
        let badURL = try VethDaemon(lab: lab, playbooks: Self.noop, target: "playbook: noop.yml, host: h, port: \(lab.trunk)",
                                    webhooks: "{ url: \"ftp://127.0.0.1/x\", secret_file: \(r.secretFile) }")
        let line = try badURL.configLine(containing: "webhooks:")
        try expectRefused(badURL, "loopsentry: \(badURL.configPath): tenants[0].webhooks[0].url (line \(line)): "
                          + "'ftp://127.0.0.1/x' is not an http:// or https:// URL with a host\n")

        chmod(r.secretFile, 0o644)
        let readable = try daemon(r)
        try expectRefused(readable, "loopsentry: \(readable.configPath): tenants[0].webhooks[0].secret_file (line \(line)): secret file "
                          + "\(r.secretFile) is readable by group or others (mode 644): chmod 600 it\n")
    }

    func expectRefused(_ d: VethDaemon, _ expected: String) throws {
        let run = try d.runExpectingRefusal()
        #expect(run.status == 1)
        #expect(run.stderr == expected)
        #expect(run.stdout.isEmpty, "nothing may start: \(run.stdout)")
        #expect(!FileManager.default.fileExists(atPath: d.journal), "no journal is created")
        let check = try Shell.run([loopsentryBinary, "check-config", d.configPath])
        #expect(check.status == 1)
        #expect(check.stderr == expected)
    }
}
