import Foundation
import LoopSentryConfig
import LoopSentryCore
import LoopSentrySystem
import NOCBridge
import Remediate

/// The journal keeps webhook deliveries until they are delivered.
extension Journal: WebhookStore {}

extension Daemon {
    /// Opens the tenants' webhooks (when any is configured or undelivered): the sink resumes the
    /// journal's undelivered rows and reports every attempt to the event log.
    func openWebhooks() throws {
        var targets: [WebhookTarget] = []
        for t in config.tenants {
            for w in t.webhooks {
                guard let secret = ConfigLoader.webhookSecret(path: w.secretFile), !secret.isEmpty else {
                    throw WebhookSetupFailure(description: "tenant \(t.name): webhook secret file \(w.secretFile) cannot be read or is empty")
                }
                targets.append(WebhookTarget(tenant: t.name, url: w.url, secret: secret, timeout: Double(w.timeoutSeconds), caFile: w.caFile))
            }
        }
        // Delivered rows past the retention go at start (and then daily, while the sink runs).
        let retention = WebhookRetention(days: config.webhooks.retentionDays)
        log.write(Self.record(retention.prune(journal, at: Date())))
        // With no webhook left, earlier undelivered rows are still opened, to be reported abandoned.
        let leftover = try journal.undeliveredWebhooks()
        guard !targets.isEmpty || !leftover.isEmpty else { return }
        let log = self.log
        let sink = try WebhookSink(targets: targets, store: journal, sensor: Int(config.sensor.sensorID),
                                   sensorName: config.sensor.effectiveName, retention: retention) { report in
            log.write(Self.record(report))
        }
        sinks.add(sink)
        log.write("webhooksStarted", detail: "\(targets.count) URL(s), \(sink.pendingCount) undelivered resumed",
                  at: MonotonicClock.nanos())
    }

    /// The event-log line of a delivery attempt's result.
    static func record(_ report: WebhookReport) -> EventRecord {
        let now = MonotonicClock.nanos()
        switch report {
        case let .delivered(d):
            return EventRecord("webhookDelivered", at: now, tenant: d.tenant, detail: "\(d.id) to \(d.url) after \(d.attempts) failed attempt(s)")
        case let .failed(d):
            let wait = max(0, d.nextAttemptAt.timeIntervalSinceNow)
            return EventRecord("webhookFailed", at: now, tenant: d.tenant,
                               detail: "\(d.id) to \(d.url): \(d.lastError ?? "?"); attempt \(d.attempts + 1) in \(Int(wait.rounded())) s")
        case let .notJournaled(d, reason):
            return EventRecord("webhookNotJournaled", at: now, tenant: d.tenant, detail: "\(d.id) to \(d.url): \(reason)")
        case let .abandoned(d, reason):
            return EventRecord("webhookAbandoned", at: now, tenant: d.tenant, detail: "\(d.id): \(reason)")
        case let .pruned(count, days):
            return EventRecord("webhooksPruned", at: now, detail: "\(count) delivered row(s) older than \(days) day(s) deleted")
        case let .pruneFailed(reason):
            return EventRecord("webhookPruneFailed", at: now, detail: reason)
        }
    }
}

/// A webhook that cannot be opened, in one line.
struct WebhookSetupFailure: Error, CustomStringConvertible {
    let description: String
}
