import Foundation
import GRDB
import LoopSentryCore

/// The `webhookDelivery` table: every webhook POST is a row before its first attempt and is
/// updated after each one, so deliveries pending at a kill -9 are resumed at the next start.
extension Journal {
    public func insertWebhook(_ d: WebhookDelivery) throws {
        try db.write { db in
            try db.execute(sql: """
                INSERT INTO webhookDelivery (id, tenant, url, body, createdAt, attempts, nextAttemptAt, deliveredAt, lastError)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [d.id, d.tenant, d.url, d.body, d.createdAt.timeIntervalSince1970, d.attempts,
                                 d.nextAttemptAt.timeIntervalSince1970, d.deliveredAt?.timeIntervalSince1970, d.lastError])
        }
    }

    /// Writes an attempt's result: attempts, next attempt, delivered time, last error.
    public func updateWebhook(_ d: WebhookDelivery) throws {
        try db.write { db in
            try db.execute(sql: "UPDATE webhookDelivery SET attempts = ?, nextAttemptAt = ?, deliveredAt = ?, lastError = ? WHERE id = ?",
                           arguments: [d.attempts, d.nextAttemptAt.timeIntervalSince1970, d.deliveredAt?.timeIntervalSince1970,
                                       d.lastError, d.id])
        }
    }

    /// Deletes the rows delivered before `cutoff` (the retention's end); undelivered rows always
    /// stay. Returns how many were deleted.
    public func pruneDeliveredWebhooks(before cutoff: Date) throws -> Int {
        try db.write { db in
            try db.execute(sql: "DELETE FROM webhookDelivery WHERE deliveredAt IS NOT NULL AND deliveredAt < ?",
                           arguments: [cutoff.timeIntervalSince1970])
            return db.changesCount
        }
    }

    /// Deliveries not delivered yet, oldest first.
    public func undeliveredWebhooks() throws -> [WebhookDelivery] {
        try db.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM webhookDelivery WHERE deliveredAt IS NULL ORDER BY createdAt, rowid")
                .map(Self.webhook(row:))
        }
    }

    /// Every delivery, oldest first (tests and diagnostics).
    public func webhooks() throws -> [WebhookDelivery] {
        try db.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM webhookDelivery ORDER BY createdAt, rowid").map(Self.webhook(row:))
        }
    }

    static func webhook(row: Row) -> WebhookDelivery {
        WebhookDelivery(id: row["id"], tenant: row["tenant"], url: row["url"], body: row["body"],
                        createdAt: Date(timeIntervalSince1970: row["createdAt"]), attempts: row["attempts"],
                        nextAttemptAt: Date(timeIntervalSince1970: row["nextAttemptAt"]),
                        deliveredAt: (row["deliveredAt"] as Double?).map(Date.init(timeIntervalSince1970:)),
                        lastError: row["lastError"])
    }
}
