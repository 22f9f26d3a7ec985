import Foundation
import LabTestSupport
import Remediate
import Testing

/// kill -9 of `loopsentry run` in `detected`, `cutFailed` and `restoring` on the lab, with a real
/// loop on VLAN 20: the restarted daemon resumes each incident by `IncidentStateMachine.restoring`'s
/// rule and the journal holds every transition and playbook run in order.
@Suite(.serialized, .enabled(if: runningAsRoot, rootReason))
final class DaemonKillInLabStateTests {
    /// Fails every cut; a restore is the shipped Linux playbook's.
    static let cutRefused = """
        - name: Refuse every cut
          hosts: "{{ target_host }}"
          gather_facts: false
          tasks:
            - name: Refuse
              ansible.builtin.fail: { msg: "cut refused by the test playbook" }
              when: action == 'cut'
        - import_playbook: linux-bridge-vlan.yml

        """
    /// The shipped Linux playbook, with a restore that first waits 8 s (time to kill the daemon
    /// while `ansible-playbook` runs, and for the restarted daemon to find it still running).
    static let slowRestore = """
        - name: Restore slowly
          hosts: "{{ target_host }}"
          gather_facts: false
          tasks:
            - name: Wait before restoring
              ansible.builtin.command: sleep 8
              changed_when: false
              when: action == 'restore'
        - import_playbook: linux-bridge-vlan.yml

        """

    let lab = SuiteLab(tag: "dk", binary: loopsentryBinary)

    init() throws { try lab.up() }

    deinit { lab.down() }

    /// The incident ids the events of `d` carry for `vlan`.
    func incidentIDs(_ d: DaemonHarness, vlan: Int) -> Set<Int> {
        Set(d.events().filter { $0.vlan == vlan }.compactMap { $0.incident.map { Int($0) } })
    }

    /// The journal's transitions of `incident`, in order, as "from→to cause" (an operator's cause
    /// without the uid and pid of the CLI process).
    func steps(_ journal: Journal, incident: Int) throws -> [String] {
        try journal.transitions(incident: UInt64(incident)).map {
            "\($0.from)→\($0.to) \($0.cause.components(separatedBy: " uid ")[0])"
        }
    }

    /// A daemon cutting VLAN 20 by `playbook` (policy auto), and the loop on VLAN 20.
    func loopingUnderAuto(playbook: String, _ text: String) throws -> DaemonHarness {
        let d = try DaemonHarness(lab: lab, tenants: lab.tenant20("auto", playbook: playbook), playbooks: [playbook: text])
        try d.start()
        try lab.run(["loop", "20"])
        return d
    }

    /// Waits until the restarted daemon's sensor detects the storm still going on (a fresh
    /// detector), then for 3 s more of polls, for whatever that detection leads to.
    func waitForRedetection(_ d: DaemonHarness, detectionsBefore: Int) throws {
        try d.waitFor(timeout: 20, "the storm detected again") { d.events("stormDetected", vlan: 20).count > detectionsBefore }
        let seen = Date()
        try d.waitFor(timeout: 20, "3 s of polls after the detection") { Date().timeIntervalSince(seen) >= 3 && (try? d.status()) != nil }
    }

    @Test("kill -9 in detected (policy alarm, loop on): same incident after restart, re-announced at most once, stormCleared once when the loop closes")
    func killInDetected() throws {
        let d = try DaemonHarness(lab: lab, tenants: lab.tenant20("alarm"))
        try d.start()
        try lab.run(["loop", "20"])
        try d.waitFor(timeout: 20, "stormDetected notification") { !d.notifications("stormDetected", vlan: 20).isEmpty }
        #expect(try d.state(vlan: 20) == "detected")
        let ids = incidentIDs(d, vlan: 20)
        try #require(ids.count == 1, "one incident before the kill: \(ids)")
        let before = d.notifications("stormDetected", vlan: 20).count
        let detectionsBefore = d.events("stormDetected", vlan: 20).count
        d.kill9()

        try d.start()
        #expect(!d.events("resumed").isEmpty)
        #expect(try d.state(vlan: 20) == "detected")
        try waitForRedetection(d, detectionsBefore: detectionsBefore)
        let after = d.notifications("stormDetected", vlan: 20).count - before
        print("stormDetected notifications: \(before) before the kill, \(after) after the restart")
        #expect(after <= 1, "stormDetected re-announced \(after) times after the restart")
        #expect(try d.state(vlan: 20) == "detected")
        #expect(incidentIDs(d, vlan: 20) == ids, "no second incident: \(incidentIDs(d, vlan: 20))")

        try lab.run(["unloop", "20"])
        try d.waitFor(timeout: 30, "stormCleared notification") { !d.notifications("stormCleared", vlan: 20).isEmpty }
        #expect(try d.state(vlan: 20) == "normal")
        #expect(d.notifications("stormCleared", vlan: 20).count == 1)
        #expect(d.events("cutStarted").isEmpty)
        #expect(incidentIDs(d, vlan: 20) == ids)

        let journal = try Journal(path: d.journal)
        #expect(try journal.openIncidents().isEmpty)
        let id = try #require(ids.first)
        #expect(try steps(journal, incident: id) == ["normal→detected detector", "detected→normal detector"])
        #expect(try journal.playbookRuns(incident: UInt64(id), action: "cut") == (0, 0))
        #expect(d.stop() == 0)
    }

    @Test("kill -9 in cutFailed: after restart still cutFailed, no further cut attempt; restore goes through restoring to normal")
    func killInCutFailed() throws {
        let d = try loopingUnderAuto(playbook: "cut-refused.yml", Self.cutRefused)
        try d.waitFor(timeout: 90, "cutFailed notification") { !d.notifications("cutFailed", vlan: 20).isEmpty }
        #expect(try d.state(vlan: 20) == "cutFailed")
        let id = try #require(incidentIDs(d, vlan: 20).first)
        let journal = try Journal(path: d.journal)
        #expect(try journal.playbookRuns(incident: UInt64(id), action: "cut") == (2, 0))
        let cutsBefore = d.events("cutStarted", vlan: 20).count
        let detectionsBefore = d.events("stormDetected", vlan: 20).count
        d.kill9()

        try d.start()
        #expect(try d.state(vlan: 20) == "cutFailed")
        // The loop is still on: nothing may be cut after the new sensor detects it.
        try waitForRedetection(d, detectionsBefore: detectionsBefore)
        #expect(try d.state(vlan: 20) == "cutFailed")
        #expect(d.events("cutStarted", vlan: 20).count == cutsBefore, "a cut started after the restart")
        #expect(try journal.playbookRuns(incident: UInt64(id), action: "cut") == (2, 0))
        #expect(d.notifications("cutFailed", vlan: 20).count == 1)

        try lab.run(["unloop", "20"])
        let restore = try d.control("restore", vlan: 20, by: "frank")
        #expect(restore.status == 0, "\(restore.stderr)")
        try d.waitFor(timeout: 60, "vlanRestored") { !d.notifications("vlanRestored", vlan: 20).isEmpty }
        #expect(try d.state(vlan: 20) == "normal")
        #expect(d.notifications("vlanRestored", vlan: 20).count == 1)
        #expect(d.notifications("vlanRestored", vlan: 20).first?.author == "frank")
        #expect(try journal.playbookRuns(incident: UInt64(id), action: "cut") == (2, 0))
        #expect(try journal.playbookRuns(incident: UInt64(id), action: "restore") == (1, 0))
        #expect(try !lab.cutRules().contains("vlan id 20"))
        let transitions = try steps(journal, incident: id)
        #expect(transitions == ["normal→detected detector", "detected→cutting policy auto", "cutting→cutting playbook",
                                "cutting→cutting retry backoff", "cutting→cutFailed playbook",
                                "cutFailed→restoring operator frank via cli", "restoring→normal playbook"], "\(transitions)")
        let actions = try journal.actions()
        #expect(actions.map { "\($0.action) \($0.accepted) \($0.author)" } == ["restore true frank"])
        #expect(d.stop() == 0)
    }

    @Test("kill -9 in restoring while ansible-playbook runs: the restart waits for it, runs the restore again (the rule), ends normal with one vlanRestored")
    func killInRestoring() throws {
        let d = try loopingUnderAuto(playbook: "slow-restore.yml", Self.slowRestore)
        try d.waitFor(timeout: 60, "cutApplied") { !d.notifications("cutApplied", vlan: 20).isEmpty }
        #expect(try lab.cutRules().contains("vlan id 20"))
        let id = try #require(incidentIDs(d, vlan: 20).first)
        try lab.run(["unloop", "20"])

        let restore = try d.control("restore", vlan: 20, by: "erin")
        #expect(restore.status == 0, "\(restore.stderr)")
        try d.waitFor(timeout: 20, "the restore's ansible-playbook running") {
            !d.playbookProcesses().isEmpty
        }
        #expect(try d.state(vlan: 20) == "restoring")
        d.kill9()
        #expect(!d.playbookProcesses().isEmpty,
                "the restore run outlives the daemon")

        try d.start(timeout: 120)
        #expect(!d.events("waitingForPlaybook").isEmpty, "the restarted daemon waited for the leftover run")
        try d.waitFor(timeout: 90, "vlanRestored") { !d.notifications("vlanRestored", vlan: 20).isEmpty }
        #expect(try d.state(vlan: 20) == "normal")
        #expect(d.notifications("vlanRestored", vlan: 20).count == 1)
        #expect(d.notifications("vlanRestored", vlan: 20).first?.author == "erin")
        #expect(try !lab.cutRules().contains("vlan id 20"))

        let journal = try Journal(path: d.journal)
        #expect(try journal.openIncidents().isEmpty)
        #expect(try journal.playbookRuns(incident: UInt64(id), action: "cut") == (1, 0))
        // The rule: a restore whose result is unknown runs again (idempotent). The killed
        // daemon's run stays unfinished in the journal; the second one finished.
        #expect(try journal.playbookRuns(incident: UInt64(id), action: "restore") == (2, 1))
        let transitions = try steps(journal, incident: id)
        #expect(transitions == ["normal→detected detector", "detected→cutting policy auto", "cutting→cutting playbook",
                                "cutting→cut verification", "cut→restoring operator erin via cli", "restoring→restoring restart",
                                "restoring→normal playbook"], "\(transitions)")
        #expect(d.stop() == 0)
        #expect(d.playbookProcesses().isEmpty)
    }
}
