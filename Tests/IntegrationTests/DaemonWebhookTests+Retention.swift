import Foundation
import LoopSentryCore
import Testing

/// `webhooks.retention_days`: delivered rows older than the retention leave the journal at start.
extension DaemonWebhookTests {
    @Test("at start, rows delivered more than retention_days ago are deleted; newer and undelivered rows stay")
    func retentionPrunesAtStart() throws {
        let (r, d) = try afterACut(mode: "ok")
        let rows = try expectAllDeliveredOnce(d, r)
        #expect(rows.count >= 2)
        #expect(d.events("webhooksPruned").last?.detail == "0 delivered row(s) older than 30 day(s) deleted")
        #expect(d.stop() == 0)

        // Age the first row's delivery by 31 days and add an undelivered row created 60 days ago.
        let old = try #require(rows.first?["id"] as? String)
        let now = Date().timeIntervalSince1970
        _ = try Shell.must(["/usr/bin/sqlite3", d.journal, """
            UPDATE webhookDelivery SET deliveredAt = deliveredAt - \(31 * 86_400) WHERE id = '\(old)';
            INSERT INTO webhookDelivery (id, tenant, url, body, createdAt, attempts, nextAttemptAt, deliveredAt, lastError)
            VALUES ('stale-undelivered', 'org-b', 'http://127.0.0.1:9/gone', '{}', \(now - 60 * 86_400), 3, \(now), NULL, 'HTTP 500');
            """])
        try d.start()
        // Events are read from the running process's output: this start's only.
        try d.waitFor(timeout: 10, "webhooksPruned after the restart") { !d.events("webhooksPruned").isEmpty }
        #expect(d.events("webhooksPruned").last?.detail == "1 delivered row(s) older than 30 day(s) deleted")
        let after = Set(try d.webhookRows().compactMap { $0["id"] as? String })
        let expected = Set(rows.compactMap { $0["id"] as? String }).subtracting([old]).union(["stale-undelivered"])
        #expect(after == expected)
        #expect(d.events("webhookAbandoned").contains { ($0.detail ?? "").hasPrefix("stale-undelivered:") })
        #expect(d.stop() == 0)
    }
}
