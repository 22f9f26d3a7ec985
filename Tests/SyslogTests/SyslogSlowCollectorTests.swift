import Foundation
import LoopSentrySystem
import Testing
@testable import NOCBridge

/// A collector that accepts the connection and then never reads: the worker's writes block
/// until `sendTimeout`, yet `send` keeps returning at once and the counters stay consistent.
/// Needs no rsyslogd: the "collector" is a listening loopback socket of the test's own.
@Suite struct SyslogSlowCollectorTests {
    @Test func aCollectorThatStopsReadingNeverDelaysTheCaller() throws {
        let listener = try LoopbackListener()
        let sender = try SyslogSender(configuration: SyslogSenderConfiguration(
            destination: .tcp(host: "127.0.0.1", port: listener.port), queueCapacity: 50,
            backoff: SyslogBackoff(initial: .milliseconds(20), maximum: .milliseconds(200)),
            sendTimeout: .seconds(2)))
        defer { sender.shutdown(timeout: .zero) }

        // 3000 messages of ~8 KB (24 MB) are more than loopback socket buffers hold.
        let padding = String(repeating: "x", count: 8000)
        let clock = ContinuousClock()
        var slowest: Duration = .zero
        for i in 0..<3000 {
            var event = SyslogDelivery.events(count: 1, tag: "slow-\(i)")[0]
            event.detail = padding
            slowest = max(slowest, clock.measure { sender.send(event) })
        }
        Thread.sleep(forTimeInterval: 0.5)

        let stats = sender.statistics
        // A call that waited for the stalled collector would last the 2 s send timeout; a call
        // that only queues returns at once (the bound leaves room for a loaded machine).
        #expect(slowest < .seconds(1), "slowest send call took \(slowest)")
        #expect(stats.enqueued == 3000)
        #expect(stats.dropped > 0)
        #expect(stats.enqueued == stats.delivered + stats.dropped + UInt64(stats.queued))
        #expect(stats.queued <= 51)
        #expect(stats.dropped == sender.droppedMessages)
    }

    @Test func missingCAFileFailsWhenTheSenderIsCreated() {
        #expect(throws: SyslogTransportError.self) {
            _ = try SyslogSender(configuration: SyslogSenderConfiguration(
                destination: .tls(host: "127.0.0.1", port: 1, SyslogTLSSettings(caFile: "/nonexistent/ca.pem"))))
        }
    }
}

/// A TCP socket listening on 127.0.0.1 at a free port, with a tiny receive buffer, that never
/// accepts or reads. Closed when released.
final class LoopbackListener {
    let fd: Int32
    let port: Int

    init() throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var size: Int32 = 4096
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let fd = self.fd
        let ok = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { sa in
                bind(fd, sa, length) == 0 && getsockname(fd, sa, &length) == 0 && listen(fd, 4) == 0
            }
        }
        port = Int(UInt16(bigEndian: address.sin_port))
        guard ok else { close(fd); throw SyslogTransportError.system(SystemCallError("bind/listen", errno: errno)) }
    }

    deinit { close(fd) }
}
