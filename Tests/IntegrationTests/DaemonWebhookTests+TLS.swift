import Foundation
import LoopSentryCore
import Testing

/// https delivery to real TLS receivers (Python's ssl module) with a test CA made by openssl.
extension DaemonWebhookTests {
    @Test("https: a receiver whose certificate chains to ca_file gets every delivery; an untrusted certificate or no answer is a failed attempt saying why")
    func httpsWithPrivateCA() throws {
        let pki = try WebhookTestPKI()
        defer { pki.remove() }
        let trusted = try WebhookReceiver(secret: "tls-\(UUID().uuidString)", tls: (pki.serverCertificate, pki.serverKey))
        let untrusted = try WebhookReceiver(secret: "rogue-\(UUID().uuidString)", tls: (pki.untrustedCertificate, pki.untrustedKey))
        let hung = try WebhookReceiver(secret: "hung-\(UUID().uuidString)", mode: "hang", hang: 60, tls: (pki.serverCertificate, pki.serverKey))
        #expect(trusted.url.hasPrefix("https://127.0.0.1:") && untrusted.url.hasPrefix("https://127.0.0.1:"))
        let d = try VethDaemon(lab: lab, playbooks: Self.noop, target: "playbook: noop.yml, host: edge-sw9, port: \(lab.trunk)",
                               webhooks: "{ url: \"\(trusted.url)\", secret_file: \(trusted.secretFile), ca_file: \(pki.caFile), timeout_s: 5 }, "
                                   + "{ url: \"\(untrusted.url)\", secret_file: \(untrusted.secretFile), ca_file: \(pki.caFile), timeout_s: 5 }, "
                                   + "{ url: \"\(hung.url)\", secret_file: \(hung.secretFile), ca_file: \(pki.caFile), timeout_s: 2 }")
        try d.start()
        try stormUntilCut(d)

        func rows(_ url: String) throws -> [[String: Any]] { try d.webhookRows().filter { $0["url"] as? String == url } }
        try d.waitFor(timeout: 40, "every delivery to the trusted receiver accepted") {
            let ids = Set(try rows(trusted.url).compactMap { $0["id"] as? String })
            return try !ids.isEmpty && Set(trusted.accepted().keys) == ids
        }
        let notifications = d.events("notification", vlan: 20)
        #expect(try rows(trusted.url).count == notifications.count)
        #expect(try trusted.accepted().values.allSatisfy { $0 == 1 })
        #expect(try trusted.requests().allSatisfy { $0["verified"] as? Bool == true && $0["contentType"] as? String == "application/json"
            && $0["path"] as? String == "/hooks/loopsentry" })
        try d.waitFor(timeout: 5, "trusted rows marked delivered") {
            try rows(trusted.url).allSatisfy { ($0["deliveredAt"] as? Double) != nil && $0["attempts"] as? Int == 0 }
        }

        try d.waitFor(timeout: 20, "a failed attempt to the untrusted receiver") {
            try rows(untrusted.url).contains { ($0["attempts"] as? Int ?? 0) >= 1 }
        }
        let failed = try rows(untrusted.url).filter { ($0["attempts"] as? Int ?? 0) >= 1 }
        #expect(failed.allSatisfy { $0["lastError"] as? String == "SSL_connect: self-signed certificate" && ($0["deliveredAt"] as? Double) == nil },
                "\(failed.map { $0["lastError"] ?? "nil" })")
        #expect(d.events("webhookFailed").contains { ($0.detail ?? "").contains("\(untrusted.url): SSL_connect: self-signed certificate") })
        #expect(try untrusted.requests().isEmpty, "no request crossed the refused handshake")

        // A receiver that completes the handshake, takes the request and never answers: timed out.
        try d.waitFor(timeout: 20, "a timed-out attempt to the hung https receiver") {
            try rows(hung.url).contains { $0["lastError"] as? String == "timed out after 2 s" }
        }
        #expect(try hung.requests().first?["verified"] as? Bool == true, "the request arrived whole and signed")
        #expect(d.stop() == 0)
    }
}
