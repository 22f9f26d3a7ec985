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

    public init() {}

    /// The exposition text of the last published rows and figures.
    public func render() -> String {
        let (r, e) = lock.withLock { (rows, extra) }
        return MetricsExposition.render(rows: r, extra: e)
    }

    public func update(extra: MetricsExtra) { lock.withLock { self.extra = extra } }

    public func publish(_ rows: [VLANStatusRow]) { lock.withLock { self.rows = rows } }

    public func close() {}
}
