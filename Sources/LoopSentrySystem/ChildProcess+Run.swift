import Glibc

extension ChildProcess {
    /// What `run` saw: how the child ended and everything it wrote to stdout and stderr.
    public struct Output: Equatable, Sendable {
        public var exit: Exit
        /// stdout and stderr interleaved as written, decoded as UTF-8.
        public var text: String
    }

    /// Runs `arguments` to the end with `input` (if any) on its stdin and its stdout and
    /// stderr captured together. With `timeout`, a child still running then is stopped (in its
    /// own process group, so what it started goes too) and the output so far is returned.
    /// Throws only when the child cannot start.
    public static func run(_ arguments: [String], input: String? = nil, environment: [String: String]? = nil,
                           timeout: Duration? = nil) throws(SystemCallError) -> Output {
        // Pipes, not sockets: programs such as `nft -f -` open /dev/stdin, which fails on a socket.
        let output = try pipe(childWrites: true)
        var inputPair: (ours: Int32, theirs: Int32)?
        if input != nil {
            do { inputPair = try pipe(childWrites: false) } catch { close(output.ours); close(output.theirs); throw error }
        }
        let child: ChildProcess
        do {
            child = try spawn(Spawn(arguments, environment: environment,
                                    stdin: inputPair.map { .descriptor($0.theirs) } ?? .null,
                                    stdout: .descriptor(output.theirs), stderr: .sameAsStdout,
                                    ownProcessGroup: timeout != nil))
        } catch {
            [output.ours, output.theirs, inputPair?.ours, inputPair?.theirs].forEach { if let fd = $0 { close(fd) } }
            throw error
        }
        close(output.theirs)
        if let pair = inputPair { close(pair.theirs) }
        let clock = ContinuousClock()
        let deadline = timeout.map { clock.now.advanced(by: $0) }
        let (bytes, complete) = withoutSIGPIPE {
            exchange(input: Array((input ?? "").utf8), inputFD: inputPair?.ours, outputFD: output.ours, deadline: deadline)
        }
        close(output.ours)
        var exit = complete ? child.waitForExit() : child.stop(grace: .seconds(2))
        exit.timedOut = !complete
        return Output(exit: exit, text: String(decoding: bytes, as: UTF8.self))
    }

    /// Writes `input` (closing the descriptor when done or refused) and reads the output until
    /// end of file or `deadline`; returns what was read and whether the end was reached.
    private static func exchange(input: [UInt8], inputFD: Int32?, outputFD: Int32,
                                 deadline: ContinuousClock.Instant?) -> ([UInt8], Bool) {
        var inputFD = inputFD
        defer { if let fd = inputFD { close(fd) } }
        var written = 0
        if input.isEmpty, let fd = inputFD { close(fd); inputFD = nil }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16384)
        let clock = ContinuousClock()
        while true {
            var fds = [pollfd(fd: outputFD, events: Int16(POLLIN), revents: 0)]
            if let fd = inputFD { fds.append(pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)) }
            var timeout: Int32 = -1
            if let deadline {
                let left = deadline - clock.now
                if left <= .zero { return (out, false) }
                timeout = Int32(clamping: left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000 + 1)
            }
            let ready = poll(&fds, nfds_t(fds.count), timeout)
            if ready < 0 && errno == EINTR { continue }
            if ready < 0 { return (out, false) }
            if fds.count == 2, fds[1].revents != 0, let fd = inputFD {
                let n = input[written...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
                if n > 0 { written += n }
                if written == input.count || (n < 0 && errno != EAGAIN && errno != EINTR) {
                    close(fd)
                    inputFD = nil
                }
            }
            if fds[0].revents != 0 {
                let n = read(outputFD, &chunk, chunk.count)
                if n > 0 { out.append(contentsOf: chunk[..<n]); continue }
                if n == 0 || (errno != EAGAIN && errno != EINTR) { return (out, true) }
            }
        }
    }

    /// A pipe whose both ends are close-on-exec (the child gets its end by `dup2`); our end is
    /// non-blocking.
    private static func pipe(childWrites: Bool) throws(SystemCallError) -> (ours: Int32, theirs: Int32) {
        var fds: [Int32] = [-1, -1]
        try systemCall("pipe") { Glibc.pipe(&fds) }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        let (ours, theirs) = childWrites ? (fds[0], fds[1]) : (fds[1], fds[0])
        _ = fcntl(ours, F_SETFL, fcntl(ours, F_GETFL) | O_NONBLOCK)
        return (ours, theirs)
    }

    /// Runs `body` with SIGPIPE blocked on this thread, so writing to a child that has exited is
    /// an EPIPE, not the end of LoopSentry; a SIGPIPE raised meanwhile is taken before unblocking.
    private static func withoutSIGPIPE<T>(_ body: () -> T) -> T {
        var pipeSignal = sigset_t(), previous = sigset_t()
        sigemptyset(&pipeSignal)
        sigaddset(&pipeSignal, SIGPIPE)
        pthread_sigmask(SIG_BLOCK, &pipeSignal, &previous)
        defer {
            var pending = sigset_t()
            sigpending(&pending)
            if sigismember(&pending, SIGPIPE) == 1 {
                var now = timespec()
                _ = sigtimedwait(&pipeSignal, nil, &now)
            }
            pthread_sigmask(SIG_SETMASK, &previous, nil)
        }
        return body()
    }
}
