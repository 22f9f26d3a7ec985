#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import LoopSentrySystem

/// Where the hosts of a run come from.
public enum PlaybookInventory: Equatable, Sendable {
    /// An inventory file or directory (`-i PATH`).
    case path(String)
    /// Inventory text (INI or YAML) written next to the vars file for this run only,
    /// e.g. `lsl-sw1 ansible_connection=local ansible_python_interpreter=/usr/bin/python3`.
    case text(String)
}

/// One playbook run to carry out.
public struct PlaybookRequest: Equatable, Sendable {
    /// The playbook's name in the playbook directory, with or without `.yml`.
    public var playbook: String
    public var variables: PlaybookVariables
    public var inventory: PlaybookInventory
    /// `--check`: report what would change, change nothing.
    public var check: Bool
    /// The run is killed (with its whole process group) when it takes longer.
    public var timeout: Duration

    public init(playbook: String, variables: PlaybookVariables, inventory: PlaybookInventory,
                check: Bool = false, timeout: Duration = .seconds(30)) {
        self.playbook = playbook
        self.variables = variables
        self.inventory = inventory
        self.check = check
        self.timeout = timeout
    }
}

/// Runs remediation playbooks with `ansible-playbook` as a child process: the variables go into
/// a JSON file in a private temporary directory (0700, file 0600) passed with `-e @FILE`, the
/// json stdout callback is selected, the run has a timeout, and the output is parsed into a
/// `PlaybookResult` by `PlaybookOutputParser`.
public struct AnsibleRunner: Sendable {
    /// The folder holding the playbooks, as shown in errors (e.g. `playbooks`).
    public var playbookDirectory: String
    /// `ansible-playbook` to run; nil looks it up in the PATH of `environment`.
    public var ansiblePlaybook: String?
    /// The environment of the child; the runner adds its ANSIBLE_* settings on top.
    public var environment: [String: String]
    /// Names this runner's private folders (`loopsentry-ansible-OWNER-…`), so a restarted daemon
    /// finds the runs its predecessor left (`LeftoverPlaybooks`) and no other daemon's.
    public var owner: String

    public init(playbookDirectory: String = "playbooks", ansiblePlaybook: String? = nil,
                environment: [String: String] = ProcessInfo.processInfo.environment, owner: String = "run") {
        self.playbookDirectory = playbookDirectory
        self.ansiblePlaybook = ansiblePlaybook
        self.environment = environment
        self.owner = owner
    }

    /// The prefix of the private folders of runners with `owner`.
    public static func folderPrefix(owner: String) -> String { "loopsentry-ansible-\(owner)-" }

    /// The file of playbook `name` (`x` or `x.yml`); a name with a path separator, or one with
    /// no file, is an `unknownPlaybook` error.
    public func playbookPath(_ name: String) throws(PlaybookError) -> String {
        let base = name.hasSuffix(".yml") ? String(name.dropLast(4)) : name
        let path = "\(playbookDirectory)/\(base).yml"
        guard !base.isEmpty, !base.contains("/"), !base.hasPrefix("."),
              FileManager.default.fileExists(atPath: path) else {
            throw .unknownPlaybook(name: base, path: path)
        }
        return path
    }

    /// The `ansible-playbook` executable, or `ansiblePlaybookMissing`.
    public func ansiblePlaybookExecutable() throws(PlaybookError) -> String {
        if let explicit = ansiblePlaybook {
            guard access(explicit, X_OK) == 0 else { throw .ansiblePlaybookMissing(searched: explicit) }
            return explicit
        }
        let path = environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for dir in path.split(separator: ":") where access("\(dir)/ansible-playbook", X_OK) == 0 {
            return "\(dir)/ansible-playbook"
        }
        throw .ansiblePlaybookMissing(searched: "PATH=\(path)")
    }

    /// Runs one playbook to completion or timeout. Throws (`PlaybookError`) only when nothing
    /// could run: unknown playbook, no ansible-playbook, no temp dir. Everything that ran is a
    /// `PlaybookResult`, whose `error` says in one line why it did not succeed.
    public func run(_ request: PlaybookRequest) async throws(PlaybookError) -> PlaybookResult {
        let playbook = try playbookPath(request.playbook)
        let executable = try ansiblePlaybookExecutable()
        let dir = try Self.makePrivateDirectory(prefix: Self.folderPrefix(owner: owner))
        defer { try? FileManager.default.removeItem(atPath: dir) }

        let varsPath = "\(dir)/vars.json"
        do {
            try Self.writePrivateFile(varsPath, request.variables.jsonData())
        } catch {
            throw .cannotStart("vars file: \(error)")
        }
        let inventory: String
        switch request.inventory {
        case .path(let p): inventory = p
        case .text(let t):
            inventory = "\(dir)/inventory"
            try Self.writePrivateFile(inventory, Data(t.utf8))
        }
        var arguments = ["-i", inventory, "-e", "@\(varsPath)"]
        if request.check { arguments.append("--check") }
        arguments.append(playbook)

        var env = environment
        env["ANSIBLE_STDOUT_CALLBACK"] = "json"
        env["ANSIBLE_NOCOLOR"] = "1"
        env["ANSIBLE_RETRY_FILES_ENABLED"] = "0"
        env["ANSIBLE_LOCAL_TEMP"] = "\(dir)/tmp"
        env["ANSIBLE_PYTHON_INTERPRETER"] = env["ANSIBLE_PYTHON_INTERPRETER"] ?? "auto_silent"

        let clock = ContinuousClock()
        let start = clock.now
        // Its own process group: a timeout stops ansible-playbook and every worker, module and
        // `sleep` it started, and a kill -9 of the daemon leaves the run to finish its work.
        let child: ChildProcess
        do {
            child = try ChildProcess.spawn(.init([executable] + arguments, environment: env,
                                                 stdout: .file("\(dir)/stdout", append: false),
                                                 stderr: .file("\(dir)/stderr", append: false), ownProcessGroup: true))
        } catch {
            throw .cannotStart(error.description)
        }
        let exit = await child.wait(until: start.advanced(by: request.timeout))
        let duration = clock.now - start
        let read = { (f: String) in (try? String(contentsOfFile: "\(dir)/\(f)", encoding: .utf8)) ?? "" }
        return PlaybookOutputParser.result(
            playbook: (playbook as NSString).lastPathComponent, targetHost: request.variables.targetHost,
            exitStatus: exit.status, timedOut: exit.timedOut, timeout: request.timeout,
            stdout: read("stdout"), stderr: read("stderr"), duration: duration)
    }

    /// A fresh directory only this user can enter (`mkdtemp`, mode 0700).
    static func makePrivateDirectory(prefix: String) throws(PlaybookError) -> String {
        var template = Array("\(NSTemporaryDirectory())/\(prefix)XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else {
            throw .cannotStart(SystemCallError("mkdtemp", errno: errno).description)
        }
        return String(cString: made)
    }

    /// Creates `path` with mode 0600 (never an existing file) and writes `data`.
    static func writePrivateFile(_ path: String, _ data: Data) throws(PlaybookError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .cannotStart(SystemCallError("open \(path)", errno: errno).description) }
        defer { close(fd) }
        let written = data.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == data.count else { throw .cannotStart(SystemCallError("write \(path)", errno: errno).description) }
    }
}
