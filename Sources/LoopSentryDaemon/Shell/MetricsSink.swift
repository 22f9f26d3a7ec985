import Foundation
import LoopSentryConfig
import LoopSentryCore
import NOCBridge

/// The optional Prometheus endpoint (`metrics.listen`): serves the rows the main loop last
/// published, rendered on the server's own thread from a locked copy.
final class MetricsSink: NOCSink, @unchecked Sendable {
    let name: String
    private let server: MetricsServer
    private let lock = NSLock()
    private var rows: [VLANStatusRow] = []
    private var extra = MetricsExtra()

    init(config: MetricsConfig) throws {
        name = "metrics http://\(config.host):\(config.port)/metrics"
        let box = Box()
        server = try MetricsServer(host: config.host, port: UInt16(config.port)) { box.render() }
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

    func update(extra: MetricsExtra) { lock.withLock { self.extra = extra } }

    func publish(_ rows: [VLANStatusRow]) { lock.withLock { self.rows = rows } }

    func close() { server.stop() }
}
