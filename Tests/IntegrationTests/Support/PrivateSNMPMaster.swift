import Foundation

/// A private snmpd as AgentX master: its socket, configuration, persistent files and log in a
/// temporary folder, UDP on a free loopback port, communities `public` (read) and `private`
/// (write) for 127.0.0.1. `start()` forks it into the background (a foreground child of the test
/// runner would ignore SIGTERM); `kill()` ends it like a crash.
final class PrivateSNMPMaster {
    let dir: String
    let port: Int
    var agentXSocket: String { "\(dir)/agentx.sock" }

    init(tag: String) throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("loopsentry-\(tag)-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: "\(dir)/persist", withIntermediateDirectories: true)
        port = try closedLocalPort()
        try "master agentx\nagentXSocket \(dir)/agentx.sock\nagentXPerms 0600 0700\nrocommunity public 127.0.0.1\nrwcommunity private 127.0.0.1\n"
            .write(toFile: "\(dir)/snmpd.conf", atomically: true, encoding: .utf8)
    }

    deinit {
        kill()
        try? FileManager.default.removeItem(atPath: dir)
    }

    func start() throws {
        try? FileManager.default.removeItem(atPath: "\(dir)/snmpd.pid")
        let r = try Shell.run(["/usr/sbin/snmpd", "-Lf", "\(dir)/snmpd.log", "-C", "-c", "\(dir)/snmpd.conf",
                               "-p", "\(dir)/snmpd.pid", "-I", "-smux", "udp:127.0.0.1:\(port)"],
                              environment: ["SNMP_PERSISTENT_DIR": "\(dir)/persist", "PATH": "/usr/sbin:/usr/bin:/bin"])
        guard r.status == 0, eventually(timeout: 10, { pid != nil }) else { throw ShellError("snmpd did not start: \(r.stderr)") }
    }

    var pid: Int32? {
        (try? String(contentsOfFile: "\(dir)/snmpd.pid", encoding: .utf8)).flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    /// SIGKILL, like a crash; waits until the process is gone.
    func kill() {
        guard let pid else { return }
        Glibc.kill(pid, SIGKILL)
        _ = eventually(timeout: 5) { Glibc.kill(pid, 0) != 0 }
        try? FileManager.default.removeItem(atPath: "\(dir)/snmpd.pid")
    }

    /// Runs an SNMP tool (v2c, numeric OIDs) against this master.
    func tool(_ name: String, _ args: [String], community: String = "public", timeout: String = "2") throws -> CommandResult {
        try Shell.run(["/usr/bin/\(name)", "-v2c", "-c", community, "-On", "-t", timeout, "-r", "0", "127.0.0.1:\(port)"] + args)
    }

    /// Waits until snmpd answers the subagent's `loopSentryVersion.0` (the subagent is registered).
    func waitForSubagent(timeout: Double) throws {
        let version = "1.3.6.1.4.1.8072.9999.9999.1.1.1.1.0"
        var last = ""
        let answered = eventually(timeout: timeout) {
            guard let r = try? tool("snmpget", [version], timeout: "0.5") else { return false }
            last = r.stdout + r.stderr
            return r.status == 0 && r.stdout.hasPrefix(".\(version) = ") && !r.stdout.contains("No Such")
        }
        guard answered else { throw ShellError("snmpd does not answer for the subagent: \(last)") }
    }
}
