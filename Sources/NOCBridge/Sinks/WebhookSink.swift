import Foundation
import LoopSentryCore

/// Tenants' webhooks as a NOC sink: each admitted notification about a tenant's VLAN becomes
/// one delivery per webhook of the tenant, written to the store (the journal) first, then
/// POSTed by the delivery worker with retries until a 2xx. Undelivered rows of an earlier run
/// are resumed when the sink opens.
public final class WebhookSink: NOCSink {
    public let name: String
    private let targets: [String: [WebhookTarget]]
    private let store: WebhookStore
    private let sensor: Int?
    private let sensorName: String?
    private let clock: @Sendable () -> Date
    private let report: @Sendable (WebhookReport) -> Void
    private let worker: WebhookWorker

    /// Opens the sink for `targets`, resuming the store's undelivered rows. `sensor` goes into
    /// every body, and `sensorName` as `sensor_name` (each omitted when nil); `report` hears every
    /// attempt's result. With `retention`, delivered rows older than it are pruned every day.
    public init(targets: [WebhookTarget], store: WebhookStore, sensor: Int?, sensorName: String? = nil, backoff: WebhookBackoff = WebhookBackoff(),
                retention: WebhookRetention? = nil, clock: @escaping @Sendable () -> Date = { Date() },
                report: @escaping @Sendable (WebhookReport) -> Void) throws {
        name = "webhooks \(targets.count) URL(s)"
        self.targets = Dictionary(grouping: targets, by: \.tenant)
        self.store = store
        self.sensor = sensor
        self.sensorName = sensorName
        self.clock = clock
        self.report = report
        let pending = try store.undeliveredWebhooks()
        worker = WebhookWorker(outbox: WebhookOutbox(pending: pending, backoff: backoff), store: store, targets: targets,
                               retention: retention, clock: clock, report: report)
        worker.start()
    }

    /// Rows resumed or added and not delivered yet.
    public var pendingCount: Int { worker.pendingCount }

    public func notify(_ notification: NOCNotification, incident: UInt64?, detail: String) {
        let now = clock()
        for t in targets[notification.tenant] ?? [] {
            let id = UUID().uuidString.lowercased()
            let body = WebhookPayload(id: id, sensor: sensor, sensorName: sensorName, notification: notification, incident: incident, detail: detail,
                                      time: now).json()
            let delivery = WebhookDelivery(id: id, tenant: t.tenant, url: t.url, body: body, createdAt: now)
            do {
                try store.insertWebhook(delivery)
            } catch {
                report(.notJournaled(delivery, reason: "\(error)"))
            }
            worker.add(delivery)
        }
    }

    public func close() { worker.stop(timeout: 2) }
}
