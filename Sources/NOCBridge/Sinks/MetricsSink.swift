import Foundation
import LoopSentryCore

/// The Prometheus exposition (`metrics.listen`, and the portal's /metrics): keeps the rows the
/// main loop last published and renders them per scrape, on the server's thread, from a
/// locked copy. The HTTP server that serves it is the portal's (Hummingbird).
public final class MetricsSink: NOCSink, @unchecked Sendable {
    public let name = "metrics"
    private let lock = NSLock()
    private var rows: [VLANStatusRow] = []
    private var extra = MetricsExtra()
    /// The sensor's name, version and tenants' ack deadlines, the same for every scrape.
    public let identity: MetricsIdentity

    public init(identity: MetricsIdentity = MetricsIdentity()) { self.identity = identity }

    /// The exposition text of the last published rows and figures.
    public func render() -> String {
        let (r, e) = lock.withLock { (rows, extra) }
        return MetricsExposition.render(rows: r, extra: e, identity: identity)
    }

    public func update(extra: MetricsExtra) { lock.withLock { self.extra = extra } }

    public func publish(_ rows: [VLANStatusRow]) { lock.withLock { self.rows = rows } }

    public func close() {}
}
