import CNetSNMP
import Foundation
import Glibc
import LoopSentrySystem
import Synchronization

/// The optional Prometheus endpoint: a minimal HTTP/1.1 server on a TCP socket, serving
/// `GET /metrics` with whatever `provider` returns (called once per request, on the server's
/// thread, so it must be cheap and thread-safe — typically it renders a published snapshot
/// with `MetricsExposition.render`).
///
/// One thread, one connection at a time, one request per connection (`Connection: close`).
/// Every wait is bounded so a client can hold the server for at most `headTimeout` (reading
/// the head) plus `writeTimeout` (a reader that stalls): a slow or silent client gets 408 and
/// the next one is served after it. A head over 8 KiB gets 400, another path 404, another
/// method 405. The daemon's own threads never wait on this one.
///
/// Call `stop()` before dropping the server: the running thread holds a reference to it.
public final class MetricsServer: @unchecked Sendable {
    /// The host as configured (numeric IPv4 or IPv6).
    public let host: String
    /// The port the socket is bound to: the configured one, or the kernel's choice for port 0.
    public let boundPort: UInt16
    /// How long a client has to send a complete request head.
    public let headTimeout: Duration
    /// How long a response may take to write to a client that reads slowly.
    public let writeTimeout: Duration

    private let listenFD: Int32
    /// An eventfd the server thread polls beside its sockets; `stop()` makes it readable.
    private let wakeFD: Int32
    private let provider: @Sendable () -> String
    private let lifecycle = Mutex<(started: Bool, stopped: Bool)>((false, false))
    private let finished = DispatchSemaphore(value: 0)

    /// Binds and listens on `host:port` (port 0: any free port, see `boundPort`). Nothing is
    /// served until `start()`. Throws a one-line error naming `host:port` when the address is
    /// not numeric or the port is in use.
    public init(host: String, port: UInt16, headTimeout: Duration = .seconds(2), writeTimeout: Duration = .seconds(5),
                provider: @escaping @Sendable () -> String) throws(MetricsServerError) {
        self.host = host
        self.headTimeout = headTimeout
        self.writeTimeout = writeTimeout
        self.provider = provider
        let (fd, bound) = try MetricsSocket.listen(host: host, port: port)
        do throws(MetricsServerError) {
            wakeFD = try MetricsSocket.call("eventfd", MetricsSocket.endpoint(host, port)) {
                eventfd(0, Int32(EFD_NONBLOCK | EFD_CLOEXEC))
            }
        } catch {
            close(fd)
            throw error
        }
        listenFD = fd
        boundPort = bound
    }

    deinit { stop() }

    /// Starts the server thread (`ls-metrics`). Does nothing when already started or stopped.
    public func start() {
        let go = lifecycle.withLock { s -> Bool in
            guard !s.started, !s.stopped else { return false }
            s.started = true
            return true
        }
        guard go else { return }
        let thread = Thread { [self] in
            ls_set_thread_name("ls-metrics")
            acceptLoop()
            finished.signal()
        }
        thread.start()
    }

    /// Wakes the server thread, waits for it to finish (a request in progress is abandoned),
    /// and closes the socket, which frees the port. Safe to call more than once.
    public func stop() {
        let (wasStarted, first) = lifecycle.withLock { s -> (Bool, Bool) in
            defer { s.stopped = true }
            return (s.started, !s.stopped)
        }
        guard first else { return }
        if wasStarted {
            var one: UInt64 = 1
            _ = write(wakeFD, &one, MemoryLayout<UInt64>.size)
            finished.wait()
        }
        close(listenFD)
        close(wakeFD)
    }

    // MARK: - Server thread

    /// Accepts and serves connections one at a time until `stop()`.
    private func acceptLoop() {
        while true {
            switch wait(listenFD, events: POLLIN, until: nil) {
            case .stopped: return
            case .timedOut: continue
            case .ready: break
            }
            // accept4 is not imported (it needs _GNU_SOURCE): accept, then flag the descriptor.
            let c = accept(listenFD, nil, nil)
            if c < 0 {
                let e = errno
                // Out of descriptors or memory: back off instead of spinning on a readable socket.
                if [EMFILE, ENFILE, ENOBUFS, ENOMEM].contains(e),
                   wait(wakeFD, events: POLLIN, until: MonotonicClock.nanos() + 100_000_000) != .timedOut { return }
                continue
            }
            _ = fcntl(c, F_SETFD, FD_CLOEXEC)
            _ = fcntl(c, F_SETFL, fcntl(c, F_GETFL) | O_NONBLOCK)
            let keepGoing = serve(c)
            close(c)
            if !keepGoing { return }
        }
    }

    /// Reads one request head, answers it and lingers so the client can read the answer.
    /// Returns false when `stop()` interrupted it.
    private func serve(_ c: Int32) -> Bool {
        let deadline = MonotonicClock.nanos() + Self.nanoseconds(headTimeout)
        var head: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        let response: MetricsHTTP.Response
        while true {
            if let end = MetricsHTTP.headEnd(head) {
                response = end > MetricsHTTP.maxHeadBytes ? .headTooLarge
                    : MetricsHTTP.respond(to: MetricsHTTP.parseRequestLine(head[..<end]), exposition: provider)
                break
            }
            if head.count >= MetricsHTTP.maxHeadBytes { response = .headTooLarge; break }
            let ready = wait(c, events: POLLIN, until: deadline)
            if ready == .stopped { return false }
            if ready == .timedOut { response = .requestTimeout; break }
            let n = recv(c, &chunk, chunk.count, 0)
            let e = errno
            if n > 0 { head.append(contentsOf: chunk[..<n]); continue }
            if n < 0, e == EAGAIN || e == EWOULDBLOCK || e == EINTR { continue }
            return true  // the client closed or reset before a complete head
        }
        return send(response.serialized(), to: c) && linger(c)
    }

    /// Writes `bytes` within `writeTimeout`; gives up on a client that stops reading or goes
    /// away. Returns false when `stop()` interrupted it.
    private func send(_ bytes: [UInt8], to c: Int32) -> Bool {
        let deadline = MonotonicClock.nanos() + Self.nanoseconds(writeTimeout)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.send(c, $0.baseAddress! + offset, $0.count - offset, linuxMsgNoSignal) }
            let e = errno
            if n > 0 { offset += n; continue }
            guard n < 0, e == EAGAIN || e == EWOULDBLOCK || e == EINTR else { return true }
            let ready = wait(c, events: POLLOUT, until: deadline)
            if ready == .stopped { return false }
            if ready == .timedOut { return true }
        }
        return true
    }

    /// Half-closes and reads what the client still sends (up to 64 KiB, 200 ms) before the
    /// close, so unread request bytes do not turn the close into a reset that loses the answer.
    private func linger(_ c: Int32) -> Bool {
        shutdown(c, Int32(SHUT_WR))
        let deadline = MonotonicClock.nanos() + 200_000_000
        var sink = [UInt8](repeating: 0, count: 4096)
        var drained = 0
        while drained < 65536 {
            let ready = wait(c, events: POLLIN, until: deadline)
            if ready == .stopped { return false }
            if ready == .timedOut { return true }
            let n = recv(c, &sink, sink.count, 0)
            let e = errno
            if n > 0 { drained += n; continue }
            if n < 0, e == EAGAIN || e == EINTR { continue }
            return true
        }
        return true
    }

    /// What `wait` saw first.
    enum Readiness { case ready, timedOut, stopped }

    /// Polls `fd` for `events` beside the wake descriptor until `deadline` (monotonic
    /// nanoseconds; nil: no limit). EINTR is retried with the remaining time.
    private func wait(_ fd: Int32, events: Int32, until deadline: UInt64?) -> Readiness {
        while true {
            var fds = [pollfd(fd: fd, events: Int16(events), revents: 0),
                       pollfd(fd: wakeFD, events: Int16(POLLIN), revents: 0)]
            if fd == wakeFD { fds.removeLast() }
            let timeout = deadline.map { MetricsSocket.pollTimeout(until: $0, now: MonotonicClock.nanos()) } ?? -1
            let n = poll(&fds, nfds_t(fds.count), timeout)
            if n < 0 {
                if errno == EINTR { continue }
                return .stopped  // poll itself failing (EFAULT, ENOMEM) leaves nothing sensible to serve
            }
            if fds.count == 2, fds[1].revents != 0 { return .stopped }
            if fd == wakeFD, fds[0].revents != 0 { return .stopped }
            if fds[0].revents != 0 { return .ready }
            if n == 0 { return .timedOut }
        }
    }

    static func nanoseconds(_ duration: Duration) -> UInt64 {
        let (seconds, attoseconds) = duration.components
        return UInt64(max(seconds, 0)) * 1_000_000_000 + UInt64(max(attoseconds, 0) / 1_000_000_000)
    }
}
