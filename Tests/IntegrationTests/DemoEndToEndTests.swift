import Foundation
import LoopSentryCore
import LabTestSupport
import Remediate
import Testing

/// `loopsentry lab demo`, the README's main command, run end to end; each step is asserted
/// from what it leaves behind: the daemon's events, snmptrapd's log, rsyslog's files, the
/// journal, and the demo's own output.
@Suite(.serialized, .enabled(if: runningAsRoot, rootReason))
final class DemoEndToEndTests {
    let keep = FileManager.default.temporaryDirectory.appendingPathComponent("loopsentry-demo-e2e-\(UUID().uuidString.prefix(8))").path
    /// The demo builds its lab itself; this names it (and removes a leftover).
    let lab = SuiteLab(tag: "de", binary: loopsentryBinary)

    init() { lab.down() }
    deinit {
        lab.down()
        try? FileManager.default.removeItem(atPath: keep)
    }

    /// A file the demo kept; throws when it is missing (the demo did not write it).
    func read(_ name: String) throws -> String { try String(contentsOfFile: keep + "/" + name, encoding: .utf8) }

    func events() throws -> [EventRecord] {
        let decoder = JSONDecoder()
        return try read("events.jsonl").split(separator: "\n").compactMap { try? decoder.decode(EventRecord.self, from: Data($0.utf8)) }
    }

    @Test("the demo's flow: org-b's ack through the portal API cuts VLAN 20 only, VLAN 10 flows, VLAN 10 cut at once and restored by SNMP SET, VLAN 30 only reported")
    func demo() throws {
        let r = try Shell.run(["timeout", "400", loopsentryBinary, "lab", "demo", "--keep", keep, "--prefix", lab.prefix])
        #expect(r.status == 0, "demo failed: \(r.stderr)\n\(r.stdout.suffix(3000))")
        let out = r.stdout

        // The table an NMS polls, before any loop: every column with the three rows, nothing missing.
        let lines = out.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(!out.contains("No Such"), "the table shows a missing instance")
        func cell(_ column: String, _ vlan: Int) -> String? {
            lines.first { $0.hasPrefix(column + ".") && $0.split(separator: " ").first?.hasSuffix(".\(vlan)") == true }
                .map { $0.split(separator: " ", maxSplits: 1).last.map(String.init) ?? "" }
        }
        for (vlan, tenant, policy) in [(10, "org-a", "auto"), (20, "org-b", "ack"), (30, "org-c", "alarm")] {
            #expect(cell("loopSentryVlanIfName", vlan) == "trunk0", "VLAN \(vlan)")
            #expect(cell("loopSentryVlanTenant", vlan) == tenant, "VLAN \(vlan)")
            #expect(cell("loopSentryVlanPolicy", vlan) == policy, "VLAN \(vlan)")
            #expect(cell("loopSentryVlanState", vlan) == "normal", "VLAN \(vlan)")
            #expect(cell("loopSentryVlanBroadcastRate", vlan)?.hasSuffix("frames per second") == true, "VLAN \(vlan)")
        }

        // The timeline: each notification with its offset from the step that provoked it.
        let timeline = lines.drop { !$0.contains("8. Timeline") }.prefix { !$0.contains("9. Final state") }
        let notified = timeline.filter { $0.contains(" notification ") }
        #expect(notified.count >= 8, "\(timeline.joined(separator: "\n"))")
        for line in notified {
            #expect(line.range(of: #"\(\d+ ms (after|before) the step\)$"#, options: .regularExpression) != nil, "\(line)")
        }
        for step in ["lab up", "daemon running, subagent registered", "loop opened on VLAN 20", "acknowledged through the portal API",
                     "notification cutApplied on VLAN 20", "loop opened on VLAN 10", "notification vlanRestored on VLAN 10",
                     "loop opened on VLAN 30", "notification stormDetected on VLAN 30"] {
            #expect(timeline.contains { $0.contains(step) }, "the timeline lacks '\(step)'")
        }
        #expect(out.contains("Everything the demo started is stopped and the lab is removed."))

        let ev = try events()
        func notes(_ kind: String, _ vlan: Int) -> [EventRecord] {
            ev.filter { $0.event == "notification" && $0.vlan == vlan && $0.notification == kind }
        }
        func index(_ pred: (EventRecord) -> Bool) -> Int? { ev.firstIndex(where: pred) }

        // VLAN 20 (ack): pending, nothing cut before org-b's ack through the portal, then cut; its playbook ran once.
        #expect(notes("cutPending", 20).count == 1)
        #expect(notes("cutApplied", 20).count == 1)
        let ack = try #require(index { $0.event == "transition" && $0.vlan == 20
            && ($0.detail)?.contains("operator org-b-portal via api 127.0.0.1") == true })
        let firstCut = try #require(index { $0.event == "cutStarted" })
        #expect(firstCut > ack, "a playbook ran before the acknowledgement")
        #expect(ev[firstCut].vlan == 20)
        #expect(ev.filter { $0.event == "cutStarted" && $0.vlan == 20 }.count == 1)
        #expect(notes("cutApplied", 20).first?.author == "org-b-portal")
        #expect(notes("cutPending", 20).first?.tenant == "org-b")
        #expect(notes("cutPending", 20).first?.state == "pendingAck")

        // VLAN 10 (auto): cut without an ack; VLAN 30 (alarm): reported, never cut.
        #expect(notes("cutApplied", 10).count == 1)
        #expect(notes("cutPending", 10).isEmpty)
        #expect(notes("stormDetected", 30).count == 1)
        #expect(ev.filter { $0.event == "cutStarted" && $0.vlan == 30 }.isEmpty)
        // VLAN 20's cut (ansible), VLAN 10's native cut and its native restore by SNMP SET.
        #expect(ev.filter { $0.event == "cutStarted" }.compactMap { $0.vlan } == [20, 10, 10])
        #expect(ev.filter { $0.event == "cutStarted" && $0.vlan == 10 }
                    .compactMap { ($0.detail)?.components(separatedBy: " VLANs").first } == ["cut via nftables", "restore via nftables"])
        #expect(notes("vlanRestored", 10).count == 1 && notes("vlanRestored", 10).first?.author == "noc-operator")

        // VLAN 10 delivery during the VLAN 20 storm and its cut.
        let line = try #require(out.split(separator: "\n").first { $0.contains("VLAN 10 delivered during the VLAN 20 storm") })
        let delivered = Int(line.split(separator: ":").last!.split(separator: " ").first!) ?? 0
        print("demo: \(line)")
        #expect(delivered >= 1485 && delivered <= 1500, "\(line)")

        // The notifications at snmptrapd, decoded with the MIB's names and the right varbinds.
        let traps = try read("traps.log")
        #expect(traps.contains("LOOPSENTRY-MIB::loopSentryCutPending"))
        #expect(traps.contains("LOOPSENTRY-MIB::loopSentryCutApplied"))
        #expect(traps.contains("LOOPSENTRY-MIB::loopSentryLoopConfirmed"))
        #expect(traps.contains("LOOPSENTRY-MIB::loopSentryStormDetected"))
        let pendingTrap = try #require(traps.components(separatedBy: "\n").first { $0.contains("loopSentryCutPending") })
        #expect(pendingTrap.contains(".20 = STRING: trunk0"))
        #expect(pendingTrap.contains(".20 = STRING: org-b"))
        #expect(pendingTrap.contains("pendingAck"))

        // The syslog lines with their structured data, as rsyslog received and parsed them.
        let syslog = try read("syslog.log")
        let cutpend = try #require(syslog.components(separatedBy: "\n").first { $0.contains(" CUTPEND ") })
        #expect(cutpend.contains("[loopsentry@8072 ifname=\"trunk0\" vlan=\"20\" tenant=\"org-b\""))
        #expect(cutpend.contains("state=\"pendingAck\" incident=\"1\" sensor=\""))
        #expect(cutpend.contains(" loopsentry "))
        let sd = try read("syslog-sd.log")
        #expect(sd.contains("CUTPEND") && sd.contains("\"tenant\": \"org-b\"") || sd.contains("\"tenant\":\"org-b\""), "\(sd.prefix(500))")
        #expect(syslog.contains(" ACTION ") && syslog.contains("noc-operator") && syslog.contains("org-b-portal via api 127.0.0.1"))

        // The journal: VLAN 20 cut, VLAN 30 detected; VLAN 10's incident closed by the restore. The
        // ack (through the portal) and the restore (by SNMP SET) recorded with their author.
        let journal = try Journal(path: keep + "/journal.sqlite")
        let open = try journal.openIncidents()
        #expect(Dictionary(uniqueKeysWithValues: open.map { ($0.vlan, $0.state) }) == [20: "cut", 30: "detected"])
        #expect(try journal.actions().map { "\($0.vlan) \($0.action) \($0.accepted) \($0.author)" }
                == ["20 acknowledgeCut true org-b-portal", "10 restore true noc-operator"])
        let twenty = try #require(open.first { $0.vlan == 20 })
        #expect(try journal.transitions(incident: twenty.id).map(\.to) == ["detected", "pendingAck", "cutting", "cutting", "cut"])
        #expect(try journal.playbookRuns(incident: twenty.id, action: "cut") == (1, 0))

        // Nothing left behind: no lab namespace, no demo daemon or service.
        let netns = try Shell.must(["ip", "netns", "list"])
        #expect(!netns.contains("\(lab.prefix)-"), "namespaces left: \(netns)")
        let left = try pgrep(["-f", "loopsentry-lab-services-\(lab.prefix)-|loopsentry-demo-\(lab.prefix)-"])
        #expect(left.isEmpty, "processes left: \(left)")
    }
}
