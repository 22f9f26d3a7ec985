import Foundation
import LoopSentrySystem

/// A daemon started for the lab (snmpd, snmptrapd, rsyslogd): a `ChildProcess` in its own
/// process group, standard input from /dev/null, stdout and stderr appended to a log file.
/// `stop()` sends SIGTERM, then SIGKILL.
public final class ServiceProcess: @unchecked Sendable {
    public let name: String
    private let child: ChildProcess
    private var stopped = false

    public var pid: pid_t { child.pid }

    public init(name: String, arguments: [String], environment: [String: String], output: String) throws {
        self.name = name
        do {
            child = try ChildProcess.spawn(.init(arguments, environment: ProcessInfo.processInfo.environment.merging(environment) { $1 },
                                                 stdout: .file(output, append: true), stderr: .sameAsStdout,
                                                 ownProcessGroup: true))
        } catch {
            throw LabError.stepFailed("start \(name)", "\(error)")
        }
    }

    deinit { stop() }

    /// True while the process has not exited (it is reaped here when it has).
    public var isRunning: Bool { child.isRunning }

    public func stop() {
        guard !stopped else { return }
        stopped = true
        child.stop(grace: .seconds(1))
    }

    /// Kills the process like a crash (SIGKILL), without the orderly stop.
    public func crash() {
        child.crash()
        stopped = true
    }
}
