import Foundation
import LoopSentryCore
import LabTestSupport
import Remediate
import Testing

/// `loopsentry lab demo --vxlan` run end to end, each step asserted from what it leaves behind:
/// the daemon's events, snmptrapd's log, rsyslog's file, the journal and the demo's output.
@Suite(.serialized, .enabled(if: runningAsRoot, rootReason))
final class DemoVXLANEndToEndTests {
    let keep = FileManager.default.temporaryDirectory.appendingPathComponent("loopsentry-demo-vx-\(UUID().uuidString.prefix(8))").path
    /// The demo builds its lab itself; this names it (and removes a leftover).
    let lab = SuiteLab(tag: "dv", binary: loopsentryBinary)

    init() { lab.down() }
    deinit {
        lab.down()
        try? FileManager.default.removeItem(atPath: keep)
    }

    func read(_ name: String) throws -> String { try String(contentsOfFile: keep + "/" + name, encoding: .utf8) }

    @Test("the VXLAN demo: a loop in VNI 5000 detected on the underlay and cut there, VNI 5001 delivering, the NOC's restore removing the cut")
    func demo() throws {
        let r = try Shell.run(["timeout", "300", loopsentryBinary, "lab", "demo", "--vxlan", "--keep", keep, "--prefix", lab.prefix])
        #expect(r.status == 0, "demo failed: \(r.stderr)\n\(r.stdout.suffix(3000))")
        let out = r.stdout
        let lines = out.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }

        // The VNI table an NMS polls, before the loop: both rows in every column.
        #expect(!out.contains("No Such"), "the table shows a missing instance")
        func cell(_ column: String, _ vni: Int) -> String? {
            lines.first { $0.hasPrefix(column + ".") && $0.split(separator: " ").first?.hasSuffix(".\(vni)") == true }
                .map { $0.split(separator: " ", maxSplits: 1).last.map(String.init) ?? "" }
        }
        for (vni, tenant, policy) in [(5000, "org-v", "auto"), (5001, "org-n", "alarm")] {
            #expect(cell("loopSentryVniIfName", vni) == "trunk0", "VNI \(vni)")
            #expect(cell("loopSentryVniTenant", vni) == tenant, "VNI \(vni)")
            #expect(cell("loopSentryVniPolicy", vni) == policy, "VNI \(vni)")
            #expect(cell("loopSentryVniState", vni) == "normal", "VNI \(vni)")
        }

        // The cut as nftables listed it: VNI 5000 (0x1388) only, in and out of the underlay port.
        let rules = lines.filter { $0.contains("comment \"loopsentry ") }
        #expect(rules.count == 2, "\(rules)")
        #expect(rules.allSatisfy { $0.contains("udp dport 4789 @th,96,24 0x1388 ") && $0.contains("vni=5000") }, "\(rules)")

        // The timeline and the neighbour's delivery.
        let timeline = lines.drop { !$0.contains("6. Timeline") }.prefix { !$0.contains("7. Final state") }
        for step in ["lab up", "daemon running, subagent registered", "loop opened in VNI 5000",
                     "notification cutApplied on VNI 5000", "notification vlanRestored on VNI 5000"] {
            #expect(timeline.contains { $0.contains(step) }, "the timeline lacks '\(step)'")
        }
        // The loop is known by its returned probe or its broadcast rate, whichever the daemon sees first.
        #expect(timeline.contains { $0.contains("notification loopConfirmed on VNI 5000") || $0.contains("notification stormDetected on VNI 5000") })
        #expect(!timeline.contains { $0.contains("on VNI 5001") }, "the neighbour VNI had an event")
        let line = try #require(lines.first { $0.hasPrefix("VNI 5001 delivered during the VNI 5000 storm and cut:") })
        let delivered = Int(line.split(separator: ":").last!.split(separator: " ").first!) ?? -1
        print("demo: \(line)")
        #expect(delivered >= 990 && delivered <= 1000, "\(line)")
        #expect(out.contains("The cut rules are gone; VNI 5000 is normal again."))
        #expect(out.contains("Everything the demo started is stopped and the lab is removed."))

        // The daemon's events: one cut and one restore of VNI 5000, by nftables; nothing on VNI 5001.
        let decoder = JSONDecoder()
        let ev = try read("events.jsonl").split(separator: "\n").compactMap { try? decoder.decode(EventRecord.self, from: Data($0.utf8)) }
        #expect(ev.filter { $0.event == "cutStarted" }.compactMap(\.vni) == [5000, 5000])
        #expect(ev.filter { $0.event == "notification" && $0.vni == 5000 && $0.notification == "cutApplied" }.count == 1)
        #expect(ev.filter { $0.event == "notification" && $0.vni == 5000 && $0.notification == "vlanRestored" }.first?.author == "noc-operator")
        #expect(ev.filter { $0.vni == 5001 && $0.event != "started" }.allSatisfy { $0.event != "notification" && $0.event != "cutStarted" })

        // The notifications at snmptrapd, and the syslog lines naming the VNI.
        let traps = try read("traps.log")
        #expect(traps.contains("LOOPSENTRY-MIB::loopSentryVniStormDetected") || traps.contains("LOOPSENTRY-MIB::loopSentryVniStateChanged"))
        #expect(traps.contains("LOOPSENTRY-MIB::loopSentryVniStateChanged"))
        #expect(!traps.contains("LOOPSENTRY-MIB::loopSentryCutApplied"), "a VNI event was sent as a VLAN notification")
        let syslog = try read("syslog.log")
        #expect(syslog.contains("vni=\"5000\"") && syslog.contains("tenant=\"org-v\""), "\(syslog.prefix(600))")
        #expect(!syslog.contains("vni=\"5001\""))

        // The journal: VNI 5000's incident closed by the restore, with its author.
        let journal = try Journal(path: keep + "/journal.sqlite")
        #expect(try journal.openIncidents().isEmpty)
        #expect(try journal.actions().map { "\($0.action) \($0.accepted) \($0.author)" } == ["restore true noc-operator"])

        // Nothing left behind.
        let netns = try Shell.must(["ip", "netns", "list"])
        #expect(!netns.contains("\(lab.prefix)-"), "namespaces left: \(netns)")
        let left = try pgrep(["-f", "loopsentry-lab-services-\(lab.prefix)-|loopsentry-demo-\(lab.prefix)-"])
        #expect(left.isEmpty, "processes left: \(left)")
    }
}
