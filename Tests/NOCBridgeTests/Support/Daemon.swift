import Foundation
import LoopSentrySystem

/// A daemon (snmpd, snmptrapd) run in the foreground under `timeout`, so it cannot outlive a
/// crashed test run by more than a few minutes. `stop()` (or `kill()`) ends it; tests call
/// it in `defer`, so it also happens when an expectation fails or a step throws.
///
/// Spawned as a `ChildProcess` (empty signal mask: threads of the test runner block most
/// signals, and an snmpd that inherited that mask would ignore SIGTERM).
final class Daemon {
    let name: String
    let pidFile: URL
    let log: URL
    /// The `timeout` wrapper.
    private let wrapper: pid_t
    private var exited = false

    /// Starts `arguments` (absolute path first), which must write its pid to `pidFile`.
    init(name: String, arguments: [String], pidFile: URL, log: URL, environment: [String: String]) throws {
        self.name = name
        self.pidFile = pidFile
        self.log = log
        try? FileManager.default.removeItem(at: pidFile)
        wrapper = try ChildProcess.spawn(.init(["/usr/bin/timeout", "--kill-after=5", "600"] + arguments,
                                               environment: ProcessInfo.processInfo.environment.merging(environment) { $1 })).pid
    }

    /// The daemon's pid, once it has written its pid file.
    var pid: pid_t? {
        guard let text = try? String(contentsOf: pidFile, encoding: .utf8),
              let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)) else { return nil }
        return pid
    }

    /// What the daemon logged so far.
    var logText: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

    /// Ends the daemon with `signal` and waits for it (and its `timeout` wrapper) to exit;
    /// SIGKILLs both if that takes over 5 s.
    func stop(signal: Int32 = SIGTERM) {
        guard !exited else { return }
        if let pid { Glibc.kill(pid, signal) } else { Glibc.kill(wrapper, SIGTERM) }
        let deadline = Date().addingTimeInterval(5)
        var status: Int32 = 0
        while waitpid(wrapper, &status, WNOHANG) == 0 {
            if Date() > deadline {
                if let pid { Glibc.kill(pid, SIGKILL) }
                Glibc.kill(wrapper, SIGKILL)
                _ = waitpid(wrapper, &status, 0)
                break
            }
            usleep(20_000)
        }
        exited = true
    }

    /// Kills the daemon without letting it clean up, like a crash.
    func kill() { stop(signal: SIGKILL) }

    deinit { stop() }
}
