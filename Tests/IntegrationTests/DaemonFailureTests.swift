import Foundation
import Remediate
import Testing

/// Bad remediation input on a private veth pair: a playbook that hangs, a target that cannot be
/// reached, a playbook that does not exist. A VLAN 20 broadcast flood (no loop) makes the
/// daemon open an incident under policy auto; every cut attempt fails, the incident ends
/// `cutFailed` with one notification naming the reason, the journal keeps every transition and
/// every run, and no ansible-playbook is left behind.
@Suite(.serialized, .enabled(if: runningAsRoot, rootReason))
final class DaemonFailureTests {
    let lab: VethLab

    init() throws { lab = try VethLab() }
    deinit { lab.destroy() }

    /// A play that sleeps far past the tenant's 3 s timeout. The sleep's argument is unique, so
    /// a leftover `sleep` of this test can be found in /proc.
    static func hangPlaybook(marker: String) -> String {
        """
        - name: Hang past the timeout
          hosts: "{{ target_host }}"
          gather_facts: false
          tasks:
            - name: Sleep 600 s
              ansible.builtin.command: sleep \(marker)
              changed_when: false

        """
    }

    static let linuxPlaybook = DaemonHarness.packageRoot.appendingPathComponent("playbooks/linux-bridge-vlan.yml").path

    @Test("a playbook that hangs: killed after timeout_s 3, retried once, incident cutFailed, journal complete, restore times out too")
    func hangingPlaybook() throws {
        let marker = "600.\(UInt32.random(in: 100_000..<999_999))"
        let d = try VethDaemon(lab: lab, playbooks: ["hang.yml": Self.hangPlaybook(marker: marker)],
                               target: "playbook: hang.yml, host: hang-host, port: \(lab.trunk), timeout_s: 3")
        let runs = try failedCut(d, reason: "playbook hang.yml timed out after 3 s", timedOut: true)
        for r in runs {
            let seconds = (r["finishedAt"] as? Double ?? 0) - (r["startedAt"] as? Double ?? 0)
            #expect(seconds >= 3 && seconds < 6.5, "a hung run took \(seconds) s (timeout 3 s, grace 2 s)")
        }
        #expect(processes(withCommandLineContaining: ["sleep", marker]).isEmpty, "the hung `sleep \(marker)` outlived its run")
    }

    @Test("an unreachable target (ssh to a closed port): both attempts UNREACHABLE, incident cutFailed, journal complete, restore unreachable too")
    func unreachableTarget() throws {
        let port = try closedLocalPort()
        let inventoryPath = FileManager.default.temporaryDirectory
            .appendingPathComponent("loopsentry-unreach-\(UUID().uuidString.prefix(8)).ini").path
        try """
        edge-unreach ansible_host=127.0.0.1 ansible_port=\(port) ansible_connection=ssh ansible_user=nobody ansible_ssh_common_args='-o ConnectTimeout=2 -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null'

        """.write(toFile: inventoryPath, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: inventoryPath) }
        let d = try VethDaemon(lab: lab, playbooks: ["linux-bridge-vlan.yml": try String(contentsOfFile: Self.linuxPlaybook, encoding: .utf8)],
                               target: "playbook: linux-bridge-vlan.yml, host: edge-unreach, port: trunk, inventory: \(inventoryPath), timeout_s: 20")
        let runs = try failedCut(d, reason: "target edge-unreach unreachable: ", timedOut: false)
        for r in runs {
            #expect((r["output"] as? String ?? "").contains("Connection refused"), "the run's output is kept in the journal")
        }
    }

    @Test("an unknown playbook: `loopsentry run` and `check-config` refuse with one line naming key, line and file; nothing starts")
    func unknownPlaybook() throws {
        let d = try VethDaemon(lab: lab, playbooks: ["hang.yml": Self.hangPlaybook(marker: "1")],
                               target: "playbook: missing.yml, host: h, port: \(lab.trunk), timeout_s: 3")
        let line = try d.configLine(containing: "playbook: missing.yml")
        let expected = "loopsentry: \(d.configPath): tenants[0].remediation.playbook (line \(line)): "
            + "unknown playbook 'missing.yml': no such file \(d.playbookDir)/missing.yml\n"

        let run = try d.runExpectingRefusal()
        #expect(run.status == 1)
        #expect(run.stderr == expected)
        #expect(run.stdout.isEmpty, "nothing may start: \(run.stdout)")
        #expect(!FileManager.default.fileExists(atPath: d.journal), "no journal is created")
        #expect(!FileManager.default.fileExists(atPath: d.socket), "no control socket is created")
        #expect(try lab.ingressFilters().isEmpty, "no sensor is attached")

        let check = try Shell.run([loopsentryBinary, "check-config", d.configPath])
        #expect(check.status == 1)
        #expect(check.stderr == expected)
        #expect(check.stdout.isEmpty)
    }

    /// Floods VLAN 20, runs the daemon until the incident is `cutFailed`, then asks for a restore
    /// (whose playbook fails the same way). Checks events, status and journal; returns the cut runs.
    func failedCut(_ d: VethDaemon, reason: String, timedOut: Bool) throws -> [[String: Any]] {
        try d.start()
        let flood = try startFlood(lab, vlan: 20, rate: 3000)
        defer { flood.signal(SIGTERM); _ = flood.wait(timeout: 5) }
        let t0 = Date()
        try d.waitFor(timeout: 40, "cutFailed on VLAN 20") { !d.notifications("cutFailed", vlan: 20).isEmpty }
        let toFailed = Date().timeIntervalSince(t0)
        usleep(500_000)

        // Exactly one cutFailed notification, naming the reason and the attempts.
        let failed = d.notifications("cutFailed", vlan: 20)
        #expect(failed.count == 1)
        let detail = failed.first?.detail ?? ""
        #expect(detail.hasPrefix("cutFailed: cut attempt 2 failed: \(reason)"), "\(detail)")
        #expect(detail.hasSuffix("; giving up after 2 attempts"), "\(detail)")
        #expect(d.notifications("cutApplied", vlan: 20).isEmpty)
        #expect(d.events("cutStarted", vlan: 20).count == 2)
        #expect(d.events("cutFinished", vlan: 20).count == 2)
        #expect(d.events("cutFinished", vlan: 20).allSatisfy { ($0.detail ?? "").hasPrefix(reason) })
        let row = try #require(try d.status().first { $0.vlan == 20 })
        #expect(row.state == "cutFailed")
        #expect(row.incident.map { Int($0) } == 1)
        let rate = row.broadcastPerSecond
        #expect(rate > 500, "nothing was cut: the flood still shows (\(rate)/s)")
        #expect(processes(withCommandLineContaining: ["loopsentry-ansible-", d.playbookDir]).isEmpty,
                "an ansible-playbook run outlived its result")

        // Restore of a cutFailed VLAN is accepted; its playbook fails the same way, so the VLAN stays cutFailed.
        let restore = try d.control("restore", vlan: 20, by: "alice")
        #expect(restore.status == 0, "\(restore.stderr)")
        #expect(restore.stdout == "restore accepted for VLAN 20 on \(d.lab.trunk) (incident 1)\n", "\(restore.stdout)")
        try d.waitFor(timeout: 30, "the restore's result") { d.notifications("cutFailed", vlan: 20).count == 2 }
        let again = d.notifications("cutFailed", vlan: 20).last?.detail ?? ""
        #expect(again.hasPrefix("cutFailed: restore failed: \(reason)"), "\(again)")
        #expect(again.hasSuffix("; VLAN left cutFailed"), "\(again)")
        #expect(try d.state(vlan: 20) == "cutFailed")
        #expect(d.notifications("vlanRestored", vlan: 20).isEmpty)
        let elapsed = Date().timeIntervalSince(t0)
        print("\(timedOut ? "hang" : "unreachable"): flood → cutFailed \(String(format: "%.1f", toFailed)) s, "
              + "→ restore failed \(String(format: "%.1f", elapsed)) s")
        #expect(d.stop() == 0)
        #expect(processes(withCommandLineContaining: ["loopsentry-ansible-", d.playbookDir]).isEmpty,
                "an ansible-playbook run outlived the daemon")

        // The journal: the incident open in cutFailed, every transition in order (the same as
        // the daemon reported), every run finished, the operator's restore recorded.
        let journal = try Journal(path: d.journal)
        let incidents = try journal.openIncidents()
        #expect(incidents.count == 1)
        let incident = try #require(incidents.first)
        #expect(incident.vlan == 20 && incident.interface == d.lab.trunk && incident.state == "cutFailed" && incident.tenant == "org-b")
        let transitions = try journal.transitions(incident: incident.id)
        #expect(transitions.map(\.to) == ["detected", "cutting", "cutting", "cutting", "cutFailed", "restoring", "cutFailed"])
        #expect(transitions.map(\.from) == ["normal", "detected", "cutting", "cutting", "cutting", "cutFailed", "restoring"])
        let causes = transitions.map(\.cause)
        #expect(Array(causes.prefix(5)) == ["detector", "policy auto", "playbook", "retry backoff", "playbook"])
        #expect(causes.count == 7 && causes[5].hasPrefix("operator alice via cli") && causes[6] == "playbook", "\(causes)")
        #expect(transitions[2].detail.hasPrefix("cut attempt 1 failed: \(reason)"), "\(transitions[2].detail)")
        #expect(transitions[2].detail.hasSuffix("attempt 2 of 2 in 300 ms"), "\(transitions[2].detail)")
        let reported = d.events("transition", vlan: 20).map { $0.state ?? "" }
        #expect(reported == transitions.map(\.to), "the daemon reported \(reported)")

        #expect(try journal.playbookRuns(incident: incident.id, action: "cut") == (2, 0))
        #expect(try journal.playbookRuns(incident: incident.id, action: "restore") == (1, 0))
        let runs = try d.playbookRuns()
        #expect(runs.map { "\($0["action"] ?? "") \($0["attempt"] ?? "")" } == ["cut 1", "cut 2", "restore 1"])
        for r in runs {
            #expect(r["finishedAt"] is Double, "every run finished: \(r)")
            #expect(r["succeeded"] as? Int == 0)
            #expect(r["timedOut"] as? Int == (timedOut ? 1 : 0))
        }
        let actions = try journal.actions()
        #expect(actions.map { "\($0.action) \($0.accepted) \($0.author)" } == ["restore true alice"])
        return runs.filter { $0["action"] as? String == "cut" }
    }
}
