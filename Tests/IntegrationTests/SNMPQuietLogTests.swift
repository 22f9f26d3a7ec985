import Foundation
import Testing

/// The AgentX subagent logs nothing of Net-SNMP's own noise: no "Cannot find module" for the
/// host MIBs it never needs, no v1 conversion complaint for notifications carrying a Counter64
/// (loopConfirmed) — while its own lines still reach the event log.
@Suite(.serialized, .enabled(if: runningAsRoot && FileManager.default.isExecutableFile(atPath: "/usr/sbin/snmpd"),
                             "needs root and snmpd (scripts/setup.sh installs it)"))
final class SNMPQuietLogTests {
    /// Library-internal lines that must not appear.
    static let noise = ["Cannot find module", "MIB search path", "send_trap", "v1 traps can't carry",
                        "failed to convert v2->v1"]

    @Test("daemon with SNMP on a private snmpd: a loopConfirmed notification reaches snmpd, stderr and snmpLog events carry no library noise")
    func noLibraryNoise() throws {
        let lab = try VethLab()
        defer { lab.destroy() }
        // A reflector at the far end: every frame the sensor sends out comes back, as in a loop.
        try Shell.must(["ip", "netns", "exec", lab.nsA, "tc", "qdisc", "add", "dev", lab.sender, "clsact"])
        try Shell.must(["ip", "netns", "exec", lab.nsA, "tc", "filter", "add", "dev", lab.sender, "ingress",
                        "protocol", "all", "u32", "match", "u32", "0", "0", "action", "mirred", "egress", "redirect", "dev", lab.sender])
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("loopsentry-snmpq-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: "\(dir)/persist", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let socket = "\(dir)/agentx.sock"
        let port = try closedLocalPort()
        try "master agentx\nagentXSocket \(socket)\nagentXPerms 0600 0700\nrocommunity public 127.0.0.1\n"
            .write(toFile: "\(dir)/snmpd.conf", atomically: true, encoding: .utf8)
        // snmpd forks into the background (the test runner's blocked signals would make a
        // foreground child ignore SIGTERM); it is killed by its pid file. Its persistent state
        // stays in the test's folder, apart from other snmpd instances.
        let started = try Shell.run(["/usr/sbin/snmpd", "-Lf", "\(dir)/snmpd.log", "-C", "-c", "\(dir)/snmpd.conf",
                                     "-p", "\(dir)/snmpd.pid", "-I", "-smux", "udp:127.0.0.1:\(port)"],
                                    environment: ["SNMP_PERSISTENT_DIR": "\(dir)/persist", "PATH": "/usr/sbin:/usr/bin:/bin"])
        try #require(started.status == 0, "snmpd did not start: \(started.stderr)")
        defer {
            if let pid = try? String(contentsOfFile: "\(dir)/snmpd.pid", encoding: .utf8), let p = Int32(pid.trimmingCharacters(in: .whitespacesAndNewlines)) {
                kill(p, SIGKILL)
            }
        }
        #expect(eventually(timeout: 10) { FileManager.default.fileExists(atPath: socket) }, "no AgentX socket")

        let d = try VethDaemon(lab: lab, playbooks: ["noop.yml": "- hosts: all\n  gather_facts: false\n  tasks: []\n"],
                               target: "playbook: noop.yml, host: localhost, port: \(lab.trunk)",
                               snmp: "{ enabled: true, agentx_socket: \(socket), ping_interval_s: 1 }", probeVLANs: "20")
        try d.start()
        try d.waitFor(timeout: 15, "loopConfirmed") { !d.notifications("loopConfirmed", vlan: 20).isEmpty }
        usleep(500_000)   // the trap leaves through AgentX after the event line
        // The subagent was really serving snmpd: the MIB's objects answer through it.
        let walk = try Shell.run(["snmpwalk", "-v2c", "-c", "public", "-On", "-t", "2", "127.0.0.1:\(port)", "1.3.6.1.4.1.8072.9999.9999.1"])
        #expect(walk.stdout.contains(".1.3.6.1.4.1.8072.9999.9999.1."), "\(walk.stdout)\(walk.stderr)")

        #expect(d.stop() == 0)
        let stderr = d.daemon?.stderrText ?? ""
        let snmpLog = d.events("snmpLog").compactMap { $0.detail }
        for line in Self.noise {
            #expect(!stderr.contains(line), "stderr has '\(line)': \(stderr)")
            #expect(!snmpLog.contains { $0.contains(line) }, "snmpLog has '\(line)': \(snmpLog)")
        }
    }
}
