import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The state a sender shares with its background thread: the bounded queue, the counters and
/// the worker loop that writes the queue to the collector. The thread holds this object, not
/// the `SyslogSender`, so releasing the sender can stop the thread.
final class SyslogSenderWorker: @unchecked Sendable {
    private let configuration: SyslogSenderConfiguration
    private let tlsContext: SyslogTLSContext?
    private let condition = NSCondition()
    private var queue: BoundedQueue<[UInt8]>
    private var inFlight = 0
    private var stats = SyslogSender.Statistics()
    private var stopping = false
    private var exited = false

    init(configuration: SyslogSenderConfiguration, tlsContext: SyslogTLSContext?) {
        self.configuration = configuration
        self.tlsContext = tlsContext
        queue = BoundedQueue(capacity: configuration.queueCapacity)
    }

    /// Starts the thread that runs `run()`.
    func start() {
        let thread = Thread { [self] in run() }
        thread.name = "loopsentry-syslog"
        thread.start()
    }

    /// Queues `bytes` (nil: an unformattable message, counted as dropped). O(1) under the lock.
    func enqueue(_ bytes: [UInt8]?) {
        condition.lock()
        defer { condition.unlock() }
        stats.enqueued += 1
        guard let bytes else { stats.dropped += 1; return }
        if queue.append(bytes) != nil { stats.dropped += 1 }
        condition.broadcast()
    }

    var statistics: SyslogSender.Statistics {
        condition.lock()
        defer { condition.unlock() }
        var snapshot = stats
        snapshot.queued = queue.count + inFlight
        return snapshot
    }

    /// Waits until the queue is empty, the worker stopped, or `deadline`; returns whether it is empty.
    func flush(until deadline: Date) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while !(queue.isEmpty && inFlight == 0) && !exited {
            if !condition.wait(until: deadline) { break }
        }
        return queue.isEmpty && inFlight == 0
    }

    /// Asks the worker to stop after its current step; with `wait`, returns once it has.
    func stop(wait: Bool) {
        condition.lock()
        stopping = true
        condition.broadcast()
        while wait && !exited { condition.wait() }
        condition.unlock()
    }

    private func run() {
        Self.blockSIGPIPE()
        var connection: SyslogConnection?
        var backoff = configuration.backoff
        var nextAttempt = Date.distantPast
        func failed(_ error: SyslogTransportError) {
            connection = nil
            nextAttempt = Date().addingTimeInterval(SyslogSender.seconds(backoff.failed()))
            condition.lock()
            stats.connected = false
            stats.lastError = error
            condition.unlock()
        }
        while true {
            condition.lock()
            while queue.isEmpty && !stopping { condition.wait() }
            if stopping {
                exited = true
                stats.connected = false
                condition.broadcast()
                condition.unlock()
                return
            }
            if connection == nil && Date() < nextAttempt {
                _ = condition.wait(until: nextAttempt)
                condition.unlock()
                continue
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
    /// blocked on this thread instead of killing the process (syslog's and the webhook lanes' threads).
    static func blockSIGPIPE() {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGPIPE)
        pthread_sigmask(SIG_BLOCK, &set, nil)
    }
}
