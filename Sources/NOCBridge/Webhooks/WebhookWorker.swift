import Foundation
import LoopSentryCore

/// The delivery worker: a thread of its own that POSTs what the `WebhookOutbox` says is due,
/// one request at a time, and writes each result back to the store (delivered on 2xx, else the
/// next attempt after the backoff). It sleeps until the next attempt is due or a delivery is added.
final class WebhookWorker: @unchecked Sendable {
    private let condition = NSCondition()
    private var outbox: WebhookOutbox
    private var stopping = false
    private var exited = false
    private let store: WebhookStore
    /// (tenant, URL) → its target; a row whose target is no longer configured is not sent.
    private let targets: [String: WebhookTarget]
    private let client = WebhookHTTPClient()
    private let clock: @Sendable () -> Date
    private let report: @Sendable (WebhookReport) -> Void

    init(outbox: WebhookOutbox, store: WebhookStore, targets: [WebhookTarget], clock: @escaping @Sendable () -> Date,
         report: @escaping @Sendable (WebhookReport) -> Void) {
        self.outbox = outbox
        self.store = store
        self.targets = Dictionary(targets.map { (Self.key($0.tenant, $0.url), $0) }, uniquingKeysWith: { a, _ in a })
        self.clock = clock
        self.report = report
    }

    static func key(_ tenant: String, _ url: String) -> String { "\(tenant) \(url)" }

    func start() {
        let thread = Thread { [self] in run() }
        thread.name = "ls-webhooks"
        thread.start()
    }

    func add(_ delivery: WebhookDelivery) {
        condition.withLock {
            outbox.add(delivery)
            condition.broadcast()
        }
    }

    /// Deliveries not delivered yet.
    var pendingCount: Int { condition.withLock { outbox.pending.count } }

    /// Stops after the current attempt (cancelled); waits at most `timeout` seconds for the thread.
    /// Undelivered rows stay in the store for the next start.
    func stop(timeout: Double) {
        condition.withLock { stopping = true; condition.broadcast() }
        client.cancel()
        let deadline = Date().addingTimeInterval(timeout)
        condition.withLock {
            while !exited { if !condition.wait(until: deadline) { break } }
        }
        client.invalidate()
    }

    private func run() {
        while let due = nextDue() {
            for d in due {
                if condition.withLock({ stopping }) { break }
                attempt(d)
            }
        }
    }

    /// Waits until something is due (returned, oldest first) or the worker stops (nil).
    private func nextDue() -> [WebhookDelivery]? {
        condition.lock()
        defer { condition.unlock() }
        while !stopping {
            let due = outbox.due(at: clock())
            if !due.isEmpty { return due }
            if let next = outbox.nextAttemptAt { _ = condition.wait(until: next) } else { condition.wait() }
        }
        exited = true
        condition.broadcast()
        return nil
    }

    private func attempt(_ d: WebhookDelivery) {
        guard let target = targets[Self.key(d.tenant, d.url)], let url = URL(string: d.url) else {
            _ = condition.withLock { outbox.delivered(d.id, at: clock()) }
            report(.abandoned(d, reason: "tenant \(d.tenant) has no webhook \(d.url) any more"))
            return
        }
        let body = Array(d.body.utf8)
        let t = Int64(clock().timeIntervalSince1970)
        let failure = client.post(url: url, headers: [
            WebhookSignature.header: WebhookSignature.value(secret: target.secret, timestamp: t, body: body),
            WebhookSignature.deliveryHeader: d.id,
        ], body: Data(body), timeout: target.timeout)
        // Cancelled by the shutdown: not the receiver's failure; the row stays as it was.
        if failure != nil, condition.withLock({ stopping }) { return }
        let now = clock()
        let row = condition.withLock {
            failure.map { outbox.failed(d.id, error: $0, at: now) } ?? outbox.delivered(d.id, at: now)
        }
        guard let row else { return }
        do {
            try store.updateWebhook(row)
        } catch {
            report(.notJournaled(row, reason: "\(error)"))
        }
        report(failure == nil ? .delivered(row) : .failed(row))
    }
}

/// What the worker tells the daemon's event log.
public enum WebhookReport: Sendable {
    case delivered(WebhookDelivery)
    /// An attempt failed; `lastError` says why, `nextAttemptAt` when it is tried again.
    case failed(WebhookDelivery)
    /// The row could not be written to the journal (it is still sent, but not durably).
    case notJournaled(WebhookDelivery, reason: String)
    /// A journaled delivery whose tenant or URL is no longer configured: not sent.
    case abandoned(WebhookDelivery, reason: String)
}
