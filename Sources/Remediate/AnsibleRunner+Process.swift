#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// A child process in a process group of its own, so a timeout can kill ansible-playbook and
/// every worker, module and `sleep` it started (`killpg`). Started with `posix_spawn`
/// (`POSIX_SPAWN_SETPGROUP`), stdin from /dev/null, stdout and stderr into files.
struct AnsibleChildProcess {
    let pid: pid_t

    /// How the child ended.
    struct Exit {
        /// Exit status; nil when a signal ended it.
        var status: Int32?
        /// The deadline passed and the group was killed.
        var timedOut: Bool
    }

    /// Starts `executable` with `arguments` (argv[1...]) and exactly `environment`.
    /// Throws `PlaybookError.cannotStart` naming `posix_spawn` and the errno text.
    static func spawn(executable: String, arguments: [String], environment: [String: String],
                      stdoutPath: String, stderrPath: String) throws(PlaybookError) -> AnsibleChildProcess {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdoutPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, stderrPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)

        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        var noSignals = sigset_t(), allSignals = sigset_t()
        sigemptyset(&noSignals)
        sigfillset(&allSignals)
        posix_spawnattr_setsigmask(&attr, &noSignals)
        posix_spawnattr_setsigdefault(&attr, &allSignals)
        posix_spawnattr_setpgroup(&attr, 0)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }

        var pid: pid_t = 0
        let rc = posix_spawn(&pid, executable, &actions, &attr, argv, envp)
        guard rc == 0 else {
            throw .cannotStart("posix_spawn \(executable): \(String(cString: strerror(rc)))")
        }
        return AnsibleChildProcess(pid: pid)
    }

    /// Waits for the child until `deadline`, polling `waitpid(WNOHANG)` every 20 ms. On expiry
    /// (or task cancellation) sends SIGTERM to the group, then SIGKILL after `grace`, and reaps.
    func wait(until deadline: ContinuousClock.Instant, grace: Duration = .seconds(2)) async -> Exit {
        let clock = ContinuousClock()
        while true {
            if let status = reap(blocking: false) { return Exit(status: status, timedOut: false) }
            if clock.now >= deadline || Task.isCancelled { break }
            try? await Task.sleep(for: .milliseconds(20))
        }
        killpg(pid, SIGTERM)
        let killAt = clock.now.advanced(by: grace)
        while clock.now < killAt {
            if let status = reap(blocking: false) {
                killpg(pid, SIGKILL)  // workers the leader left behind
                return Exit(status: status, timedOut: true)
            }
            usleep(20_000)
        }
        killpg(pid, SIGKILL)
        return Exit(status: reap(blocking: true) ?? nil, timedOut: true)
    }

    /// `waitpid` on the child: nil while it runs; else its exit status, or nil-in-some when a
    /// signal ended it (`.some(nil)`).
    private func reap(blocking: Bool) -> Int32?? {
        var status: Int32 = 0
        while true {
            let r = waitpid(pid, &status, blocking ? 0 : WNOHANG)
            if r == -1 && errno == EINTR { continue }
            if r == 0 { return nil }
            if r == -1 { return .some(nil) }  // already reaped: nothing more to learn
            let signal = status & 0x7f
            return .some(signal == 0 ? (status >> 8) & 0xff : nil)
        }
    }
}
