import Foundation
import LoopSentryCore
@testable import NOCBridge
import LoopSentrySystem
import Testing

/// BENCHMARKS.md's notification-rate figures (bench/notifications.sh runs it in a release build):
/// a subagent of its own, with the rate limiter raised out of the way, raises stormDetected
/// notifications at increasing rates through a private snmpd (AgentX master, trap2sink) to a
/// private snmptrapd that decodes them with the MIB into a log; each step counts the traps logged
/// against the notifications handed to the master. Runs only when LOOPSENTRY_NOTIFY_BENCH is set
/// (and alone: `--filter NotificationBenchmark`, since the library allows one subagent per process
/// and the other SNMP tests share theirs); writes Markdown to the file it names.
/// Env: LOOPSENTRY_NOTIFY_RATES (space-separated notifications/s), LOOPSENTRY_NOTIFY_STEP_S.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["LOOPSENTRY_NOTIFY_BENCH"] != nil
                && SNMPTools.unavailableReason == nil, "set LOOPSENTRY_NOTIFY_BENCH=<file> (root, snmpd)"))
struct NotificationBenchmark {
    let env = ProcessInfo.processInfo.environment
    var output: String { env["LOOPSENTRY_NOTIFY_BENCH"] ?? "/dev/stdout" }
    var rates: [Int] {
        (env["LOOPSENTRY_NOTIFY_RATES"] ?? "50 100 200 500 1000 2000 5000 10000").split(separator: " ").compactMap { Int($0) }
    }
    var stepSeconds: Double { Double(env["LOOPSENTRY_NOTIFY_STEP_S"] ?? "") ?? 5 }

    /// CPU seconds (utime + stime) of `pid` so far.
    func cpu(_ pid: pid_t?) -> Double {
        let stat = (try? String(contentsOfFile: "/proc/\(pid ?? 0)/stat", encoding: .utf8)) ?? ""
        let fields = stat.split(separator: ")").last?.split(separator: " ") ?? []
        let ticks = fields.count > 13 ? (Double(fields[11]) ?? 0) + (Double(fields[12]) ?? 0) : 0
        return ticks / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// The host's UDP RcvbufErrors (/proc/net/snmp): datagrams dropped at a full receive buffer.
    func udpReceiveBufferErrors() -> Int {
        let lines = ((try? String(contentsOfFile: "/proc/net/snmp", encoding: .utf8)) ?? "")
            .split(separator: "\n").filter { $0.hasPrefix("Udp: ") }.map { $0.split(separator: " ") }
        guard lines.count == 2, let i = lines[0].firstIndex(of: "RcvbufErrors"), i < lines[1].count else { return 0 }
        return Int(lines[1][i]) ?? 0
    }

    /// Traps of step `ifIndex` in snmptrapd's log (each notification is one line naming its row).
    func received(_ log: URL, ifIndex: Int) -> Int {
        let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        return text.components(separatedBy: "loopSentryVlanIfName.\(ifIndex).").count - 1
    }

    @Test func notificationsPerSecondWithoutLoss() throws {
        let dir = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("loopsentry-notify-bench-\(getpid())")
        try? FileManager.default.removeItem(at: dir)
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("persist"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        func file(_ name: String) -> URL { dir.appendingPathComponent(name) }
        let socket = file("agentx.sock").path
        let agentPort = Command.freeUDPPort(), trapPort = Command.freeUDPPort()
        let environment = ["SNMP_PERSISTENT_DIR": file("persist").path, "SNMPCONFPATH": dir.path, "MIBS": "",
                           "MIBDIRS": SNMPTools.mibPath]
        try """
        master agentx
        agentXSocket \(socket)
        agentXPerms 0600 0700
        rocommunity public 127.0.0.1
        trap2sink 127.0.0.1:\(trapPort) public

        """.write(to: file("snmpd.conf"), atomically: true, encoding: .utf8)
        try "disableAuthorization yes\n".write(to: file("snmptrapd.conf"), atomically: true, encoding: .utf8)
        let trapLog = file("traps.log")
        let snmptrapd = try Daemon(name: "snmptrapd", arguments: [
            SNMPTools.snmptrapd, "-f", "-Lf", trapLog.path, "-C", "-c", file("snmptrapd.conf").path,
            "-p", file("snmptrapd.pid").path, "-M", SNMPTools.mibPath, "-m", SNMPTools.mibModules,
            "udp:127.0.0.1:\(trapPort)",
        ], pidFile: file("snmptrapd.pid"), log: trapLog, environment: environment)
        defer { snmptrapd.stop() }
        let snmpd = try Daemon(name: "snmpd", arguments: [
            SNMPTools.snmpd, "-f", "-Lf", file("snmpd.log").path, "-C", "-c", file("snmpd.conf").path,
            "-p", file("snmpd.pid").path, "-I", "-smux", "udp:127.0.0.1:\(agentPort)",
        ], pidFile: file("snmpd.pid"), log: file("snmpd.log"), environment: environment)
        defer { snmpd.stop() }
        try #require(Command.waitUntil(seconds: 10) { snmptrapd.pid != nil && snmpd.pid != nil
                                                      && FileManager.default.fileExists(atPath: socket) })

        var config = SubagentConfiguration(agentXSocket: socket, version: "0.1.0-bench",
                                           startTime: UTCTimestamp(millisecondsSince1970: 1_795_000_000_000))
        config.persistentDirectory = file("subagent").path
        config.pingIntervalSeconds = 1
        // Out of the way: 10 million a second sustained, bursts of a million, globally and per VLAN.
        config.limits = NotificationLimits(globalPerMinute: 600_000_000, globalBurst: 1_000_000,
                                           perVLANPerMinute: 600_000_000, perVLANBurst: 1_000_000)
        config.queueCapacity = 1_000_000
        config.log = { _, _ in }
        let subagent = try SNMPSubagent(configuration: config)
        try subagent.start()
        defer { subagent.stop() }
        try #require(Command.waitUntil(seconds: 10) { subagent.isConnectedToMaster }, "subagent never connected")

        // Warm-up: one trap through the whole path before measuring.
        #expect(subagent.notify(NOCNotification(kind: .stormDetected, row: Fixtures.row(1, 1, state: .detected))) == .queued)
        try #require(Command.waitUntil(seconds: 10) { received(trapLog, ifIndex: 1) == 1 }, "no trap arrived")

        var md = ["| target rate (/s) | achieved rate (/s) | raised | suppressed / dropped by the subagent | handed to snmpd "
                  + "| logged by snmptrapd | lost | UDP receive-buffer drops (host) | CPU % of one core: snmpd / snmptrapd |",
                  "|---|---|---|---|---|---|---|---|---|"]
        var best: Int?
        var notes: [String] = []
        var lossySteps = 0
        for (i, rate) in rates.enumerated() {
            let ifIndex = Int32(i + 2)
            let count = max(1, Int(Double(rate) * stepSeconds))
            let before = subagent.statistics
            let cpu0 = (cpu(snmpd.pid), cpu(snmptrapd.pid))
            let udp0 = udpReceiveBufferErrors()
            let start = MonotonicClock.nanos()
            var suppressed = 0
            for n in 0..<count {
                let due = start + UInt64(n) * 1_000_000_000 / UInt64(rate)
                let now = MonotonicClock.nanos()
                if due > now { usleep(UInt32((due - now) / 1000)) }
                let row = Fixtures.row(ifIndex, 1 + n % 4094, state: .detected)
                if subagent.notify(NOCNotification(kind: .stormDetected, row: row)) != .queued { suppressed += 1 }
            }
            let raiseSeconds = Double(MonotonicClock.nanos() - start) / 1e9
            // Drained: the subagent has handed everything to snmpd and the log stopped growing.
            // Stalled: for 5 s neither the subagent's sent count nor the log moved while
            // notifications were still queued.
            var progress = (-1, UInt32.max), still = 0.0, stalled = false
            while subagent.statistics.queued > 0 {
                usleep(500_000)
                let now = (received(trapLog, ifIndex: Int(ifIndex)), subagent.statistics.sent)
                still = now == progress ? still + 0.5 : 0
                progress = now
                if still >= 5 { stalled = true; break }
            }
            var last = -1
            for _ in 0..<(stalled ? 0 : 60) {
                usleep(500_000)
                let now = received(trapLog, ifIndex: Int(ifIndex))
                if now == last || now == count { break }
                last = now
            }
            let got = received(trapLog, ifIndex: Int(ifIndex))
            let after = subagent.statistics
            let elapsed = Double(MonotonicClock.nanos() - start) / 1e9
            let cpu1 = (cpu(snmpd.pid), cpu(snmptrapd.pid))
            let udpDrops = udpReceiveBufferErrors() - udp0
            let handed = Int(after.sent &- before.sent)
            let lost = count - got
            if lost == 0 && suppressed == 0 { best = rate } else { lossySteps += 1 }
            md.append(String(format: "| %d | %.0f | %d | %d / %d | %d | %d | %d | %d | %.0f / %.0f |", rate,
                             Double(count) / raiseSeconds, count, suppressed, Int(after.dropped &- before.dropped),
                             handed, got, lost, udpDrops, 100 * (cpu1.0 - cpu0.0) / elapsed, 100 * (cpu1.1 - cpu0.1) / elapsed))
            if stalled {
                let agent = threadWaits(getpid(), named: "ls-agentx"), master = threadWaits(snmpd.pid ?? 0, named: nil)
                notes.append(String(format: "At %d/s the path stalled with %u notifications still queued in the subagent: "
                    + "nothing moved for 5 s; the subagent's agent thread was waiting in `%@` and snmpd in `%@` "
                    + "(kernel wait channels)%@. snmpd was then killed to end the step; no higher rate was tried.",
                    rate, subagent.statistics.queued, agent, master,
                    agent.contains("send") && master.contains("send")
                        ? ": both were blocked writing to the AgentX socket, each waiting for the other to read" : ""))
                snmpd.kill()
                break
            }
            if lossySteps >= 2 { break }
            try write(md, best, notes)
        }
        try write(md, best, notes)
    }

    /// The Markdown so far (rewritten after every step, so a run cut short still leaves its figures).
    func write(_ md: [String], _ best: Int?, _ notes: [String]) throws {
        let lines = md + ["", "Highest rate without loss: " + (best.map { "**\($0) notifications/s**" } ?? "none of the rates tried") + "."]
            + notes.flatMap { ["", $0] }
        try (lines.joined(separator: "\n") + "\n").write(toFile: output, atomically: false, encoding: .utf8)
    }

    /// The kernel wait channel(s) of `pid`'s threads (only those called `name`, when given).
    func threadWaits(_ pid: pid_t, named name: String?) -> String {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
        let waits = tasks.compactMap { t -> String? in
            let comm = (try? String(contentsOfFile: "/proc/\(pid)/task/\(t)/comm", encoding: .utf8))?
                .trimmingCharacters(in: .whitespacesAndNewlines)
            guard name == nil || comm == name else { return nil }
            return try? String(contentsOfFile: "/proc/\(pid)/task/\(t)/wchan", encoding: .utf8)
        }
        return Set(waits).sorted().joined(separator: ", ")
    }
}
