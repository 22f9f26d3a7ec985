import Foundation
import LoopSentryCore

/// The deliveries not yet delivered, as a value: which are due at a given time, and each
/// attempt's result turned into the row to write back. Deliveries are grouped in lanes, one per
/// destination URL: a lane is sent one delivery at a time, oldest due first, independently of
/// the other lanes. The delivery worker owns one; tests drive it with a manual clock.
public struct WebhookOutbox: Equatable, Sendable {
    public private(set) var pending: [WebhookDelivery]
    public let backoff: WebhookBackoff

    /// The outbox with `pending` (the journal's undelivered rows after a restart), oldest first.
    public init(pending: [WebhookDelivery] = [], backoff: WebhookBackoff = WebhookBackoff()) {
        self.pending = pending.filter { $0.deliveredAt == nil }
        self.backoff = backoff
    }

    public mutating func add(_ delivery: WebhookDelivery) {
        guard delivery.deliveredAt == nil, !pending.contains(where: { $0.id == delivery.id }) else { return }
        pending.append(delivery)
    }

    /// Deliveries whose next attempt is at or before `now`, oldest first.
    public func due(at now: Date) -> [WebhookDelivery] {
        pending.filter { $0.nextAttemptAt <= now }
    }

    /// The earliest next attempt, or nil when nothing is pending.
    public var nextAttemptAt: Date? { pending.map(\.nextAttemptAt).min() }

    /// The lanes that have pending deliveries: their URLs, in order of first appearance.
    public var lanes: [String] {
        var seen = Set<String>()
        return pending.map(\.url).filter { seen.insert($0).inserted }
    }

    /// The oldest delivery to `url` due at or before `now`: the lane's next request.
    public func firstDue(lane url: String, at now: Date) -> WebhookDelivery? {
        pending.first { $0.url == url && $0.nextAttemptAt <= now }
    }

    /// The earliest next attempt in the lane of `url`, or nil when it has nothing pending.
    public func nextAttemptAt(lane url: String) -> Date? {
        pending.filter { $0.url == url }.map(\.nextAttemptAt).min()
    }

    /// Removes and returns the deliveries `isAbandoned` picks (a tenant's URL no longer configured).
    public mutating func abandon(where isAbandoned: (WebhookDelivery) -> Bool) -> [WebhookDelivery] {
        let gone = pending.filter(isAbandoned)
        pending.removeAll(where: isAbandoned)
        return gone
    }

    /// The delivery `id` got a 2xx at `now`: it leaves the outbox; returns the row to write.
    public mutating func delivered(_ id: String, at now: Date) -> WebhookDelivery? {
        guard let i = pending.firstIndex(where: { $0.id == id }) else { return nil }
        var d = pending.remove(at: i)
        d.deliveredAt = now
        return d
    }

    /// The attempt of `id` failed at `now` with `error`: it is tried again after the backoff,
    /// jittered with `random`; returns the row to write.
    public mutating func failed(_ id: String, error: String, at now: Date,
                                using random: inout some RandomNumberGenerator) -> WebhookDelivery? {
        guard let i = pending.firstIndex(where: { $0.id == id }) else { return nil }
        pending[i].attempts += 1
        pending[i].lastError = error
        pending[i].nextAttemptAt = backoff.nextAttempt(afterFailures: pending[i].attempts, at: now, using: &random)
        return pending[i]
    }
}
