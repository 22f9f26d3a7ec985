#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Remediate
import Testing

/// One switch emulator (Tests/Emulators/*.py on Debian's python3 with paramiko) on a free port of
/// 127.0.0.1, with a private directory for its state and logs and a private HOME for Ansible
/// (known_hosts pre-seeded with the emulator's host key, as an operator would with ssh-keyscan).
/// Started in `init` (which returns once the emulator wrote its ready file), stopped in `deinit`.
final class SwitchEmulator {
    static let python = "/usr/bin/python3"
    static let directory = "\(AnsibleTestEnv.root)/Tests/Emulators"
    /// The emulators need Debian's python3-paramiko (scripts/setup.sh installs it).
    static let hasParamiko = (try? AnsibleTestShell.run([python, "-c", "import paramiko"]).status) == 0
    static let available = hasParamiko && AnsibleTestEnv.hasAnsible
    static let unavailable: Comment = "switch emulator tests need /usr/bin/python3 with paramiko and ansible-playbook (scripts/setup.sh)"
    static let user = "loopsentry", password = "s3cret-pw"

    let process = Process()
    /// Private directory: state/ (the emulator's files), home/ (Ansible's HOME).
    let root: String
    let port: Int
    /// The known_hosts line of the emulator's host key.
    let knownHostsLine: String

    /// The emulator's state directory and Ansible's private HOME, inside `root`.
    let state: String, home: String

    /// Starts `script` with `arguments` (plus user, password, state dir, ready and known_hosts files).
    init(script: String, arguments: [String]) throws {
        var template = Array("\(NSTemporaryDirectory())/loopsentry-emu-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw AnsibleTestFailure("mkdtemp failed") }
        root = String(cString: made)
        state = "\(root)/state"
        home = "\(root)/home"
        for dir in [state, home, "\(home)/.ssh"] {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        }
        process.executableURL = URL(fileURLWithPath: Self.python)
        process.arguments = ["\(Self.directory)/\(script)", "--user", Self.user, "--password", Self.password,
                             "--state-dir", state, "--ready-file", "\(root)/ready",
                             "--known-hosts-out", "\(root)/host-key"] + arguments
        process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: Self.touch("\(root)/stderr")))
        try process.run()
        // Wait for the ready file (written after listen()), or the emulator's exit.
        let deadline = ContinuousClock.now.advanced(by: .seconds(20))
        var ready: String?
        while ready == nil && process.isRunning && ContinuousClock.now < deadline {
            ready = try? String(contentsOfFile: "\(root)/ready", encoding: .utf8)
            if ready == nil { usleep(10_000) }
        }
        guard let text = ready, let p = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            let why = (try? String(contentsOfFile: "\(root)/stderr", encoding: .utf8)) ?? ""
            Self.stop(process)
            throw AnsibleTestFailure("\(script) did not start: \(why)")
        }
        port = p
        knownHostsLine = try String(contentsOfFile: "\(root)/host-key", encoding: .utf8)
        try knownHostsLine.write(toFile: "\(home)/.ssh/known_hosts", atomically: true, encoding: .utf8)
    }

    deinit {
        Self.stop(process)
        try? FileManager.default.removeItem(atPath: root)
    }

    /// SIGTERM, then SIGKILL when the emulator has not exited within 5 s; reaps it.
    static func stop(_ process: Process) {
        if process.isRunning { process.terminate() }
        let deadline = ContinuousClock.now.advanced(by: .seconds(5))
        while process.isRunning && ContinuousClock.now < deadline { usleep(10_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    static func touch(_ path: String) -> String {
        FileManager.default.createFile(atPath: path, contents: nil)
        return path
    }

    /// A file the emulator wrote in its state directory.
    func read(_ name: String) throws -> String {
        try String(contentsOfFile: "\(state)/\(name)", encoding: .utf8)
    }

    /// The non-empty lines of a log (empty when the emulator wrote none yet).
    func log(_ name: String) -> [String] {
        ((try? read(name)) ?? "").split(separator: "\n").map(String.init)
    }

    /// Empties a log so the next run's lines stand alone.
    func clear(_ name: String) throws {
        try "".write(toFile: "\(state)/\(name)", atomically: true, encoding: .utf8)
    }

    /// A runner whose ansible-playbook uses this emulator's private HOME (and known_hosts).
    func runner() -> AnsibleRunner {
        var env = ProcessInfo.processInfo.environment
        env["HOME"] = home
        env["ANSIBLE_PERSISTENT_COMMAND_TIMEOUT"] = "20"
        env["ANSIBLE_PERSISTENT_CONNECT_TIMEOUT"] = "15"
        return AnsibleRunner(playbookDirectory: AnsibleTestEnv.playbooks, environment: env)
    }
}
