import Foundation
import Glibc
import LoopSentrySystem

/// A collector process started as a `ChildProcess` (empty signal mask: test worker threads
/// block nearly every signal, and an rsyslogd that inherited that mask never sees SIGTERM).
final class SyslogTestProcess: @unchecked Sendable {
    let pid: pid_t
    private var exited = false

    /// Starts `path` with `arguments`, stdout and stderr appended to `outputPath`.
    init(path: String, arguments: [String], outputPath: String) throws {
        pid = try ChildProcess.spawn(.init([path] + arguments, stdout: .file(outputPath, append: true),
                                           stderr: .sameAsStdout)).pid
    }

    deinit { stop() }

    var isRunning: Bool {
        guard !exited else { return false }
        var status: Int32 = 0
        if waitpid(pid, &status, WNOHANG) == pid { exited = true }
        return !exited
    }

    /// SIGTERM, then waits up to `grace` seconds before SIGKILL; always reaps the child.
    func stop(grace: TimeInterval = 5) {
        guard isRunning else { return }
        kill(pid, SIGTERM)
        let deadline = Date().addingTimeInterval(grace)
        while isRunning && Date() < deadline { usleep(10_000) }
        if isRunning {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
            exited = true
        }
    }

}
