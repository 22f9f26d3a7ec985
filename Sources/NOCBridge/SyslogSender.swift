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
public final class SyslogSender: @unchecked Sendable {
    /// Counters of a sender; `enqueued == delivered + dropped + queued` once `flush` returns.
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
    private let tlsContext: SyslogTLSContext?

    private let condition = NSCondition()
    private var queue: SyslogSendQueue<[UInt8]>
    private var inFlight = 0
    private var stats = Statistics()
    private var stopping = false
    private var workerExited = false

    /// Starts the background worker. Fails only when TLS settings cannot be loaded (missing or bad
    /// CA, certificate or key file); an unreachable collector is retried, never an error here.
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
        if case .tls(_, _, let settings) = configuration.destination {
            tlsContext = try SyslogTLSContext(settings)
        } else {
            tlsContext = nil
        }
        queue = SyslogSendQueue(capacity: configuration.queueCapacity)
        let thread = Thread { [self] in runWorker() }
        thread.name = "loopsentry-syslog"
        thread.start()
    }

    /// Queues `event`, stamped with the sender's clock. Never blocks.
    public func send(_ event: SyslogEvent) { send(event, at: now()) }

    /// Queues `event` stamped with `date`. Never blocks.
    public func send(_ event: SyslogEvent, at date: Date) {
        send(event.message(timestamp: timestamp(for: date), hostname: hostname, procID: procID,
                           facility: configuration.facility))
    }

    /// Queues a complete message. Never blocks; an unformattable message counts as dropped.
    public func send(_ message: SyslogMessage) {
        let bytes = try? message.bytes(maxLength: maxMessageLength)
        condition.lock()
        defer { condition.unlock() }
        stats.enqueued += 1
        guard let bytes else { stats.dropped += 1; return }
        if queue.append(bytes) != nil { stats.dropped += 1 }
        condition.broadcast()
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
    public var statistics: Statistics {
        condition.lock()
        defer { condition.unlock() }
        var snapshot = stats
        snapshot.queued = queue.count + inFlight
        return snapshot
    }

    /// Waits until every queued message was written or dropped, at most `timeout`.
    /// Returns whether the queue is empty. For shutdown and tests; never needed to send.
    @discardableResult
    public func flush(timeout: Duration) -> Bool {
        let deadline = Date().addingTimeInterval(Self.seconds(timeout))
        condition.lock()
        defer { condition.unlock() }
        while !(queue.isEmpty && inFlight == 0) && !workerExited {
            if !condition.wait(until: deadline) { break }
        }
        return queue.isEmpty && inFlight == 0
    }

    /// Flushes for at most `timeout`, then stops the worker and closes the connection.
    /// Messages still queued are left unsent (they stay counted as queued).
    public func shutdown(timeout: Duration = .seconds(1)) {
        flush(timeout: timeout)
        condition.lock()
        stopping = true
        condition.broadcast()
        while !workerExited { condition.wait() }
        condition.unlock()
    }

    // MARK: Worker

    private func runWorker() {
        Self.blockSIGPIPE()
        var connection: SyslogConnection?
        var backoff = configuration.backoff
        var nextAttempt = Date.distantPast
        func failed(_ error: SyslogTransportError) {
            connection = nil
            nextAttempt = Date().addingTimeInterval(Self.seconds(backoff.failed()))
            condition.lock()
            stats.connected = false
            stats.lastError = error
            condition.unlock()
        }
        while true {
            condition.lock()
            while queue.isEmpty && !stopping { condition.wait() }
            if !stopping && connection == nil && Date() < nextAttempt {
                _ = condition.wait(until: nextAttempt)
                condition.unlock()
                continue
            }
            if stopping {
                workerExited = true
                stats.connected = false
                condition.broadcast()
                condition.unlock()
                return
            }
            condition.unlock()

            if connection == nil {
                do {
                    connection = try SyslogConnection.open(configuration.destination, tlsContext: tlsContext,
                                                           connectTimeout: configuration.connectTimeout,
                                                           sendTimeout: configuration.sendTimeout)
                    condition.lock()
                    stats.connected = true
                    stats.connections += 1
                    condition.unlock()
                } catch {
                    failed(error)
                    continue
                }
            }
            guard let open = connection else { continue }
            if open.peerClosed {
                failed(.closedByPeer)
                continue
            }

            condition.lock()
            guard let message = queue.popFirst() else { condition.unlock(); continue }
            inFlight = 1
            condition.unlock()
            do {
                try open.send(message)
                backoff.reset()
                condition.lock()
                inFlight = 0
                stats.delivered += 1
                condition.broadcast()
                condition.unlock()
            } catch {
                condition.lock()
                inFlight = 0
                if !queue.pushFront(message) { stats.dropped += 1 }
                condition.broadcast()
                condition.unlock()
                failed(error)
            }
        }
    }

    /// SIGPIPE from a write on a closed socket (OpenSSL writes without MSG_NOSIGNAL) stays
    /// blocked on this thread instead of killing the process.
    private static func blockSIGPIPE() {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGPIPE)
        pthread_sigmask(SIG_BLOCK, &set, nil)
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
