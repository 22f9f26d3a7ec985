/// Counts for one host from the PLAY RECAP (or the json callback's `stats`).
public struct PlaybookHostStats: Equatable, Sendable {
    public var ok = 0
    public var changed = 0
    public var unreachable = 0
    public var failed = 0
    public var skipped = 0
    public var rescued = 0
    public var ignored = 0

    public init(ok: Int = 0, changed: Int = 0, unreachable: Int = 0, failed: Int = 0,
                skipped: Int = 0, rescued: Int = 0, ignored: Int = 0) {
        self.ok = ok
        self.changed = changed
        self.unreachable = unreachable
        self.failed = failed
        self.skipped = skipped
        self.rescued = rescued
        self.ignored = ignored
    }
}

/// A task that failed or could not reach its host, as the json callback reports it.
public struct PlaybookTaskFailure: Equatable, Sendable {
    public var host: String
    public var task: String
    public var unreachable: Bool
    /// The module's `msg` (or stderr), on one line.
    public var message: String

    public init(host: String, task: String, unreachable: Bool, message: String) {
        self.host = host
        self.task = task
        self.unreachable = unreachable
        self.message = message
    }
}

/// Why a playbook run did not succeed, as one line an operator can act on.
public enum PlaybookError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No `playbooks/NAME.yml` (or the name is not a plain file name).
    case unknownPlaybook(name: String, path: String)
    /// No `ansible-playbook` executable where it was looked for.
    case ansiblePlaybookMissing(searched: String)
    /// The runner could not prepare or start the run (temp dir, vars file, spawn).
    case cannotStart(String)
    /// The target host could not be reached (ssh, network_cli, netconf).
    case unreachable(host: String, message: String)
    /// The run passed its timeout; its process group was killed.
    case timedOut(playbook: String, after: Duration)
    /// The inventory has no host matching `target_host`: nothing ran.
    case noHostMatched(playbook: String, pattern: String)
    /// A task failed, or ansible-playbook exited non-zero.
    case failed(playbook: String, host: String?, task: String?, message: String)

    public var description: String {
        switch self {
        case .unknownPlaybook(let name, let path):
            return "unknown playbook '\(name)': no such file \(path)"
        case .ansiblePlaybookMissing(let searched):
            return "ansible-playbook not found (\(searched)): install ansible-core"
        case .cannotStart(let why):
            return "cannot start ansible-playbook: \(why)"
        case .unreachable(let host, let message):
            return "target \(host) unreachable: \(message)"
        case .timedOut(let playbook, let after):
            return "playbook \(playbook) timed out after \(Self.seconds(after)) s"
        case .noHostMatched(let playbook, let pattern):
            return "playbook \(playbook): no host in the inventory matches '\(pattern)'"
        case .failed(let playbook, let host, let task, let message):
            let at = [host.map { "on \($0)" }, task.map { "at task '\($0)'" }].compactMap { $0 }.joined(separator: " ")
            return "playbook \(playbook) failed\(at.isEmpty ? "" : " " + at): \(message)"
        }
    }

    /// Whole seconds when the duration is whole, else one decimal ("30", "0.5").
    static func seconds(_ d: Duration) -> String {
        let (s, atto) = d.components
        if atto == 0 { return String(s) }
        let tenths = (Double(s) + Double(atto) / 1e18) * 10
        return String(tenths.rounded() / 10)
    }
}

/// The outcome of one `ansible-playbook` run, kept with the incident.
public struct PlaybookResult: Equatable, Sendable {
    /// The playbook's file name, e.g. `linux-bridge-vlan.yml`.
    public var playbook: String
    /// Exit status 0, at least one host ran, no host failed or unreachable, no timeout.
    public var succeeded: Bool
    /// Sums over hosts of the recap counts.
    public var ok: Int
    public var changed: Int
    public var unreachable: Int
    public var failed: Int
    public var timedOut: Bool
    /// Exit status of ansible-playbook; nil when it was killed by a signal.
    public var exitStatus: Int32?
    /// Per-host recap counts.
    public var hosts: [String: PlaybookHostStats]
    /// Failed or unreachable tasks, in order.
    public var failures: [PlaybookTaskFailure]
    /// Every task result (json callback), e.g. the planned commands a playbook printed.
    public var tasks: [PlaybookTaskRecord]
    /// Why the run did not succeed; nil when it did.
    public var error: PlaybookError?
    /// stdout (the json callback's document) followed by stderr.
    public var output: String
    public var duration: Duration

    public init(playbook: String, succeeded: Bool, ok: Int, changed: Int, unreachable: Int, failed: Int,
                timedOut: Bool, exitStatus: Int32?, hosts: [String: PlaybookHostStats],
                failures: [PlaybookTaskFailure], tasks: [PlaybookTaskRecord] = [], error: PlaybookError?, output: String, duration: Duration) {
        self.playbook = playbook
        self.succeeded = succeeded
        self.ok = ok
        self.changed = changed
        self.unreachable = unreachable
        self.failed = failed
        self.timedOut = timedOut
        self.exitStatus = exitStatus
        self.hosts = hosts
        self.failures = failures
        self.tasks = tasks
        self.error = error
        self.output = output
        self.duration = duration
    }
}
