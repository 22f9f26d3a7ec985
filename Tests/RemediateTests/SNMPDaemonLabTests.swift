import Foundation
import LabTestSupport
import LoopSentryCore
import Remediate
import Testing

/// `loopsentry run` with `driver: snmp` on the lab: a VLAN 20 loop makes the daemon SET the trunk
/// bitmap of a switch simulated by snmpsim (CISCO-VTP-MIB). The simulated switch carries no
/// frames, so the storm goes on: verification fails each attempt and the incident ends
/// `cutFailed` — which proves the sensor's counters, not the driver's word, decide. The bitmap
/// is read back with `snmpget`; the journal's runs name the driver.
@Suite(.serialized, .enabled(if: geteuid() == 0 && SNMPSimulator.available && AnsibleTestEnv.canRunLab,
                             "needs root, snmpsim in .venv and a built loopsentry"))
final class SNMPDaemonLabTests {
    typealias F = SNMPDriverFixture
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ls-snmp-daemon-\(UUID().uuidString.prefix(8))")
    let lab = SuiteLab(tag: "sd", binary: AnsibleTestEnv.loopsentry)

    init() throws {
        try lab.up()
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    deinit {
        lab.down()
        try? FileManager.default.removeItem(at: dir)
    }

    @Test("driver snmp: the VLAN 20 bit is cleared by SET on each attempt; the storm goes on, so verification fails and the incident is cutFailed")
    func snmpCutVerifiedByCounters() throws {
        let sim = try F.simulator()
        defer { sim.stop() }
        let credentials = try F.v2c(sim)
        let config = dir.appendingPathComponent("loopsentry.yaml").path
        try """
        interfaces:
          - name: trunk0
            netns: \(lab.names.sensor)
            probe_vlans: "20"
        tenants:
          - name: org-b
            policy: auto
            vlans: [{ interface: trunk0, vlans: "20" }]
            remediation:
              driver: snmp
              port: Gi1/0/1
              snmp: { address: "udp:127.0.0.1:\(sim.port)", credentials: \(credentials), mib: cisco-vtp, port_index: \(F.ifIndex) }
        remediation: { playbook_dir: \(AnsibleTestEnv.playbooks), verify_window_ms: 600, max_attempts: 2, retry_backoff_ms: 200 }
        journal: { path: \(dir.path)/journal.sqlite }
        control: { socket: \(dir.path)/control.sock }
        """.write(toFile: config, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("events.jsonl").path
        _ = FileManager.default.createFile(atPath: out, contents: nil)
        let daemon = Process()
        daemon.executableURL = URL(fileURLWithPath: AnsibleTestEnv.loopsentry)
        daemon.arguments = ["run", "--config", config]
        daemon.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
        try daemon.run()
        defer { if daemon.isRunning { daemon.terminate(); daemon.waitUntilExit() } }
        func events() -> [EventRecord] {
            ((try? String(contentsOfFile: out, encoding: .utf8)) ?? "").split(separator: "\n").compactMap {
                try? JSONDecoder().decode(EventRecord.self, from: Data($0.utf8))
            }
        }
        func waitFor(_ seconds: Double, _ what: String, _ pred: () -> Bool) throws {
            let end = Date().addingTimeInterval(seconds)
            while Date() < end { if pred() { return }; usleep(50_000) }
            let tail = events().suffix(8).map { "\($0.event) \($0.detail ?? "")" }.joined(separator: " | ")
            throw AnsibleTestFailure("timed out waiting for \(what); last events: \(tail)")
        }
        try waitFor(15, "started") { events().contains { $0.event == "started" } }
        try lab.run(["loop", "20"])
        try waitFor(30, "cutFailed") {
            events().contains { $0.event == "notification" && $0.notification == "cutFailed" }
        }
        try lab.run(["unloop", "20"])
        let finished = events().filter { $0.event == "cutFinished" }.compactMap { $0.detail }
        #expect(finished.count == 2)
        // The first attempt SETs the bit; the second finds it already clear (no SET, nothing changed).
        #expect(finished.first?.hasPrefix("snmp: 1 SET (vlanTrunkPortVlansEnabled.\(F.ifIndex)) in ") == true, "\(finished)")
        #expect(try F.readChunk(sim, 0) == F.withVLANBit(F.chunk(0), 20, on: false))
        for c in 1...3 { #expect(try F.readChunk(sim, c) == F.chunk(c), "chunk \(c) changed") }
        let failed = events().first { $0.notification == "cutFailed" }?.detail ?? ""
        #expect(failed.contains("cut attempt 2: rate not at or below 500 frames/s within 600 ms"), "\(failed)")
        let rows = try AnsibleTestShell.must(["sqlite3", "\(dir.path)/journal.sqlite",
                                               "SELECT driver, playbook, action, attempt, succeeded FROM playbookRun ORDER BY id"])
        #expect(rows == "snmp|snmp|cut|1|1\nsnmp|snmp|cut|2|1\n")
        daemon.terminate()
        daemon.waitUntilExit()
        #expect(daemon.terminationStatus == 0)
    }
}
