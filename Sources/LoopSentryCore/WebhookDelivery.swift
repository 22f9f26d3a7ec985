import Foundation

/// One webhook POST that must reach a tenant's URL: the journal row written before it is sent
/// (`webhookDelivery`), and what the delivery worker updates after each attempt. The body is
/// the exact JSON sent; the signature is computed at each attempt (its timestamp is the
/// attempt's), so it is not stored, and neither is the tenant's secret.
public struct WebhookDelivery: Equatable, Sendable {
    /// Sent as `LoopSentry-Delivery` and as the body's `id`: a receiver drops duplicates by it.
    public var id: String
    public var tenant: String
    public var url: String
    /// The JSON body, UTF-8.
    public var body: String
    public var createdAt: Date
    /// Attempts that failed so far.
    public var attempts: Int
    /// Not before this time (wall clock: it survives a restart).
    public var nextAttemptAt: Date
    public var deliveredAt: Date?
    /// The last failure in one line (an HTTP status or a transport error).
    public var lastError: String?

    public init(id: String, tenant: String, url: String, body: String, createdAt: Date, attempts: Int = 0,
                nextAttemptAt: Date? = nil, deliveredAt: Date? = nil, lastError: String? = nil) {
        self.id = id
        self.tenant = tenant
        self.url = url
        self.body = body
        self.createdAt = createdAt
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt ?? createdAt
        self.deliveredAt = deliveredAt
        self.lastError = lastError
    }
}
