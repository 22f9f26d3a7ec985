import Foundation

/// A daemon started for the lab (snmpd, snmptrapd, rsyslogd) with `posix_spawn`: an empty
/// signal mask (threads of a Swift process block signals, and a spawned child inherits the
/// mask — an snmpd started that way would ignore SIGTERM), its own process group, standard
/// input from /dev/null and output into a log file. `stop()` sends SIGTERM, then SIGKILL.
public final class ServiceProcess: @unchecked Sendable {
    public let name: String
    public let pid: pid_t
    private var stopped = false

    public init(name: String, arguments: [String], environment: [String: String], output: String) throws {
        self.name = name
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        var none = sigset_t(), all = sigset_t()
        sigemptyset(&none)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attr, &none)
        posix_spawnattr_setsigdefault(&attr, &all)
        posix_spawnattr_setpgroup(&attr, 0)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP))
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let env = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var child: pid_t = 0
        let rc = posix_spawn(&child, arguments[0], &actions, &attr, argv, envp)
        guard rc == 0 else {
            throw LabError.stepFailed("start \(name)", String(cString: strerror(rc)))
        }
        pid = child
    }

    deinit { stop() }

    /// True while the process has not exited (it is reaped here when it has).
    public var isRunning: Bool {
        var status: Int32 = 0
        return waitpid(pid, &status, WNOHANG) == 0
    }

    public func stop() {
        guard !stopped else { return }
        stopped = true
        kill(-pid, SIGTERM)
        for _ in 0..<50 {
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) != 0 { return }
            usleep(20_000)
        }
        kill(-pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
    }

    /// Kills the process like a crash (SIGKILL), without the orderly stop.
    public func crash() {
        kill(-pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        stopped = true
    }
}
