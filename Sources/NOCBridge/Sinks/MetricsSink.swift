import Foundation
import LoopSentryCore

/// The optional Prometheus endpoint (`metrics.listen`): serves the rows the main loop last
/// published, rendered on the server's own thread from a locked copy.
public final class MetricsSink: NOCSink, @unchecked Sendable {
    public let name: String
    private let server: MetricsServer
    private let lock = NSLock()
    private var rows: [VLANStatusRow] = []
    private var extra = MetricsExtra()

    /// Serves /metrics on `host`:`port`.
    public init(host: String, port: UInt16) throws {
        name = "metrics http://\(host):\(port)/metrics"
        let box = Box()
        server = try MetricsServer(host: host, port: port) { box.render() }
        box.sink = self
        server.start()
    }

    /// Lets the server's provider closure reach the sink without a retain cycle.
    final class Box: @unchecked Sendable {
        weak var sink: MetricsSink?
        func render() -> String { sink?.render() ?? "" }
    }

    func render() -> String {
        let (r, e) = lock.withLock { (rows, extra) }
        return MetricsExposition.render(rows: r, extra: e)
    }

    public func update(extra: MetricsExtra) { lock.withLock { self.extra = extra } }

    public func publish(_ rows: [VLANStatusRow]) { lock.withLock { self.rows = rows } }

    public func close() { server.stop() }
}
