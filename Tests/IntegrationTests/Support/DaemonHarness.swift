import Foundation
import LabTestSupport
import Testing

/// A `loopsentry run` on a suite's lab with a configuration written for the test: private
/// journal, control socket, playbook folder and (optionally) AgentX socket in a temporary
/// folder. Events are read from the daemon's JSON lines on stdout.
final class DaemonHarness: DaemonUnderTest {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    let dir: URL
    /// The playbook folder: links to the package's playbooks and the test's own, so the
    /// `ansible-playbook` processes of this daemon are the ones whose command line names it.
    let playbookDir: URL
    let configPath: String
    let socket: String
    let journal: String
    private(set) var daemon: BackgroundProcess?
    private var previousOutput: [String] = []
    /// Lines of every run so far (across restarts).
    var outputLines: [String] { previousOutput + (daemon?.stdoutLines ?? []) }
    let watchedInterface = "trunk0"

    /// `tenants` is the YAML list under `tenants:`; `extra` is appended at top level. `playbooks`
    /// (file name → YAML) are written next to links to the package's playbooks, so a test
    /// playbook can `import_playbook` a shipped one.
    /// `interfaceExtra` is appended to trunk0's settings (e.g. `vnis: "5000-5001"`).
    init(lab: SuiteLab, tenants: String, extra: String = "", verifyWindowMs: Int = 3000, probeVLANs: String = "10,20,30",
         interfaceExtra: String = "", playbooks: [String: String] = [:]) throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("loopsentry-daemon-\(UUID().uuidString.prefix(8))")
        let shipped = Self.packageRoot.appendingPathComponent("playbooks")
        playbookDir = dir.appendingPathComponent("playbooks")
        try FileManager.default.createDirectory(at: playbookDir, withIntermediateDirectories: true)
        for name in try FileManager.default.contentsOfDirectory(atPath: shipped.path) {
            try FileManager.default.createSymbolicLink(at: playbookDir.appendingPathComponent(name),
                                                       withDestinationURL: shipped.appendingPathComponent(name))
        }
        for (name, text) in playbooks {
            try text.write(to: playbookDir.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        configPath = dir.appendingPathComponent("loopsentry.yaml").path
        socket = dir.appendingPathComponent("control.sock").path
        journal = dir.appendingPathComponent("journal.sqlite").path
        let yaml = """
        interfaces:
          - name: trunk0
            netns: \(lab.names.sensor)
            \(probeVLANs.isEmpty ? "" : "probe_vlans: \"\(probeVLANs)\"")
            \(interfaceExtra)
        tenants:
        \(tenants)
        remediation:
          playbook_dir: \(playbookDir.path)
          verify_window_ms: \(verifyWindowMs)
          max_attempts: 2
          retry_backoff_ms: 500
        journal: { path: \(journal) }
        control: { socket: \(socket) }
        \(extra)
        """
        try yaml.write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    deinit {
        daemon?.signal(SIGTERM)
        _ = daemon?.wait(timeout: 10)
        try? FileManager.default.removeItem(at: dir)
    }

    /// Starts the daemon and waits for its `started` event (a restarted daemon first waits for
    /// playbook runs its predecessor left behind, hence the long default).
    func start(timeout: Double = 60) throws {
        if let d = daemon { previousOutput += d.stdoutLines }
        let d = try BackgroundProcess([loopsentryBinary, "run", "--config", configPath], name: "daemon")
        daemon = d
        guard eventually(timeout: timeout, { d.stdoutLines.contains { $0.contains("\"event\":\"started\"") } }) else {
            throw ShellError("daemon did not start: \(d.stderrText) \(d.stdoutLines.suffix(5).joined(separator: " | "))")
        }
    }

    /// Pids of this daemon's `ansible-playbook` runs (also those a killed daemon left behind).
    func playbookProcesses() -> [Int32] {
        processes(withCommandLineContaining: ["ansible-playbook", playbookDir.path + "/"])
    }

    func kill9() {
        daemon?.signal(SIGKILL)
        _ = daemon?.wait(timeout: 5)
    }

    func stop() -> Int32? {
        daemon?.signal(SIGTERM)
        return daemon?.wait(timeout: 15)
    }
}

extension SuiteLab {
    /// Tenant org-b on VLAN 20 of trunk0 with `policy`, cut on switch 1's trunk port by
    /// `playbook` (or by `driver`, the playbook then persisting the cut).
    func tenant20(_ policy: String, playbook: String = "linux-bridge-vlan.yml", driver: String? = nil) -> String {
        """
          - name: org-b
            policy: \(policy)
            vlans: [{ interface: trunk0, vlans: "20" }]
            remediation: { \(driver.map { "driver: \($0), " } ?? "")playbook: \(playbook), \(switch1Target), timeout_s: 60 }
        """
    }
}
