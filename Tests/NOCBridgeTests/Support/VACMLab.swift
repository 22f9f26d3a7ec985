import Foundation
import LoopSentryCore

/// A private snmpd configured only by what `loopsentry snmp-vacm` printed: its part 2
/// (group/view/access) appended to a minimal snmpd.conf with no community at all, its part 1
/// (createUser) as the persistent snmpd.conf in SNMP_PERSISTENT_DIR. AgentX master on the shared
/// subagent's socket, UDP on a free loopback port; `stop()` ends it.
final class VACMLab {
    /// The `loopsentry` binary under test: the package's debug build.
    static let binary = SNMPTools.repoRoot.appendingPathComponent(".build/debug/loopsentry").path
    let shared = SharedSubagent.instance
    let directory: URL
    let agentPort = Command.freeUDPPort()
    /// Each user's (auth, priv) passphrases, read from the comments of the command's output.
    let credentials: [String: (auth: String, priv: String)]
    private(set) var snmpd: Daemon?

    var persistentDirectory: URL { directory.appendingPathComponent("persist") }

    var environment: [String: String] {
        // With SNMPCONFPATH set, snmpd reads only that path: the persistent folder must be on it
        // (and no -C: that skips the persistent file's createUser lines too).
        ["SNMP_PERSISTENT_DIR": persistentDirectory.path, "SNMPCONFPATH": "\(directory.path):\(persistentDirectory.path)",
         "MIBS": "", "MIBDIRS": SNMPTools.mibPath]
    }

    /// `output` is what `loopsentry snmp-vacm` printed.
    init(output: String) throws {
        directory = shared.directory.appendingPathComponent("vacm-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("persist"),
                                                withIntermediateDirectories: true)
        let parts = Self.split(output)
        credentials = parts.credentials
        try parts.persistent.write(to: persistentDirectory.appendingPathComponent("snmpd.conf"), atomically: true, encoding: .utf8)
        try """
        master agentx
        agentXSocket \(shared.socketPath)
        agentXPerms 0600 0700
        dontLogTCPWrappersConnects yes

        """.appending(parts.main).write(to: file("snmpd.conf"), atomically: true, encoding: .utf8)
        snmpd = try Daemon(name: "snmpd", arguments: [
            SNMPTools.snmpd, "-f", "-Lf", file("snmpd.log").path, "-p", file("snmpd.pid").path, "-I", "-smux", "udp:127.0.0.1:\(agentPort)",
        ], pidFile: file("snmpd.pid"), log: file("snmpd.log"), environment: environment)
    }

    /// Splits the command's output into part 1 (persistent file), part 2 (snmpd.conf) and the
    /// passphrases listed in the leading comments (`#   USER  auth A  priv P`).
    static func split(_ output: String) -> (persistent: String, main: String, credentials: [String: (auth: String, priv: String)]) {
        var persistent: [Substring] = [], main: [Substring] = []
        var credentials: [String: (auth: String, priv: String)] = [:]
        var part = 0
        for line in output.split(separator: "\n") {
            if line.hasPrefix("# ---- Part 1") { part = 1 } else if line.hasPrefix("# ---- Part 2") { part = 2 }
            let words = line.split(separator: " ")
            if part == 0, words.count == 6, words[0] == "#", words[2] == "auth", words[4] == "priv" {
                credentials[String(words[1])] = (String(words[3]), String(words[5]))
            }
            if part == 1 { persistent.append(line) } else if part == 2 { main.append(line) }
        }
        return (persistent.joined(separator: "\n") + "\n", main.joined(separator: "\n") + "\n", credentials)
    }

    func file(_ name: String) -> URL { directory.appendingPathComponent(name) }

    /// Writes `config` as `name` in the shared subagent's folder, runs `loopsentry snmp-vacm
    /// --config` on it with `arguments`, starts snmpd with the output, publishes `rows` and waits
    /// until the NOC user reads the subagent. Returns the lab and the command's output.
    static func start(config: String, name: String, arguments: [String], rows: [VLANStatusRow]) throws -> (VACMLab, String) {
        let dir = SharedSubagent.instance.directory
        try config.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8)
        let out = try Command.run([binary, "snmp-vacm", "--config", dir.appendingPathComponent(name).path] + arguments, in: dir)
        guard out.status == 0 else { throw CommandFailure(description: "snmp-vacm: \(out.stderr)") }
        let lab = try VACMLab(output: out.stdout)
        lab.shared.subagent.publish(rows)
        lab.shared.handler.reset()
        guard try lab.waitForSubagent(noc: "loopsentry-noc") else {
            lab.stop()
            throw CommandFailure(description: "subagent never answered\n\(lab.diagnostics)")
        }
        return (lab, out.stdout)
    }

    /// The "Reason:" and "Failed object:" lines of an snmpset/snmpget error.
    static func failure(_ r: CommandResult) -> String {
        r.stderr.split(separator: "\n").filter { $0.hasPrefix("Reason:") || $0.hasPrefix("Failed object:") }
            .joined(separator: "\n")
    }

    func stop() { snmpd?.stop() }

    /// Runs an SNMP tool as `user` with SNMPv3 authPriv, SHA and AES (or `level`), MIB loaded.
    func tool(_ name: String, user: String, level: String = "authPriv", _ arguments: [String],
              options: [String] = []) throws -> CommandResult {
        let c = credentials[user] ?? ("wrong-pass-1", "wrong-pass-2")
        return try Command.run(["/usr/bin/\(name)", "-v3", "-l", level, "-u", user, "-a", "SHA", "-A", c.auth,
                                "-x", "AES", "-X", c.priv, "-M", SNMPTools.mibPath, "-m", SNMPTools.mibModules]
                               + SNMPTools.timing(name) + options + ["127.0.0.1:\(agentPort)"] + arguments,
                               environment: environment, in: directory)
    }

    /// Waits until the NOC user reads the subagent's version through the master.
    func waitForSubagent(noc: String, seconds: Double = 8) throws -> Bool {
        try Command.waitUntil(seconds: seconds) {
            let r = try tool("snmpget", user: noc, ["LOOPSENTRY-MIB::loopSentryVersion.0"], options: ["-Oqv", "-t", "0.5", "-r", "0"])
            return r.stdout.contains("0.1.0-test")
        }
    }

    /// The (ifIndex.vlan) suffixes of every cell of the table whose objects start with `table`
    /// (`loopSentryVlan`, `loopSentryVni`) in a walk's output, without repeats, in order.
    static func rowSuffixes(_ walk: String, table: String = "loopSentryVlan") -> [String] {
        var seen: [String] = []
        for line in walk.split(separator: "\n") where line.hasPrefix("LOOPSENTRY-MIB::\(table)") {
            let name = line.split(separator: " ")[0]
            let suffix = name.split(separator: ".").suffix(2).joined(separator: ".")
            if !seen.contains(suffix) { seen.append(suffix) }
        }
        return seen
    }

    var diagnostics: String {
        "snmpd.log:\n\(snmpd?.logText ?? "")\nsubagent:\n" + shared.log.lines.suffix(20).joined(separator: "\n")
    }
}

/// A step of starting a lab that failed, with what the tool said.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
}
