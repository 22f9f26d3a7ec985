import ArgumentParser
import Foundation
import Lab
import LoopSentryCore
import LoopSentrySystem
import Portal
import Sensor

/// `loopsentry lab demo`: the whole product on the lab, narrated with measured times.
struct LabDemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the whole product on the lab: loops on three tenants' VLANs, SNMP, syslog, ack-to-cut, a timeline.",
        discussion: "With --vxlan: the VXLAN lab instead, a loop in one tenant's VNI detected on the underlay and cut there while a neighbouring VNI keeps delivering.")

    @Option(name: .long, help: "Write the daemon's events, traps and syslog lines to this folder too (for tests).")
    var keep: String?

    @Flag(name: .long, help: "Show VXLAN instead: two VTEPs, a loop in VNI 5000 cut on the underlay, VNI 5001 delivering.")
    var vxlan = false

    @OptionGroup var lab: LabPrefixOption

    func run() throws {
        SignalFlag.install()
        let names = try lab.names()
        if LabState.load(names) != nil { throw LabError.alreadyUp }
        guard let root = ResourceLocator.root() else {
            throw RuntimeFailure("cannot find the mibs/ and playbooks/ folders (set LOOPSENTRY_HOME to the LoopSentry checkout)")
        }
        let demo = try Demo(root: root, keep: keep, names: names)
        defer { demo.tearDown() }
        if vxlan { try demo.playVXLAN() } else { try demo.play() }
    }
}

/// The demo's state and narration; every step is bounded and timed, and `tearDown` removes all.
final class Demo {
    let root: String
    let keep: String?
    let names: LabNamespaces
    let me = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().path
    let dir: URL
    var services: LabServices?
    var daemon: ChildProcess?
    var receiver: ChildProcess?
    var events: DaemonEvents
    var traps: FileTail?
    var syslog: FileTail?
    var timeline: [(String, String)] = []
    var ifIndex = 0
    let t0 = MonotonicClock.nanos()
    /// org-b's portal token (made for this run; the configuration holds only its SHA-256).
    let orgBToken: String
    let portalPort = LabServices.freePort(udp: false)

    init(root: String, keep: String?, names: LabNamespaces) throws {
        self.root = root
        self.keep = keep
        self.names = names
        dir = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("loopsentry-demo-\(names.prefix)-\(getpid())")
        try? FileManager.default.removeItem(at: dir)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        events = DaemonEvents(dir.appendingPathComponent("events.jsonl").path)
        orgBToken = try PortalToken.generate()
    }

    func say(_ text: String = "") { print(text); fflush(nil) }
    func section(_ title: String) { say("\n── \(title) " + String(repeating: "─", count: max(0, 76 - title.count))) }
    func stamp() -> String { String(format: "%7.2f s", Double(MonotonicClock.nanos() - t0) / 1e9) }
    func mark(_ what: String) { timeline.append((stamp(), what)) }

    func play() throws {
        say("LoopSentry lab demo — per-VLAN loop detection and ack-to-cut on a shared trunk")
        section("1. The lab")
        try lab(["up", "--vlans", "10,20,30", "--traffic-rate", "20"])
        say("Two Linux bridges (\(names.switch1), \(names.switch2)) joined by a trunk carrying VLANs 10, 20, 30 (nftables allow-list);")
        say("the sensor on \(names.switch1) (\(names.sensor)/trunk0); tenant host \(names.hostA) on \(names.switch2) broadcasting 20 frames/s per VLAN.")
        ifIndex = try sensorIfIndex()
        mark("lab up")

        let s = try startNOC()

        section("3. The daemon")
        let config = try writeConfig(s)
        say("Tenants: org-a VLAN 10 policy auto · org-b VLAN 20 policy ack · org-c VLAN 30 policy alarm")
        say("Cut drivers: org-a nftables (in-process libnftables on \(names.switch1)'s trunk port; the playbook then audits it) ·")
        say("org-b ansible (linux-bridge-vlan.yml) · org-c none (notify only)")
        try startDaemon(config: config)
        // Registered is not enough: the rows appear with the daemon's first publish.
        try waitFor("the subagent registered with snmpd and its table published", seconds: 15) {
            (try? s.snmp("snmpget", ["-Oqv", "LOOPSENTRY-MIB::loopSentryVlanTenant.\(self.ifIndex).20"]))?.output.contains("org-b") == true
        }
        mark("daemon running, subagent registered")
        say("loopsentry run: sensor attached, AgentX subagent registered. The table, as an NMS polls it:")
        try showTable(s, columns: ["loopSentryVlanIfName", "loopSentryVlanTenant", "loopSentryVlanPolicy", "loopSentryVlanState",
                                   "loopSentryVlanBroadcastRate"], segments: [10, 20, 30])

        try startVLAN10Measurement()

        section("4. A loop on VLAN 20 (org-b, policy ack)")
        let loop20 = try openLoop(20)
        try watch(until: "cutPending on VLAN 20", seconds: 10, since: loop20) { !self.events.notifications("cutPending", vlan: 20).isEmpty }
        say("Nothing is cut: org-b acknowledges first. State: \(state(20) ?? "?"). Waiting 2 s to show it holds...")
        SignalFlag.sleep(nanos: 2_000_000_000)
        try check(events.count("cutStarted", vlan: 20) == 0, "nothing may be cut before the ack")

        section("5. org-b acknowledges the cut through the portal API")
        let url = "http://127.0.0.1:\(portalPort)/api/v1/vlans/trunk0/20/ack"
        say("$ curl -s -X POST -H 'Authorization: Bearer \(orgBToken.prefix(8))…' -d '{\"comment\":\"loop in our lab\"}' \(url)")
        let ackAt = MonotonicClock.nanos()
        let r = try ChildProcess.run(["/usr/bin/curl", "-s", "--max-time", "10", "-X", "POST", "-H", "Authorization: Bearer \(orgBToken)",
                                      "-H", "Content-Type: application/json", "-d", #"{"comment":"loop in our lab"}"#,
                                      "-w", "\nHTTP %{http_code}", url], timeout: .seconds(15))
        say(r.text.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
        try check(r.exit.status == 0 && r.text.hasSuffix("HTTP 200"), "the portal refused the acknowledgement: \(r.text)")
        mark("acknowledged through the portal API (org-b-portal)")
        say("The SNMP way (an NMS SETs loopSentryVlanAction) does the same; step 6b uses it for a restore.")
        try watch(until: "cutApplied on VLAN 20", seconds: 30, since: ackAt) { !self.events.notifications("cutApplied", vlan: 20).isEmpty }
        showRates("VLAN 20 after the cut")
        let delivered = try finishVLAN10Measurement()
        timeline.append((stamp(), "VLAN 10 delivery during the VLAN 20 storm and cut: \(delivered)"))

        section("6. A loop on VLAN 10 (org-a, policy auto): cut at once")
        let loop10 = try openLoop(10)
        try watch(until: "cutApplied on VLAN 10", seconds: 60, since: loop10) { !self.events.notifications("cutApplied", vlan: 10).isEmpty }
        say("org-a's driver is nftables: one in-process nftables transaction on \(names.switch1); linux-bridge-vlan.yml then audits it.")

        section("6b. The loop on VLAN 10 is fixed; the NOC restores VLAN 10 by SNMP SET")
        _ = try lab(["unloop", "10"])
        // An NMS acts on what the table shows: wait until it shows VLAN 10 cut (it is republished twice a second).
        try waitFor("the MIB shows VLAN 10 cut", seconds: 10) {
            (try? s.snmp("snmpget", ["-Oqv", "LOOPSENTRY-MIB::loopSentryVlanState.\(self.ifIndex).10"]))?.output.trimmingCharacters(in: .whitespacesAndNewlines) == "cut"
        }
        let restore = ["LOOPSENTRY-MIB::loopSentryVlanAction.\(ifIndex).10", "i", "restore",
                       "LOOPSENTRY-MIB::loopSentryVlanActionAuthor.\(ifIndex).10", "s", "noc-operator"]
        say("$ snmpset -v2c -c private 127.0.0.1:\(s.snmpPort) " + restore.joined(separator: " "))
        let restoreAt = MonotonicClock.nanos()
        let rr = try s.snmp("snmpset", restore, community: "private")
        try check(rr.status == 0, "snmpset failed: \(rr.output.split(separator: "\n").joined(separator: " "))")
        try watch(until: "vlanRestored on VLAN 10", seconds: 30, since: restoreAt) {
            !self.events.notifications("vlanRestored", vlan: 10).isEmpty
        }

        section("7. A loop on VLAN 30 (org-c, policy alarm): reported, never cut")
        let loop30 = try openLoop(30)
        try watch(until: "stormDetected on VLAN 30", seconds: 10, since: loop30) { !self.events.notifications("stormDetected", vlan: 30).isEmpty }
        SignalFlag.sleep(nanos: 2_000_000_000)
        drain(since: loop30)
        try check(events.count("cutStarted", vlan: 30) == 0, "policy alarm must never cut")
        say("VLAN 30 stays \(state(30) ?? "?"): the NOC was told; nothing was cut.")

        section("8. Timeline (measured)")
        for (when, what) in timeline { say("  \(when)  \(what)") }
        section("9. Final state (loopsentry status)")
        say(try Self.loopsentry(["status", "--socket", dir.appendingPathComponent("control.sock").path]))
    }

    // MARK: - Steps

    /// Section 2 of either demo: the NOC's private snmpd (AgentX master), snmptrapd and rsyslogd.
    func startNOC() throws -> LabServices {
        section("2. The NOC: private snmpd (AgentX master), snmptrapd, rsyslogd")
        let s = try LabServices(mibs: root + "/mibs", names: names)
        services = s
        try s.start()
        traps = FileTail(s.trapLog)
        syslog = FileTail(s.syslogRaw)
        say("snmpd udp:127.0.0.1:\(s.snmpPort), AgentX \(s.agentxSocket); traps → \(s.trapLog);")
        say("syslog TCP 127.0.0.1:\(s.syslogPort) → \(s.syslogRaw)")
        return s
    }

    func writeConfig(_ s: LabServices) throws -> String {
        let yaml = """
        interfaces:
          - name: \(LabPlan.sensorInterface)
            netns: \(names.sensor)
            probe_vlans: "10,20,30"
        tenants:
          - { name: org-a, policy: auto, vlans: [{ interface: trunk0, vlans: "10" }],
              remediation: { driver: nftables, playbook: linux-bridge-vlan.yml, host: \(names.switch1), port: trunk, netns: \(names.switch1) } }
          - { name: org-b, policy: ack, ack_deadline_s: 600, vlans: [{ interface: trunk0, vlans: "20" }],
              remediation: { playbook: linux-bridge-vlan.yml, host: \(names.switch1), port: trunk, netns: \(names.switch1) } }
          - { name: org-c, policy: alarm, vlans: [{ interface: trunk0, vlans: "30" }] }
        remediation: { playbook_dir: \(root)/playbooks, verify_window_ms: 3000 }
        snmp: { enabled: true, agentx_socket: \(s.agentxSocket), ping_interval_s: 1 }
        portal:
          listen: "127.0.0.1:\(portalPort)"
          tokens:
            - { name: org-b-portal, tenant: org-b, sha256: \(PortalToken.sha256Hex(orgBToken)) }
        syslog:
          - { transport: tcp, address: "127.0.0.1:\(s.syslogPort)" }
        journal: { path: \(dir.appendingPathComponent("journal.sqlite").path) }
        control: { socket: \(dir.appendingPathComponent("control.sock").path) }
        """
        let path = dir.appendingPathComponent("loopsentry.yaml").path
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// The sensor port's ifIndex in its namespace: the first index of the MIB's table rows.
    func sensorIfIndex() throws -> Int {
        Int(try LabRunner.execute(LabStep(["ip", "netns", "exec", names.sensor, "cat", "/sys/class/net/\(LabPlan.sensorInterface)/ifindex"]))
            .output.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
    }

    func startDaemon(config: String) throws {
        daemon = try ChildProcess.spawn(.init([me, "run", "--config", config], stdin: .inherit,
                                              stdout: .file(events.tail.path, append: false), stderr: .sameAsStdout))
        try waitFor("the daemon to start", seconds: 15) {
            self.events.refresh()
            return self.events.count("started") > 0
        }
    }

    /// VLAN 10 multicast frames from host A, counted at host B (switch 1), across the VLAN 20 storm.
    func startVLAN10Measurement() throws {
        let out = dir.appendingPathComponent("receiver.jsonl").path
        receiver = try ChildProcess.spawn(.init([me, "monitor", "--netns", names.hostB, "--interface", LabPlan.hostInterface,
                                                 "--json", "--drop-tagged", "--interval", "200"],
                                                stdin: .inherit, stdout: .file(out, append: false)))
        try waitFor("the VLAN 10 receiver", seconds: 10) { (try? String(contentsOfFile: out, encoding: .utf8))?.isEmpty == false }
        measuredSender = try ChildProcess.spawn(.init([me, "lab", "send", "--netns", names.hostA, "--interface", LabPlan.hostInterface,
                                                     "--vlan", "10", "--kind", "multicast", "--count", "1500", "--rate", "150"],
                                                    stdin: .inherit))
        say("\nMeasuring VLAN 10: 1500 multicast frames from \(names.hostA) at 150/s, counted at \(names.hostB), across what follows.")
    }

    var measuredSender: ChildProcess?

    func finishVLAN10Measurement() throws -> String {
        while measuredSender?.isRunning == true && !SignalFlag.stopRequested { usleep(50_000) }
        SignalFlag.sleep(nanos: 500_000_000)
        let out = dir.appendingPathComponent("receiver.jsonl").path
        let last = (try? String(contentsOfFile: out, encoding: .utf8))?.split(separator: "\n").last.map(String.init) ?? ""
        let report = try? JSONDecoder().decode(MonitorReport.self, from: Data(last.utf8))
        let got = report?.vlans.first { $0.vlan == 10 }?.multicastTotal ?? 0
        let line = "\(got) of 1500 frames (\(String(format: "%.1f", Double(got) / 15))%)"
        say("VLAN 10 delivered during the VLAN 20 storm and cut: \(line)")
        return line
    }

    func openLoop(_ vlan: Int) throws -> UInt64 {
        let out = try lab(["loop", String(vlan)])
        let at = UInt64(out.split(separator: " ").last?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "") ?? MonotonicClock.nanos()
        mark("loop opened on VLAN \(vlan)")
        say("$ loopsentry lab loop \(vlan)   (a second switch link passing only VLAN \(vlan))")
        return at
    }

    /// Prints daemon events, traps and syslog lines as they arrive, until `done` or the deadline.
    func watch(until what: String, seconds: Double, since: UInt64, _ done: @escaping () -> Bool) throws {
        let deadline = MonotonicClock.nanos() + UInt64(seconds * 1e9)
        while MonotonicClock.nanos() < deadline && !SignalFlag.stopRequested {
            try reapChildren()
            drain(since: since)
            if done() { return }
            usleep(50_000)
        }
        if SignalFlag.stopRequested { throw ExitCode(130) }
        drain(since: since)
        if !done() { throw RuntimeFailure("demo: no \(what) within \(Int(seconds)) s") }
    }

    /// Reaps the children that have finished (the VLAN 10 sender ends on its own) so none is left
    /// a zombie while the demo goes on; throws when the daemon has exited, with its status.
    func reapChildren() throws {
        if let sender = measuredSender, !sender.isRunning { measuredSender = nil }
        if let daemon, !daemon.isRunning {
            self.daemon = nil
            throw RuntimeFailure("demo: the daemon exited early (see its output above)")
        }
    }

    func drain(since: UInt64) {
        for e in events.refresh() {
            let offset = Double(Int64(bitPattern: e.monotonicNanos &- since)) / 1e6
            let rel = String(format: "%+6.0f ms", offset)
            let segment = e.vni.map { "VNI \($0)" } ?? "VLAN \(e.vlan.map(String.init) ?? "")"
            switch e.event {
            case "notification":
                say("\(rel)  NOTIFY   \(segment) \(e.detail ?? "") [state \(e.state ?? "")]")
                timeline.append((stamp(), "notification \(e.notification ?? "") on \(segment) (\(Self.relative(offset)))"))
            case "transition":
                say("\(rel)  STATE    \(segment) \(e.detail ?? "")")
            case "cutStarted", "cutFinished", "persistStarted", "persistFinished":
                say("\(rel)  CUT      \(segment) \(e.detail ?? "")")
            default:
                break
            }
        }
        for line in traps?.newLines() ?? [] where line.contains("LOOPSENTRY-MIB::") {
            say("           TRAP     " + Self.shortTrap(line))
        }
        for line in syslog?.newLines() ?? [] {
            say("           SYSLOG   " + String(line.prefix(220)))
        }
    }

    /// "312 ms after the step" / "40 ms before the step" (an event the daemon raised before the
    /// step began, e.g. a probe-confirmed loop seen while the previous step was still running).
    static func relative(_ milliseconds: Double) -> String {
        let ms = Int(milliseconds.rounded())
        return ms >= 0 ? "\(ms) ms after the step" : "\(-ms) ms before the step"
    }

    static func shortTrap(_ line: String) -> String {
        let parts = line.components(separatedBy: "\t").filter { $0.contains("LOOPSENTRY-MIB::") || $0.contains("snmpTrapOID") }
        return String(parts.joined(separator: " | ").prefix(220))
    }

    func state(_ vlan: Int) -> String? {
        let r = try? Self.loopsentry(["status", "--json", "--socket", dir.appendingPathComponent("control.sock").path])
        let rows = r.flatMap { try? JSONDecoder().decode([ControlStatusRow].self, from: Data($0.utf8)) } ?? []
        return rows.first { $0.vlan == vlan }?.state
    }

    func showRates(_ title: String) {
        SignalFlag.sleep(nanos: 1_000_000_000)
        let r = try? Self.loopsentry(["status", "--json", "--socket", dir.appendingPathComponent("control.sock").path])
        let rows = r.flatMap { try? JSONDecoder().decode([ControlStatusRow].self, from: Data($0.utf8)) } ?? []
        let line = rows.map { "\($0.vni.map { "VNI \($0)" } ?? "VLAN \($0.vlan)") \($0.state) \(Int($0.broadcastPerSecond))/s" }
            .joined(separator: " · ")
        say("\(title): \(line)")
    }

    /// Walks the columns an NMS polls first and prints them, once every column shows the rows of
    /// `segments` (VLANs, or VNIs for the VNI table): the subagent publishes its tables twice a
    /// second, and a walk racing a publish must not print "No Such Instance" as the table.
    func showTable(_ s: LabServices, columns: [String], segments: [Int]) throws {
        var lines: [String] = []
        let names = segments.map(String.init).joined(separator: ", ")
        try waitFor("every column of the table to show rows \(names)", seconds: 10) {
            lines = columns.flatMap { c in
                ((try? s.snmp("snmpwalk", ["-Oqs", "LOOPSENTRY-MIB::\(c)"]))?.output ?? "").split(separator: "\n").map(String.init)
            }
            return !lines.contains { $0.contains("No Such") } && columns.allSatisfy { c in
                segments.allSatisfy { v in lines.contains { $0.hasPrefix("\(c).\(self.ifIndex).\(v) ") } }
            }
        }
        for line in lines { say("  " + line) }
    }

    func waitFor(_ what: String, seconds: Double, _ cond: @escaping () -> Bool) throws {
        let end = Date().addingTimeInterval(seconds)
        while Date() < end && !SignalFlag.stopRequested {
            try reapChildren()
            if cond() { return }
            usleep(100_000)
        }
        if SignalFlag.stopRequested { throw ExitCode(130) }
        if !cond() { throw RuntimeFailure("demo: timed out waiting for \(what) (\(Int(seconds)) s)") }
    }

    func check(_ ok: Bool, _ why: String) throws {
        if !ok { throw RuntimeFailure("demo: \(why)") }
    }

    func copyArtifacts(to folder: String) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let files: [(String?, String)] = [(events.tail.path, "events.jsonl"), (services?.trapLog, "traps.log"), (services?.syslogRaw, "syslog.log"),
                     (services?.syslogParsed, "syslog-sd.log"), (dir.appendingPathComponent("journal.sqlite").path, "journal.sqlite"),
                     (dir.appendingPathComponent("receiver.jsonl").path, "receiver.jsonl")]
        for (src, name) in files {
            guard let src else { continue }
            let dst = folder + "/" + name
            try? FileManager.default.removeItem(atPath: dst)
            try? FileManager.default.copyItem(atPath: src, toPath: dst)
        }
    }

    func tearDown() {
        measuredSender?.stop()
        receiver?.stop()
        if let daemon, daemon.isRunning { daemon.stop(grace: .seconds(30)) }
        if let keep { try? copyArtifacts(to: keep) }
        services?.stop()
        LabTeardown.run(names)
        try? FileManager.default.removeItem(at: dir)
        say("\nEverything the demo started is stopped and the lab is removed.")
    }

    /// `loopsentry lab VERB ...` on this demo's lab.
    @discardableResult
    func lab(_ args: [String]) throws -> String {
        try Self.loopsentry(["lab"] + args + ["--prefix", names.prefix])
    }

    @discardableResult
    static func loopsentry(_ args: [String]) throws -> String {
        let r = try LabRunner.execute(LabStep([URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().path] + args))
        guard r.status == 0 else { throw LabError.stepFailed("loopsentry " + args.joined(separator: " "), r.output) }
        return r.output
    }
}
