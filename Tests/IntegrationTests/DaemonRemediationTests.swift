import Foundation
import LabTestSupport
import LoopSentryCore
import Remediate
import Testing

/// The daemon on the lab: tenants with auto and ack policies, the Linux playbook cutting the
/// looping VLAN from switch 1's trunk, the journal surviving kill -9.
@Suite(.serialized, .enabled(if: runningAsRoot, rootReason))
final class DaemonRemediationTests {
    let lab = SuiteLab(tag: "dr", binary: loopsentryBinary)

    init() throws { try lab.up() }

    deinit { lab.down() }

    /// Counts VLAN 10 frames arriving at host B (switch 1) while `body` runs.
    func receiver() throws -> BackgroundProcess {
        let m = try BackgroundProcess([loopsentryBinary, "monitor", "--netns", lab.names.hostB, "--interface", "eth0", "--json",
                                       "--interval", "100", "--top", "10", "--drop-tagged"], name: "receiver")
        #expect(eventually(timeout: 10) { !m.stdoutLines.isEmpty })
        return m
    }

    @Test("policy auto: VLAN 20 cut by the Linux playbook, the storm stops, VLAN 10 keeps flowing throughout")
    func autoCut() throws {
        // No probes on VLAN 10 here, so every VLAN 10 frame at the receiver is one the sender sent.
        let d = try DaemonHarness(lab: lab, tenants: lab.tenant20("auto"), probeVLANs: "20,30")
        try d.start()
        let rx = try receiver()
        // 1000 VLAN 10 frames over 5 s, across the loop, the cut and after it.
        let sender = try BackgroundProcess([loopsentryBinary, "lab", "send", "--netns", lab.names.hostA, "--interface", "eth0",
                                            "--vlan", "10", "--count", "1000", "--rate", "200"], name: "vlan10")
        usleep(300_000)
        try lab.run(["loop", "20"])
        // ansible-playbook takes seconds on a quiet machine and much longer on a loaded one.
        try d.waitFor(timeout: 120, "cutApplied on VLAN 20") { !d.notifications("cutApplied", vlan: 20).isEmpty }
        #expect(sender.wait(timeout: 15) == 0)
        usleep(500_000)
        let got = try delivered(rx, vlan: 10)
        print("VLAN 10 frames delivered during the VLAN 20 storm and cut: \(got) of 1000")
        #expect(got >= 990 && got <= 1000, "VLAN 10 delivered \(got) of 1000")

        #expect(try d.state(vlan: 20) == "cut")
        #expect(d.notifications("cutPending", vlan: 20).isEmpty)
        #expect(d.events("cutStarted", vlan: 20).count == 1)
        #expect(try lab.cutRules().contains("vlan id 20"))
        // The storm is over: the sensor sees VLAN 20 at tenant rates, not thousands.
        usleep(1_000_000)
        let row = try #require(try d.status().first { $0.vlan == 20 })
        #expect((row.broadcastPerSecond) < 500)
        #expect(d.events("cutStarted").allSatisfy { $0.vlan == 20 }, "only VLAN 20 is cut")

        let journal = try Journal(path: d.journal)
        let incidents = try journal.openIncidents()
        #expect(incidents.count == 1 && incidents[0].vlan == 20 && incidents[0].state == "cut")
        #expect(try journal.transitions(incident: incidents[0].id).map(\.to) == ["detected", "cutting", "cutting", "cut"])
        #expect(try journal.playbookRuns(incident: incidents[0].id, action: "cut") == (1, 0))
        #expect(d.stop() == 0)
    }

    @Test("policy ack: nothing is cut until `loopsentry ack`; then the cut; restore re-adds the VLAN")
    func ackThenRestore() throws {
        let d = try DaemonHarness(lab: lab, tenants: lab.tenant20("ack"))
        try d.start()
        try lab.run(["loop", "20"])
        try d.waitFor(timeout: 10, "cutPending") { !d.notifications("cutPending", vlan: 20).isEmpty }
        usleep(3_000_000)
        #expect(try d.state(vlan: 20) == "pendingAck")
        #expect(d.events("cutStarted").isEmpty, "nothing may be cut before the ack")
        #expect(try !lab.cutRules().contains("vlan id 20"))

        let refused = try d.control("restore", vlan: 20)
        #expect(refused.status == 1)
        #expect(refused.stderr == "loopsentry: VLAN 20 on trunk0 is pendingAck, not cut or cutFailed: nothing to restore\n")

        let ack = try d.control("ack", vlan: 20, by: "alice")
        #expect(ack.status == 0, "\(ack.stderr)")
        try d.waitFor(timeout: 30, "cutApplied") { !d.notifications("cutApplied", vlan: 20).isEmpty }
        #expect(d.notifications("cutApplied", vlan: 20).first?.author == "alice")
        #expect(try lab.cutRules().contains("vlan id 20"))

        let again = try d.control("ack", vlan: 20)
        #expect(again.stderr == "loopsentry: VLAN 20 on trunk0 is cut, not pendingAck: nothing to acknowledge\n")

        try lab.run(["unloop", "20"])
        let restore = try d.control("restore", vlan: 20, by: "bob")
        #expect(restore.status == 0, "\(restore.stderr)")
        try d.waitFor(timeout: 30, "vlanRestored") { !d.notifications("vlanRestored", vlan: 20).isEmpty }
        #expect(try !lab.cutRules().contains("vlan id 20"))
        #expect(try d.state(vlan: 20) == "normal")

        let journal = try Journal(path: d.journal)
        let actions = try journal.actions()
        #expect(actions.map { "\($0.action) \($0.accepted)" }
                == ["restore false", "acknowledgeCut true", "acknowledgeCut false", "restore true"])
        #expect(actions.count == 4 && actions[1].author == "alice" && actions[3].author == "bob")
        #expect(actions.allSatisfy { $0.via.hasPrefix("cli uid 0") })
        #expect(d.stop() == 0)
    }

    @Test("kill -9 during pendingAck: after restart still pending; the ack then cuts once")
    func killDuringPendingAck() throws {
        let d = try DaemonHarness(lab: lab, tenants: lab.tenant20("ack"))
        try d.start()
        try lab.run(["loop", "20"])
        try d.waitFor(timeout: 10, "cutPending") { !d.notifications("cutPending", vlan: 20).isEmpty }
        d.kill9()
        try d.start()
        #expect(!d.events("resumed").isEmpty)
        #expect(try d.state(vlan: 20) == "pendingAck")
        #expect(try d.control("ack", vlan: 20, by: "carol").status == 0)
        try d.waitFor(timeout: 30, "cutApplied") { !d.notifications("cutApplied", vlan: 20).isEmpty }
        let journal = try Journal(path: d.journal)
        let incident = try #require(try journal.openIncidents().first)
        #expect(try journal.playbookRuns(incident: incident.id, action: "cut") == (1, 0))
        #expect(d.stop() == 0)
    }

    @Test("kill -9 during cutting: after restart the cut is verified, not run again")
    func killDuringCutting() throws {
        let d = try DaemonHarness(lab: lab, tenants: lab.tenant20("auto"))
        try d.start()
        try lab.run(["loop", "20"])
        try d.waitFor(timeout: 10, "cutStarted") { !d.events("cutStarted", vlan: 20).isEmpty }
        // Kill while ansible-playbook is really running (the journal records a run just before
        // the process is spawned).
        try d.waitFor(timeout: 10, "ansible-playbook running") {
            !d.playbookProcesses().isEmpty
        }
        d.kill9()
        try d.start()
        try d.waitFor(timeout: 60, "cutApplied after restart") { !d.notifications("cutApplied", vlan: 20).isEmpty }
        #expect(try d.state(vlan: 20) == "cut")
        let journal = try Journal(path: d.journal)
        let incident = try #require(try journal.openIncidents().first)
        let runs = try journal.playbookRuns(incident: incident.id, action: "cut")
        #expect(runs.started == 1, "the cut playbook ran \(runs.started) times")
        #expect(try journal.transitions(incident: incident.id).contains { $0.cause == "restart" })
        #expect(d.stop() == 0)
    }
}
