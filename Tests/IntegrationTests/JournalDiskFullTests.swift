import Foundation
import Testing

/// The journal's disk fills (a 4 MiB tmpfs): the daemon keeps sensing and notifying, raises one
/// alarm, starts no cut it cannot journal, and recovers when space returns.
@Suite(.serialized, .enabled(if: runningAsRoot, rootReason))
final class JournalDiskFullTests {
    @Test("disk full: alarm once, notifications go on, the cut is refused (cutFailed), no exit; space back: recovered, the restore journaled and run")
    func diskFull() throws {
        let lab = try VethLab()
        defer { lab.destroy() }
        let d = try VethDaemon(lab: lab, playbooks: ["noop.yml": "- hosts: all\n  gather_facts: false\n  tasks: []\n"],
                               target: "playbook: noop.yml, host: localhost, port: \(lab.trunk)")
        // The journal on its own small file system.
        let disk = d.dir.appendingPathComponent("disk").path
        try FileManager.default.createDirectory(atPath: disk, withIntermediateDirectories: true)
        try Shell.must(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", disk])
        defer { _ = try? Shell.run(["umount", "-l", disk]) }
        let journal = "\(disk)/journal.sqlite"
        let config = try String(contentsOfFile: d.configPath, encoding: .utf8).replacingOccurrences(of: d.journal, with: journal)
        try config.write(toFile: d.configPath, atomically: true, encoding: .utf8)

        try d.start()
        // Fill the file system to the last block.
        _ = try Shell.run(["dd", "if=/dev/zero", "of=\(disk)/filler", "bs=4k"])
        let flood = try startFlood(lab, vlan: 20, rate: 3000)
        try d.waitFor(timeout: 15, "journalUnavailable") { !d.events("journalUnavailable").isEmpty }
        try d.waitFor(timeout: 15, "stormDetected notification") { !d.notifications("stormDetected", vlan: 20).isEmpty }
        try d.waitFor(timeout: 20, "cutFailed (cut refused)") { !d.notifications("cutFailed", vlan: 20).isEmpty }
        flood.signal(SIGTERM)
        _ = flood.wait(timeout: 5)
        let health = d.events().filter { ["journalUnavailable", "journalRecovered", "transition", "cutStarted"].contains($0.event) }
            .map { "\($0.event) \(($0.detail ?? "").prefix(60))" }
        #expect(d.events("journalUnavailable").count == 1, "one alarm per excursion: \(health)")
        #expect((d.events("journalUnavailable").first?.detail)?.contains("database or disk is full") == true)
        #expect(d.daemon?.stderrText.contains("loopsentry: journal \(journal) cannot be written (") == true)
        #expect(d.events("cutStarted").isEmpty, "no cut may start unjournaled")
        #expect(!d.notifications("cutFailed", vlan: 20).isEmpty && !d.notifications("stormDetected", vlan: 20).isEmpty)
        #expect(d.events("cutFinished", vlan: 20).allSatisfy { ($0.detail)?.contains("journal cannot be written") == true })
        #expect(d.daemon?.process.isRunning == true, "the daemon must not exit")

        // Space returns: the next write (an operator's restore of the cutFailed VLAN) succeeds,
        // clears the alarm, and the restore's playbook run starts (journaled first).
        try FileManager.default.removeItem(atPath: "\(disk)/filler")
        let restore = try d.control("restore", vlan: 20, by: "erin")
        #expect(restore.status == 0, "\(restore.stderr)")
        try d.waitFor(timeout: 10, "journalRecovered") { !d.events("journalRecovered").isEmpty }
        try d.waitFor(timeout: 10, "restore started") { !d.events("cutStarted", vlan: 20).isEmpty }
        #expect(d.events("journalUnavailable").count == 1)
        #expect(d.stop() == 0)
        let restoring = try Shell.must(["sqlite3", "-readonly", journal, "SELECT count(*) FROM transition WHERE toState = 'restoring'"])
        #expect(restoring.trimmingCharacters(in: .whitespacesAndNewlines) == "1", "the restore was journaled")
        let runs = try Shell.must(["sqlite3", "-readonly", journal, "SELECT action FROM playbookRun"])
        #expect(runs.trimmingCharacters(in: .whitespacesAndNewlines) == "restore", "only the restore ran: \(runs)")
    }
}
