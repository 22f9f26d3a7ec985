import Foundation
import LoopSentryCore

/// Where webhook deliveries are kept until they are delivered (the daemon's journal): a row is
/// inserted before the first attempt and updated after each one, so a kill -9 loses none.
public protocol WebhookStore: AnyObject, Sendable {
    func insertWebhook(_ delivery: WebhookDelivery) throws
    func updateWebhook(_ delivery: WebhookDelivery) throws
    /// Rows not delivered yet, oldest first.
    func undeliveredWebhooks() throws -> [WebhookDelivery]
    /// Deletes rows delivered before `cutoff`; returns how many.
    func pruneDeliveredWebhooks(before cutoff: Date) throws -> Int
}

/// How long delivered rows are kept (`webhooks.retention_days`), as a pure value: the cutoff
/// at a given time, and when to prune next (at start, then every day).
public struct WebhookRetention: Equatable, Sendable {
    public var days: Int
    public static let interval: TimeInterval = 86_400

    public init(days: Int) { self.days = days }

    /// Rows delivered before this time are pruned at `now`.
    public func cutoff(at now: Date) -> Date { now.addingTimeInterval(-Double(days) * Self.interval) }

    /// The prune after one at `last`.
    public func nextPrune(after last: Date) -> Date { last.addingTimeInterval(Self.interval) }

    /// Deletes the rows of `store` delivered before the cutoff at `now`; what to report.
    public func prune(_ store: WebhookStore, at now: Date) -> WebhookReport {
        do {
            return .pruned(count: try store.pruneDeliveredWebhooks(before: cutoff(at: now)), retentionDays: days)
        } catch {
            return .pruneFailed(reason: "\(error)")
        }
    }
}

/// Where one tenant's notifications are POSTed, signed with `secret`.
public struct WebhookTarget: Sendable {
    public var tenant: String
    public var url: String
    public var secret: [UInt8]
    /// Seconds one attempt may take before it counts as failed.
    public var timeout: Double
    /// PEM file of the CA(s) an https receiver's certificate must chain to; nil: the system store.
    public var caFile: String?

    public init(tenant: String, url: String, secret: [UInt8], timeout: Double, caFile: String? = nil) {
        self.tenant = tenant
        self.url = url
        self.secret = secret
        self.timeout = timeout
        self.caFile = caFile
    }
}
