import Dispatch
import Glibc
import Synchronization

/// A child process started with `posix_spawn`: the one way LoopSentry starts programs.
///
/// The child gets an empty signal mask and default handlers (threads of a Swift process block
/// signals and a spawned child inherits the mask: an snmpd started that way would ignore
/// SIGTERM), optionally a process group of its own (so `stop` reaches every worker it started,
/// and a kill -9 of LoopSentry leaves it running), and standard streams as `Spawn` says.
public struct ChildProcess: Sendable {
    public let pid: pid_t
    /// True when the child leads a process group of its own: signals go to the whole group.
    public let ownsProcessGroup: Bool

    /// Where a standard stream of the child goes.
    public enum Stream: Sendable {
        /// /dev/null.
        case null
        /// The same as LoopSentry's own stream.
        case inherit
        /// A file, created 0600 when missing; truncated, or appended to.
        case file(String, append: Bool)
        /// A descriptor of this process (dup'ed into the child).
        case descriptor(Int32)
        /// For stderr: wherever stdout goes.
        case sameAsStdout
    }

    /// What to start and how.
    public struct Spawn: Sendable {
        /// argv; `arguments[0]` is the program (searched in PATH when it has no `/`).
        public var arguments: [String]
        /// The whole environment of the child; nil: this process's environment.
        public var environment: [String: String]?
        public var stdin: Stream = .null
        public var stdout: Stream = .null
        public var stderr: Stream = .null
        /// Start the child in a new process group (`POSIX_SPAWN_SETPGROUP`).
        public var ownProcessGroup = false

        public init(_ arguments: [String], environment: [String: String]? = nil, stdin: Stream = .null,
                    stdout: Stream = .null, stderr: Stream = .null, ownProcessGroup: Bool = false) {
            self.arguments = arguments
            self.environment = environment
            self.stdin = stdin
            self.stdout = stdout
            self.stderr = stderr
            self.ownProcessGroup = ownProcessGroup
        }
    }

    /// How the child ended.
    public struct Exit: Equatable, Sendable {
        /// Exit status; nil when a signal ended it (or it was reaped elsewhere).
        public var status: Int32?
        /// The deadline passed and the child was stopped.
        public var timedOut = false

        public init(status: Int32?, timedOut: Bool = false) {
            self.status = status
            self.timedOut = timedOut
        }
    }

    /// Starts the child. Throws `posix_spawn PROGRAM: reason (errno N)`.
    public static func spawn(_ spawn: Spawn) throws(SystemCallError) -> ChildProcess {
        precondition(!spawn.arguments.isEmpty, "a child process needs a program")
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        redirect(&actions, 0, spawn.stdin, write: false)
        redirect(&actions, 1, spawn.stdout, write: true)
        redirect(&actions, 2, spawn.stderr, write: true)
        // Nothing else of ours: a descriptor the child inherited by accident (a caller's pipe
        // or socket without close-on-exec) would keep its reader waiting for as long as it runs.
        for fd in openDescriptors() { posix_spawn_file_actions_addclose(&actions, fd) }

        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        var noSignals = sigset_t(), allSignals = sigset_t()
        sigemptyset(&noSignals)
        sigfillset(&allSignals)
        posix_spawnattr_setsigmask(&attr, &noSignals)
        posix_spawnattr_setsigdefault(&attr, &allSignals)
        var flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF
        if spawn.ownProcessGroup {
            posix_spawnattr_setpgroup(&attr, 0)
            flags |= POSIX_SPAWN_SETPGROUP
        }
        posix_spawnattr_setflags(&attr, Int16(flags))

        let argv = spawn.arguments.map { strdup($0) } + [nil]
        var envp = spawn.environment.map { $0.map { strdup("\($0.key)=\($0.value)") } + [nil] }
        defer { (argv + (envp ?? [])).forEach { free($0) } }

        var pid: pid_t = 0
        let rc = envp == nil ? posix_spawnp(&pid, spawn.arguments[0], &actions, &attr, argv, environ)
            : posix_spawnp(&pid, spawn.arguments[0], &actions, &attr, argv, &envp!)
        guard rc == 0 else { throw SystemCallError("posix_spawn \(spawn.arguments[0])", errno: rc) }
        return ChildProcess(pid: pid, ownsProcessGroup: spawn.ownProcessGroup)
    }

    /// The descriptors from 3 up open in this process now (/proc/self/fd). Closing one that is
    /// gone by the time the child starts is not an error for `posix_spawn`.
    private static func openDescriptors() -> [Int32] {
        guard let dir = opendir("/proc/self/fd") else { return [] }
        defer { closedir(dir) }
        var fds: [Int32] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if let fd = Int32(name), fd >= 3 { fds.append(fd) }
        }
        return fds
    }

    private static func redirect(_ actions: inout posix_spawn_file_actions_t, _ fd: Int32, _ stream: Stream, write: Bool) {
        switch stream {
        case .inherit: break
        case .null: posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", write ? O_WRONLY : O_RDONLY, 0)
        case let .file(path, append):
            posix_spawn_file_actions_addopen(&actions, fd, path, O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC), 0o600)
        case let .descriptor(source): posix_spawn_file_actions_adddup2(&actions, source, fd)
        case .sameAsStdout: posix_spawn_file_actions_adddup2(&actions, 1, fd)
        }
    }

    /// Sends `signal` to the child's process group when it owns one, else to the child.
    public func signal(_ signal: Int32) {
        _ = ownsProcessGroup ? killpg(pid, signal) : kill(pid, signal)
    }

    /// True while the child has not exited (it is reaped here when it has).
    public var isRunning: Bool { reap(blocking: false) == nil }

    /// Blocks until the child exits.
    @discardableResult
    public func waitForExit() -> Exit { Exit(status: reap(blocking: true) ?? nil) }

    /// Stops the child: SIGTERM, then SIGKILL when it has not exited within `grace` (polled
    /// every 20 ms); with a process group, SIGKILL also ends what the leader left behind.
    @discardableResult
    public func stop(grace: Duration = .seconds(1)) -> Exit {
        signal(SIGTERM)
        let clock = ContinuousClock()
        let killAt = clock.now.advanced(by: grace)
        while clock.now < killAt {
            if let status = reap(blocking: false) {
                if ownsProcessGroup { signal(SIGKILL) }
                return Exit(status: status)
            }
            usleep(20_000)
        }
        signal(SIGKILL)
        return waitForExit()
    }

    /// Kills the child like a crash (SIGKILL, no orderly stop) and reaps it.
    public func crash() {
        signal(SIGKILL)
        waitForExit()
    }

    /// Waits for the child until `deadline`, polling every 20 ms without blocking a thread. On
    /// expiry (or task cancellation) stops it (`stop(grace:)`) and reports `timedOut`. The
    /// deadline is kept by a timer on a Dispatch thread, not by this task's wake-ups: a task on a
    /// busy cooperative pool may resume long after its sleep, and the child must still be stopped
    /// on time.
    public func wait(until deadline: ContinuousClock.Instant, grace: Duration = .seconds(2)) async -> Exit {
        let clock = ContinuousClock()
        let expired = Expiry()
        let timer = DispatchSource.makeTimerSource(queue: .global())
        let left = max(clock.now.duration(to: deadline), .zero).components
        timer.schedule(deadline: .now() + .nanoseconds(Int(left.seconds) * 1_000_000_000 + Int(left.attoseconds / 1_000_000_000)),
                       leeway: .milliseconds(5))
        timer.setEventHandler { [self] in
            expired.set()
            signal(SIGTERM)
            DispatchQueue.global().asyncAfter(deadline: .now() + .nanoseconds(Int(grace.components.seconds) * 1_000_000_000)) {
                [self] in signal(SIGKILL)
            }
        }
        timer.resume()
        defer { timer.cancel() }
        while true {
            if let status = reap(blocking: false) {
                if expired.value, ownsProcessGroup { signal(SIGKILL) }   // what the leader left behind
                return Exit(status: status, timedOut: expired.value)
            }
            if Task.isCancelled { break }
            try? await Task.sleep(for: .milliseconds(20))
        }
        var exit = stop(grace: grace)
        exit.timedOut = true
        return exit
    }

    /// `waitpid` on the child: nil while it runs; else its exit status, or `.some(nil)` when a
    /// signal ended it or it was already reaped.
    func reap(blocking: Bool) -> Int32?? {
        var status: Int32 = 0
        while true {
            let r = waitpid(pid, &status, blocking ? 0 : WNOHANG)
            if r == -1 && errno == EINTR { continue }
            if r == 0 { return nil }
            if r == -1 { return .some(nil) }
            let signal = status & 0x7f
            return .some(signal == 0 ? (status >> 8) & 0xff : nil)
        }
    }
}

/// Set once by the deadline's timer, read by the waiting task.
private final class Expiry: Sendable {
    private let fired = Mutex(false)
    func set() { fired.withLock { $0 = true } }
    var value: Bool { fired.withLock { $0 } }
}
