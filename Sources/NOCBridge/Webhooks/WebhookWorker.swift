import Foundation
import LoopSentryCore

/// The delivery worker: one thread per destination URL (a lane) POSTs what the shared
/// `WebhookOutbox` says is due in its lane, one request at a time, oldest due first, and writes
/// each result back to the store (delivered on 2xx, else the next attempt after the jittered
/// backoff). A receiver that hangs holds only its own lane; the other URLs keep being served.
/// Each lane sleeps until its next attempt is due or a delivery is added. Threads: one per
/// configured URL, started when the worker starts.
final class WebhookWorker: @unchecked Sendable {
    private let condition = NSCondition()
    private var outbox: WebhookOutbox
    private var stopping = false
    /// URL → its lane's HTTP client (one URLSession each, so lanes share no connection queue).
    private var lanes: [String: WebhookHTTPClient] = [:]
    private var exitedLanes = 0
    private var random = SystemRandomNumberGenerator()
    private let store: WebhookStore
    /// (tenant, URL) → its target; a row whose target is no longer configured is not sent.
    private let targets: [String: WebhookTarget]
    private let clock: @Sendable () -> Date
    private let report: @Sendable (WebhookReport) -> Void
    /// Delivered rows older than this are pruned every day after the start (nil: kept).
    private let retention: WebhookRetention?

    init(outbox: WebhookOutbox, store: WebhookStore, targets: [WebhookTarget], retention: WebhookRetention? = nil,
         clock: @escaping @Sendable () -> Date, report: @escaping @Sendable (WebhookReport) -> Void) {
        self.retention = retention
        self.outbox = outbox
        self.store = store
        self.targets = Dictionary(targets.map { (Self.key($0.tenant, $0.url), $0) }, uniquingKeysWith: { a, _ in a })
        self.clock = clock
        self.report = report
    }

    static func key(_ tenant: String, _ url: String) -> String { "\(tenant) \(url)" }

    /// Reports the resumed rows whose tenant or URL is no longer configured as abandoned (they
    /// stay undelivered in the store), then starts one lane per configured URL.
    func start() {
        let targets = self.targets
        let abandoned = condition.withLock { outbox.abandon { targets[Self.key($0.tenant, $0.url)] == nil } }
        for d in abandoned { report(.abandoned(d, reason: "tenant \(d.tenant) has no webhook \(d.url) any more")) }
        condition.withLock { for url in Set(targets.values.map(\.url)).sorted() { startLane(url) } }
        if let retention { startPruner(retention) }
    }

    /// Prunes delivered rows older than `retention` once a day until the worker stops (the
    /// daemon prunes once at start itself).
    private func startPruner(_ retention: WebhookRetention) {
        let thread = Thread { [self] in
            var next = retention.nextPrune(after: clock())
            while condition.withLock({ () -> Bool in
                while !stopping && clock() < next { _ = condition.wait(until: next) }
                return !stopping
            }) {
                let now = clock()
                report(retention.prune(store, at: now))
                next = retention.nextPrune(after: now)
            }
        }
        thread.name = "ls-webhook-prune"
        thread.start()
    }

    func add(_ delivery: WebhookDelivery) {
        condition.withLock {
            outbox.add(delivery)
            if lanes[delivery.url] == nil, !stopping { startLane(delivery.url) }
            condition.broadcast()
        }
    }

    /// Deliveries not delivered yet.
    var pendingCount: Int { condition.withLock { outbox.pending.count } }

    /// Stops after the current attempts (cancelled); waits at most `timeout` seconds for the lanes.
    /// Undelivered rows stay in the store for the next start.
    func stop(timeout: Double) {
        let clients = condition.withLock { stopping = true; condition.broadcast(); return Array(lanes.values) }
        for c in clients { c.cancel() }
        let deadline = Date().addingTimeInterval(timeout)
        condition.withLock {
            while exitedLanes < lanes.count { if !condition.wait(until: deadline) { break } }
        }
        for c in clients { c.invalidate() }
    }

    /// Starts the lane of `url`; the caller holds the lock.
    private func startLane(_ url: String) {
        let client = WebhookHTTPClient()
        lanes[url] = client
        let thread = Thread { [self] in
            // OpenSSL writes (a request, close_notify) to a socket the receiver closed: EPIPE, not death.
            SyslogSenderWorker.blockSIGPIPE()
            while let d = nextDue(lane: url) { attempt(d, client: client) }
        }
        thread.name = "ls-webhook-lane"
        thread.start()
    }

    /// Waits until the lane's oldest due delivery (returned) or the worker stops (nil).
    private func nextDue(lane url: String) -> WebhookDelivery? {
        condition.lock()
        defer { condition.unlock() }
        while !stopping {
            if let d = outbox.firstDue(lane: url, at: clock()) { return d }
            if let next = outbox.nextAttemptAt(lane: url) { _ = condition.wait(until: next) } else { condition.wait() }
        }
        exitedLanes += 1
        condition.broadcast()
        return nil
    }

    private func attempt(_ d: WebhookDelivery, client: WebhookHTTPClient) {
        guard let target = targets[Self.key(d.tenant, d.url)], let url = URL(string: d.url) else {
            _ = condition.withLock { outbox.delivered(d.id, at: clock()) }
            report(.abandoned(d, reason: "tenant \(d.tenant) has no webhook \(d.url) any more"))
            return
        }
        let body = Array(d.body.utf8)
        let t = Int64(clock().timeIntervalSince1970)
        let failure = client.post(url: url, caFile: target.caFile, headers: [
            WebhookSignature.header: WebhookSignature.value(secret: target.secret, timestamp: t, body: body),
            WebhookSignature.deliveryHeader: d.id,
        ], body: Data(body), timeout: target.timeout)
        // Cancelled by the shutdown: not the receiver's failure; the row stays as it was.
        if failure != nil, condition.withLock({ stopping }) { return }
        let now = clock()
        let row = condition.withLock {
            failure.map { outbox.failed(d.id, error: $0, at: now, using: &random) } ?? outbox.delivered(d.id, at: now)
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
    /// `count` delivered rows older than the retention were deleted from the journal.
    case pruned(count: Int, retentionDays: Int)
    /// The journal refused the pruning (it is tried again the next day).
    case pruneFailed(reason: String)
}
