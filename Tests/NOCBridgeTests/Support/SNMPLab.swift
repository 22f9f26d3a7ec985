import Foundation
import LoopSentryCore
import NOCBridge
import Synchronization

/// Records every request the subagent hands over, standing in for Remediate.
final class RecordingActionHandler: OperatorActionHandler {
    private let requests = Mutex<[OperatorRequest]>([])
    var received: [OperatorRequest] { requests.withLock { $0 } }
    func reset() { requests.withLock { $0 = [] } }
    func handle(_ request: OperatorRequest) -> OperatorActionResult {
        requests.withLock { $0.append(request) }
        return OperatorActionResult(accepted: true, message: "cut scheduled")
    }
}

/// Lines logged from any thread.
final class LogBuffer: Sendable {
    private let storage = Mutex<[String]>([])
    func append(_ line: String) { storage.withLock { $0.append(line) } }
    var lines: [String] { storage.withLock { $0 } }
}

/// Where the tools and MIBs are, and whether integration tests can run here.
enum SNMPTools {
    static let snmpd = "/usr/sbin/snmpd", snmptrapd = "/usr/sbin/snmptrapd"
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let erlangMIBs: String? = {
        let base = "/usr/lib/erlang/lib"
        let dirs = (try? FileManager.default.contentsOfDirectory(atPath: base)) ?? []
        return dirs.filter { $0.hasPrefix("snmp-") }.sorted().last.map { "\(base)/\($0)/mibs" }
    }()
    /// `-M` for the tools: the IETF base MIBs from erlang-snmp, then ours.
    static var mibPath: String { "\(erlangMIBs ?? "/nonexistent"):\(repoRoot.path)/mibs" }
    static let mibModules = "SNMPv2-MIB:LOOPSENTRY-MIB"

    /// Timeout and retries of a tool: a read may be retried; a SET is sent once with a long timeout,
    /// since a retransmission on a loaded machine would reach the subagent as a second request.
    static func timing(_ tool: String) -> [String] { tool == "snmpset" ? ["-t", "10", "-r", "0"] : ["-t", "2", "-r", "1"] }

    /// nil when the integration tests can run; otherwise why not.
    static let unavailableReason: String? = {
        if geteuid() != 0 { return "not root" }
        for tool in [snmpd, snmptrapd, "/usr/bin/snmpget", "/usr/bin/snmpwalk", "/usr/bin/snmpbulkwalk",
                     "/usr/bin/snmpset", "/usr/bin/snmpgetnext", "/usr/bin/timeout"]
        where !FileManager.default.isExecutableFile(atPath: tool) {
            return "\(tool) is missing (scripts/setup.sh installs it)"
        }
        if erlangMIBs == nil { return "erlang-snmp's MIBs are missing" }
        return nil
    }()

    static var available: Bool {
        if let reason = unavailableReason { print("NOCBridge integration tests skipped: \(reason)") }
        return unavailableReason == nil
    }
}

/// The one subagent of the test process (the library cannot be started twice), its
/// temporary directory and AgentX socket path, and the fake handler.
final class SharedSubagent: Sendable {
    static let instance: SharedSubagent = {
        do { return try SharedSubagent() } catch { fatalError("subagent did not start: \(error)") }
    }()

    let directory: URL
    let socketPath: String
    let handler = RecordingActionHandler()
    let subagent: SNMPSubagent
    let startTime = UTCTimestamp(millisecondsSince1970: 1_795_000_000_000)
    /// Net-SNMP's log lines from the subagent, for failure messages.
    let log = LogBuffer()

    private init() throws {
        directory = URL(fileURLWithPath: NSTemporaryDirectory())
            .appendingPathComponent("loopsentry-snmp-\(getpid())", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        socketPath = directory.appendingPathComponent("agentx.sock").path
        var config = SubagentConfiguration(agentXSocket: socketPath, version: "0.1.0-test", startTime: startTime)
        config.persistentDirectory = directory.appendingPathComponent("subagent").path
        config.sensorName = "edge-7"
        config.limits = NotificationLimits(globalPerMinute: 600, globalBurst: 100,
                                           perVLANPerMinute: 60, perVLANBurst: 20)
        let lines = log
        config.log = { _, message in lines.append(message) }
        subagent = try SNMPSubagent(configuration: config, actionHandler: handler)
        try subagent.start()
    }
}

/// A private snmpd (AgentX master on the shared subagent's socket, UDP on a free loopback
/// port) and a private snmptrapd it sends notifications to, both in a fresh directory.
/// `stop()` ends both; tests call it in `defer`.
final class SNMPLab {
    let shared = SharedSubagent.instance
    let directory: URL
    let agentPort = Command.freeUDPPort()
    let trapPort = Command.freeUDPPort()
    private(set) var snmpd: Daemon?
    private(set) var snmptrapd: Daemon?

    var environment: [String: String] {
        ["SNMP_PERSISTENT_DIR": directory.appendingPathComponent("persist").path,
         "SNMPCONFPATH": directory.path, "MIBS": "", "MIBDIRS": SNMPTools.mibPath]
    }

    init() throws {
        directory = shared.directory.appendingPathComponent("lab-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try """
        master agentx
        agentXSocket \(shared.socketPath)
        agentXPerms 0600 0700
        rocommunity public 127.0.0.1
        rwcommunity private 127.0.0.1
        dontLogTCPWrappersConnects yes
        trap2sink 127.0.0.1:\(trapPort) public

        """.write(to: file("snmpd.conf"), atomically: true, encoding: .utf8)
        try "disableAuthorization yes\n".write(to: file("snmptrapd.conf"), atomically: true, encoding: .utf8)
        try startTrapReceiver()
        try startMaster()
    }

    func file(_ name: String) -> URL { directory.appendingPathComponent(name) }

    func startMaster() throws {
        snmpd = try Daemon(name: "snmpd", arguments: [
            SNMPTools.snmpd, "-f", "-Lf", file("snmpd.log").path, "-C", "-c", file("snmpd.conf").path,
            "-p", file("snmpd.pid").path, "-I", "-smux", "udp:127.0.0.1:\(agentPort)",
        ], pidFile: file("snmpd.pid"), log: file("snmpd.log"), environment: environment)
    }

    private func startTrapReceiver() throws {
        snmptrapd = try Daemon(name: "snmptrapd", arguments: [
            SNMPTools.snmptrapd, "-f", "-Lf", file("traps.log").path, "-C", "-c", file("snmptrapd.conf").path,
            "-p", file("snmptrapd.pid").path, "-M", SNMPTools.mibPath, "-m", SNMPTools.mibModules,
            "udp:127.0.0.1:\(trapPort)",
        ], pidFile: file("snmptrapd.pid"), log: file("traps.log"), environment: environment)
        _ = Command.waitUntil(seconds: 5) { snmptrapd?.pid != nil }
    }

    /// Kills snmpd like a crash (SIGKILL).
    func killMaster() { snmpd?.kill() }

    func stop() {
        snmpd?.stop()
        snmptrapd?.stop()
    }

    /// Runs an SNMP tool (snmpget, snmpset …) against the private snmpd with the MIB loaded.
    func tool(_ name: String, _ arguments: [String], community: String = "public",
              options: [String] = []) throws -> CommandResult {
        try Command.run(["/usr/bin/\(name)", "-v2c", "-c", community, "-M", SNMPTools.mibPath,
                         "-m", SNMPTools.mibModules] + SNMPTools.timing(name) + options
                        + ["127.0.0.1:\(agentPort)"] + arguments,
                        environment: environment, in: directory)
    }

    /// Waits until the master answers for the subagent's subtree (the subagent is registered).
    func waitForSubagent(seconds: Double = 8) throws -> Bool {
        try Command.waitUntil(seconds: seconds) {
            let r = try tool("snmpget", ["LOOPSENTRY-MIB::loopSentryVersion.0"], options: ["-Oqv", "-t", "0.3", "-r", "0"])
            return r.stdout.contains("0.1.0-test")
        }
    }

    /// The notifications snmptrapd has logged so far.
    var trapLog: String { snmptrapd?.logText ?? "" }

    /// What the daemons and the subagent said, for a failure message.
    var diagnostics: String {
        "snmpd.log:\n\(snmpd?.logText ?? "")\ntraps.log:\n\(trapLog)\nsubagent:\n"
            + shared.log.lines.suffix(20).joined(separator: "\n")
    }
}
