import Foundation
import LoopSentryCore
import Testing

/// Delivery lanes: each URL is served on its own, so a receiver that never answers holds only
/// its own deliveries.
extension DaemonWebhookTests {
    @Test("a hanging receiver holds only its own lane: the healthy URL gets every delivery, in order, while the hung attempt still waits")
    func hangingReceiverDoesNotBlockOthers() throws {
        let hung = try WebhookReceiver(secret: "hung-\(UUID().uuidString)", mode: "hang", hang: 120)
        let healthy = try WebhookReceiver(secret: "healthy-\(UUID().uuidString)")
        // The hanging URL comes first: a single sender would wait its 60 s before anything else.
        let d = try VethDaemon(lab: lab, playbooks: Self.noop, target: "playbook: noop.yml, host: edge-sw9, port: \(lab.trunk)",
                               webhooks: "{ url: \"\(hung.url)\", secret_file: \(hung.secretFile), timeout_s: 60 }, "
                                   + "{ url: \"\(healthy.url)\", secret_file: \(healthy.secretFile), timeout_s: 5 }")
        try d.start()
        try stormUntilCut(d)
        try d.waitFor(timeout: 20, "the hanging receiver holds the first attempt") { try hung.requests().count == 1 }

        func rows(_ url: String) throws -> [[String: Any]] { try d.webhookRows().filter { $0["url"] as? String == url } }
        try d.waitFor(timeout: 30, "every delivery to the healthy URL accepted") {
            let ids = Set(try rows(healthy.url).compactMap { $0["id"] as? String })
            return try !ids.isEmpty && Set(healthy.accepted().keys) == ids
        }
        // Read the hung lane first: any timeout from here on would show in what follows.
        let hungEvents = d.events("webhookFailed").filter { ($0.detail ?? "").contains(hung.url) }
        let hungRows = try rows(hung.url)
        #expect(hungEvents.isEmpty, "the hung attempt has not timed out yet: \(hungEvents.compactMap(\.detail))")
        #expect(try hung.requests().count == 1, "one request at a time within a lane")
        #expect(hungRows.allSatisfy { $0["attempts"] as? Int == 0 && ($0["deliveredAt"] as? Double) == nil })

        let notifications = d.events("notification", vlan: 20)
        let healthyRows = try rows(healthy.url)
        #expect(healthyRows.count == notifications.count && hungRows.count == notifications.count, "one delivery per notification and URL")
        #expect(notifications.count >= 2)
        #expect(try healthy.accepted().values.allSatisfy { $0 == 1 })
        #expect(try healthy.requests().compactMap { ($0["body"] as? [String: Any])?["notification"] as? String }
                == notifications.compactMap(\.notification), "order kept within the lane")
        try d.waitFor(timeout: 5, "healthy rows marked delivered") {
            try rows(healthy.url).allSatisfy { ($0["deliveredAt"] as? Double) != nil && $0["attempts"] as? Int == 0 }
        }
        #expect(d.events("webhookDelivered").filter { ($0.detail ?? "").contains(healthy.url) }.count == notifications.count)
        #expect(d.stop() == 0)
        #expect(try rows(hung.url).allSatisfy { ($0["deliveredAt"] as? Double) == nil }, "the hung lane's rows stay for the next start")
    }
}
