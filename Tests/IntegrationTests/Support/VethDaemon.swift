import Foundation
import Testing

/// A `loopsentry run` on a `VethLab`'s trunk (`lsit1` in ns B), with one tenant (policy auto)
/// on VLAN 20 whose remediation uses playbooks from a private playbook folder the test writes.
/// Journal, control socket, playbooks and inventory all live in one temporary folder, so
/// nothing is shared with the fixed-name `loopsentry lab` or with other suites.
final class VethDaemon: DaemonUnderTest {
    let lab: VethLab
    let dir: URL
    let playbookDir: String
    let configPath: String
    let socket: String
    let journal: String
    private(set) var daemon: BackgroundProcess?
    /// Arguments put before the binary, e.g. `ip netns exec NS setpriv ...` to run it as the
    /// service user (empty: run it directly, as root).
    var launcher: [String] = []
    var outputLines: [String] { daemon?.stdoutLines ?? [] }
    var watchedInterface: String { lab.trunk }

    /// `playbooks` maps file names to their text; `target` is the tenant's `remediation:` flow
    /// mapping without braces, e.g. `playbook: hang.yml, host: h, port: lsit1, timeout_s: 3`;
    /// `snmp` is the `snmp:` flow mapping, `probeVLANs` the trunk's `probe_vlans`, `webhooks` the
    /// tenant's `webhooks:` flow list without brackets; `vnis` the VXLAN VNIs the trunk watches
    /// and the tenant owns.
    init(lab: VethLab, playbooks: [String: String], target: String, maxAttempts: Int = 2,
         retryBackoffMs: Int = 300, verifyWindowMs: Int = 1000, snmp: String = "{ enabled: false }",
         probeVLANs: String? = nil, webhooks: String? = nil, vnis: String? = nil, extra: String = "") throws {
        self.lab = lab
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("loopsentry-veth-\(UUID().uuidString.prefix(8))")
        playbookDir = dir.appendingPathComponent("playbooks").path
        try FileManager.default.createDirectory(atPath: playbookDir, withIntermediateDirectories: true)
        for (name, text) in playbooks {
            try text.write(toFile: "\(playbookDir)/\(name)", atomically: true, encoding: .utf8)
        }
        configPath = dir.appendingPathComponent("loopsentry.yaml").path
        socket = dir.appendingPathComponent("control.sock").path
        journal = dir.appendingPathComponent("journal.sqlite").path
        let yaml = """
        interfaces:
          - name: \(lab.trunk)
            netns: \(lab.nsB)\(probeVLANs.map { "\n    probe_vlans: \"\($0)\"" } ?? "")\(vnis.map { "\n    vnis: \"\($0)\"" } ?? "")
        tenants:
          - name: org-b
            policy: auto
            vlans: [{ interface: \(lab.trunk), vlans: "20" }]\(vnis.map { "\n    vnis: [{ interface: \(lab.trunk), vnis: \"\($0)\" }]" } ?? "")
            remediation: { \(target) }\(webhooks.map { "\n    webhooks: [\($0)]" } ?? "")
        remediation:
          playbook_dir: \(playbookDir)
          verify_window_ms: \(verifyWindowMs)
          max_attempts: \(maxAttempts)
          retry_backoff_ms: \(retryBackoffMs)
        snmp: \(snmp)
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

    /// The configuration file's line that contains `text` (1-based).
    func configLine(containing text: String) throws -> Int {
        let lines = try String(contentsOfFile: configPath, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        return try #require(lines.firstIndex { $0.contains(text) }) + 1
    }

    /// Starts the daemon and waits for its `started` event (long: other suites may be loading
    /// the machine).
    func start(timeout: Double = 60) throws {
        let d = try BackgroundProcess(launcher + [loopsentryBinary, "run", "--config", configPath], name: "veth-daemon")
        daemon = d
        guard eventually(timeout: timeout, { d.stdoutLines.contains { $0.contains("\"event\":\"started\"") } }) else {
            throw ShellError("daemon did not start (exit \(d.wait(timeout: 0).map(String.init) ?? "-")): \(d.stderrText)")
        }
    }

    /// Runs `loopsentry run` expecting it to refuse: returns (exit status, stderr, stdout), or
    /// kills it and returns a nil status when it is still running after `timeout` seconds.
    func runExpectingRefusal(timeout: Double = 10) throws -> (status: Int32?, stderr: String, stdout: String) {
        let d = try BackgroundProcess(launcher + [loopsentryBinary, "run", "--config", configPath], name: "veth-refused")
        let status = d.wait(timeout: timeout)
        if status == nil { d.signal(SIGTERM); _ = d.wait(timeout: 10) }
        return (status, d.stderrText, d.stdoutLines.joined(separator: "\n"))
    }

    func stop() -> Int32? {
        daemon?.signal(SIGTERM)
        return daemon?.wait(timeout: 15)
    }

    /// Every playbook run in the journal, read with the sqlite3 tool (the journal's API counts
    /// runs but does not return their columns).
    func playbookRuns() throws -> [[String: Any]] {
        let out = try Shell.must(["sqlite3", "-json", "-readonly", journal,
                                  "SELECT incidentID, playbook, action, attempt, startedAt, finishedAt, succeeded, timedOut, output FROM playbookRun ORDER BY id"])
        guard !out.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return [] }
        return (try JSONSerialization.jsonObject(with: Data(out.utf8))) as? [[String: Any]] ?? []
    }

    /// Every webhook delivery row in the journal, read with the sqlite3 tool.
    func webhookRows() throws -> [[String: Any]] {
        let out = try Shell.must(["sqlite3", "-json", "-readonly", journal,
                                  "SELECT id, tenant, url, body, attempts, deliveredAt, lastError FROM webhookDelivery ORDER BY createdAt, rowid"])
        guard !out.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return [] }
        return (try JSONSerialization.jsonObject(with: Data(out.utf8))) as? [[String: Any]] ?? []
    }
}

/// A background flood of VLAN `vlan` broadcasts from ns A at `rate` frames/s (until stopped).
func startFlood(_ lab: VethLab, vlan: Int, rate: Int) throws -> BackgroundProcess {
    try BackgroundProcess([loopsentryBinary, "lab", "send", "--netns", lab.nsA, "--interface", lab.sender,
                           "--vlan", String(vlan), "--count", "0", "--rate", String(rate)], name: "flood")
}

/// Pids whose command line contains every string in `parts` (read from /proc).
func processes(withCommandLineContaining parts: [String]) -> [Int32] {
    guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
    return entries.compactMap { Int32($0) }.filter { pid in
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline"), !data.isEmpty else { return false }
        let line = String(decoding: data.map { $0 == 0 ? 0x20 : $0 }, as: UTF8.self)
        return parts.allSatisfy { line.contains($0) }
    }
}

/// A TCP port on 127.0.0.1 that nothing listens on (bound, then closed at once).
func closedLocalPort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw ShellError("socket: errno \(errno)") }
    defer { close(fd) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    addr.sin_port = 0
    var len = socklen_t(MemoryLayout<sockaddr_in>.size)
    let ok = withUnsafeMutablePointer(to: &addr) { p in
        p.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) == 0 && getsockname(fd, $0, &len) == 0 }
    }
    guard ok else { throw ShellError("bind: errno \(errno)") }
    return Int(UInt16(bigEndian: addr.sin_port))
}
