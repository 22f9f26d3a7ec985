import LoopSentryCore

/// Where webhook deliveries are kept until they are delivered (the daemon's journal): a row is
/// inserted before the first attempt and updated after each one, so a kill -9 loses none.
public protocol WebhookStore: AnyObject, Sendable {
    func insertWebhook(_ delivery: WebhookDelivery) throws
    func updateWebhook(_ delivery: WebhookDelivery) throws
    /// Rows not delivered yet, oldest first.
    func undeliveredWebhooks() throws -> [WebhookDelivery]
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
