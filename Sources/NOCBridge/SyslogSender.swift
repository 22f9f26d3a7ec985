import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Sends RFC 5424 messages to one destination without ever making the caller wait: `send`
/// formats the message, puts it on a bounded queue and returns; a background thread writes the
/// queue to the collector, reconnecting with exponential backoff. When the queue is full the
/// oldest message is dropped and counted in `droppedMessages` (exported to the NMS).
///
/// Accounting: every message passed to `send` is, at any moment, exactly one of delivered
/// (written to the socket), dropped, or still queued (`statistics`). A message whose write fails
/// goes back to the head of the queue and is sent again after reconnecting.
public final class SyslogSender: Sendable {
    /// Counters of a sender; in every snapshot `enqueued == delivered + dropped + queued`.
    public struct Statistics: Equatable, Sendable {
        /// Messages passed to `send`.
        public var enqueued: UInt64 = 0
        /// Messages written whole to the collector's socket.
        public var delivered: UInt64 = 0
        /// Messages dropped: oldest of a full queue, or unformattable.
        public var dropped: UInt64 = 0
        /// Messages waiting, including one being written.
        public var queued = 0
        /// Whether the worker holds an open connection.
        public var connected = false
        /// Successful connections made (the first one included).
        public var connections: UInt64 = 0
        /// The last transport failure, for diagnostics.
        public var lastError: SyslogTransportError?
    }

    public let configuration: SyslogSenderConfiguration
    /// HOSTNAME written in every message.
    public let hostname: String
    /// PROCID written in every message.
    public let procID: String
    private let maxMessageLength: Int
    private let timeZone: TimeZone
    private let now: @Sendable () -> Date
    private let worker: SyslogSenderWorker

    /// Starts the background worker (it stops on `shutdown`, or when the sender is released).
    /// Fails only when TLS settings cannot be loaded (missing or bad CA, certificate or key
    /// file); an unreachable collector is retried, never an error here.
    /// - Parameters:
    ///   - timeZone: the offset written in timestamps (local time by default).
    ///   - now: the clock for `send(_:)` without a date; tests pass their own.
    public init(configuration: SyslogSenderConfiguration, timeZone: TimeZone = .current,
                now: @escaping @Sendable () -> Date = { Date() }) throws(SyslogTransportError) {
        self.configuration = configuration
        self.hostname = configuration.hostname ?? Self.machineHostname()
        self.procID = configuration.procID ?? String(getpid())
        self.maxMessageLength = configuration.maxMessageLength ?? configuration.destination.defaultMaxMessageLength
        self.timeZone = timeZone
        self.now = now
        var tlsContext: SyslogTLSContext?
        if case .tls(_, _, let settings) = configuration.destination {
            tlsContext = try SyslogTLSContext(settings)
        }
        worker = SyslogSenderWorker(configuration: configuration, tlsContext: tlsContext)
        worker.start()
    }

    /// A released sender stops its worker without flushing (call `shutdown` to flush first).
    deinit { worker.stop(wait: false) }

    /// Queues `event`, stamped with the sender's clock. Never blocks.
    public func send(_ event: SyslogEvent) { send(event, at: now()) }

    /// Queues `event` stamped with `date`. Never blocks.
    public func send(_ event: SyslogEvent, at date: Date) {
        send(event.message(timestamp: timestamp(for: date), hostname: hostname, procID: procID,
                           facility: configuration.facility))
    }

    /// Queues a complete message. Never blocks; an unformattable message counts as dropped.
    public func send(_ message: SyslogMessage) {
        worker.enqueue(try? message.bytes(maxLength: maxMessageLength))
    }

    /// The TIMESTAMP for `date` in the sender's time zone, with microseconds.
    public func timestamp(for date: Date) -> SyslogTimestamp {
        SyslogTimestamp(date, utcOffsetSeconds: timeZone.secondsFromGMT(for: date))
    }

    /// The sender's clock reading (what `send(_:)` stamps).
    public func currentDate() -> Date { now() }

    /// Messages dropped so far because the queue was full (the NMS reads this counter).
    public var droppedMessages: UInt64 { statistics.dropped }

    /// A snapshot of the counters.
    public var statistics: Statistics { worker.statistics }

    /// Waits until every queued message was written or dropped, at most `timeout`.
    /// Returns whether the queue is empty. For shutdown and tests; never needed to send.
    @discardableResult
    public func flush(timeout: Duration) -> Bool {
        worker.flush(until: Date().addingTimeInterval(Self.seconds(timeout)))
    }

    /// Flushes for at most `timeout`, then stops the worker and closes the connection.
    /// Messages still queued are left unsent (they stay counted as queued).
    public func shutdown(timeout: Duration = .seconds(1)) {
        flush(timeout: timeout)
        worker.stop(wait: true)
    }

    private static func machineHostname() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    static func seconds(_ duration: Duration) -> TimeInterval {
        let (seconds, attoseconds) = duration.components
        return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }
}
