import Foundation
import Lab
import LabTestSupport
import LoopSentryCore
import Testing

/// The daemon on the VXLAN lab: a loop in VNI 5000 is detected on the underlay sensor port,
/// confirmed by a VNI self-probe (sent by UDP to both VTEPs, back only through the loop), cut by
/// the nftables driver on switch 1's underlay port and verified by the sensor's VNI rate; VNI
/// 5001 (a neighbour tenant) keeps delivering throughout. Without a loop no probe comes back.
@Suite(.serialized, .enabled(if: runningAsRoot, rootReason))
final class VXLANCutLabTests {
    let lab = SuiteLab(tag: "vx", binary: loopsentryBinary)

    init() throws { try lab.upVXLAN() }

    deinit { lab.down() }

    var tenants: String {
        """
          - name: org-v
            policy: auto
            vnis: [{ interface: trunk0, vnis: "5000" }]
            remediation: { driver: nftables, host: \(lab.names.switch1), port: trunk, netns: \(lab.names.switch1) }
          - name: org-n
            policy: alarm
            vnis: [{ interface: trunk0, vnis: "5001" }]
        """
    }

    /// Frames from the lab sender (source 02:00:00:00:00:01) that reached host B's `eth1` (VNI
    /// 5001), by a named nft counter on its ingress; throws when nft fails.
    func deliveredVNI5001() throws -> Int {
        let out = try Shell.must(["ip", "netns", "exec", lab.names.hostB, "nft", "list", "counter", "netdev", "rx", "sender"])
        guard let r = out.range(of: #"packets (\d+)"#, options: .regularExpression),
              let n = Int(out[r].dropFirst("packets ".count)) else { throw ShellError("no packet count in \(out.prefix(200))") }
        return n
    }

    func countDeliveries() throws {
        let rules = "table netdev rx { counter sender { }\n chain in { type filter hook ingress device \"eth1\" priority 0; "
            + "ether saddr 02:00:00:00:00:01 counter name \"sender\"; }\n}\n"
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("\(lab.prefix)-rx.nft").path
        try rules.write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        try Shell.must(["ip", "netns", "exec", lab.names.hostB, "nft", "-f", file])
    }

    /// The VNI cut rules on switch 1; throws when nft cannot list the ruleset.
    func vniRules(_ vni: Int) throws -> [String] {
        try Shell.must(["ip", "netns", "exec", lab.names.switch1, "nft", "list", "ruleset"]).split(separator: "\n")
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { $0.contains("comment \"loopsentry port=trunk vni=\(vni) ") }
    }

    /// trunk0's flood list: both VNIs' probes go to both VTEPs.
    static let flood = "vxlan_flood: [{ vnis: \"5000-5001\", vteps: [\(LabPlan.vtep1Address), \(LabPlan.vtep2Address)] }]"

    @Test("a loop in VNI 5000 is detected (by its rate; with VNI probes by a returned probe confirming it), cut with nftables on the underlay port and verified; VNI 5001 delivers; the CLI restore removes the rules",
          arguments: [false, true])
    func vniLoopIsCutNeighbourDelivers(probes: Bool) throws {
        try countDeliveries()
        let d = try DaemonHarness(lab: lab, tenants: tenants, probeVLANs: "",
                                  interfaceExtra: "vnis: \"5000-5001\"" + (probes ? "\n    " + Self.flood : ""))
        try d.start()
        func vniEvents(_ name: String, _ vni: Int) -> [EventRecord] { d.events().filter { $0.event == name && $0.vni == vni } }

        let neighbour = try BackgroundProcess([loopsentryBinary, "lab", "send", "--netns", lab.names.hostA, "--interface", "eth1",
                                               "--vlan", "0", "--count", "1000", "--rate", "200"], name: "vni5001")
        usleep(300_000)
        try lab.run(["loop", "--vni", "5000"])
        let seed = try BackgroundProcess([loopsentryBinary, "lab", "send", "--netns", lab.names.hostA, "--interface", "eth0",
                                          "--vlan", "0", "--count", "5", "--rate", "50"], name: "seed")
        let evidence = probes ? "loopConfirmed" : "stormDetected"
        try d.waitFor(timeout: 30, "\(evidence) in VNI 5000") { !vniEvents(evidence, 5000).isEmpty }
        try d.waitFor(timeout: 30, "cutApplied in VNI 5000") {
            vniEvents("notification", 5000).contains { $0.notification == "cutApplied" }
        }
        // Detected (a transition to `detected`), confirmed (with probes), then cut, in this order.
        let events = d.events()
        let detectedAt = try #require(events.firstIndex { $0.event == "transition" && $0.vni == 5000 && $0.state == "detected" })
        let evidenceAt = try #require(events.firstIndex { $0.event == evidence && $0.vni == 5000 })
        let cutAt = try #require(events.firstIndex { $0.notification == "cutApplied" && $0.vni == 5000 })
        #expect(evidenceAt <= detectedAt && detectedAt < cutAt, "\(evidence) #\(evidenceAt), detected #\(detectedAt), cutApplied #\(cutAt)")
        let because = events[evidenceAt].detail ?? ""
        print("VNI 5000 (probes \(probes)): \(evidence) #\(evidenceAt) (\(because)), detected #\(detectedAt), cutApplied #\(cutAt)")
        if probes {
            #expect(because.hasSuffix("probe(s) returned"), "\(because)")
            #expect(vniEvents("loopConfirmed", 5001).isEmpty)
        } else {
            #expect(vniEvents("loopConfirmed", 5000).isEmpty, "no probes, no confirmation")
        }
        #expect(seed.wait(timeout: 10) == 0)
        #expect(neighbour.wait(timeout: 15) == 0)
        _ = try eventually(timeout: 5) { try self.deliveredVNI5001() >= 1000 }
        let got = try deliveredVNI5001()
        print("VNI 5001 frames delivered during the VNI 5000 storm and its cut: \(got) of 1000")
        #expect(got >= 990, "VNI 5001 delivered \(got) of 1000")

        let rules = try vniRules(5000)
        #expect(rules.count == 2, "\(rules)")
        #expect(rules.contains { $0.hasPrefix("iifname \"trunk\" udp dport 4789 @th,96,24 0x1388 ") && $0.contains("dir=in incident=") })
        #expect(rules.contains { $0.hasPrefix("oifname \"trunk\" udp dport 4789 @th,96,24 0x1388 ") && $0.contains("dir=out incident=") })
        #expect(try vniRules(5001).isEmpty)
        let cutLine = try #require(vniEvents("cutFinished", 5000).first?.detail)
        #expect(cutLine.hasPrefix("nftables: 2 rule(s) added on bridge port trunk in netns \(lab.names.switch1) in "), "\(cutLine)")
        #expect(vniEvents("stormDetected", 5001).isEmpty)
        #expect(try d.status().first { $0.vni == 5000 }?.state == "cut")
        #expect(try d.status().first { $0.vni == 5001 }?.state == "normal")

        try lab.run(["unloop", "--vni", "5000"])
        let restore = try Shell.run([loopsentryBinary, "restore", "--interface", "trunk0", "--vni", "5000", "--socket", d.socket, "--by", "bob"])
        #expect(restore.status == 0, "\(restore.stderr)")
        #expect(restore.stdout.hasPrefix("restore accepted for VNI 5000 on trunk0"), "\(restore.stdout)")
        try d.waitFor(timeout: 30, "VNI 5000 restored") { try d.status().first { $0.vni == 5000 }?.state == "normal" }
        #expect(try vniRules(5000).isEmpty)
        let restoreLine = try #require(vniEvents("cutFinished", 5000).last?.detail)
        #expect(restoreLine.hasPrefix("nftables: 2 rule(s) deleted on bridge port trunk"), "\(restoreLine)")
        #expect(d.stop() == 0)
    }

    /// `loopsentry monitor` on the sensor's trunk0 probing VNIs 5000 and 5001 to both VTEPs for
    /// `seconds`; its last report (throws when the monitor printed none or failed).
    func monitorProbes(seconds: Int) throws -> MonitorReport {
        let m = try BackgroundProcess([loopsentryBinary, "monitor", "--netns", lab.names.sensor, "--interface", "trunk0", "--json",
                                       "--interval", "100", "--vni", "5000", "5001", "--vtep", LabPlan.vtep1Address,
                                       "--vtep", LabPlan.vtep2Address, "--probe-interval", "200", "--duration", String(seconds)],
                                      name: "monitor")
        #expect(m.wait(timeout: Double(seconds) + 15) == 0, "monitor: \(m.stderrText)")
        return try lastMonitorReport(m)
    }

    @Test("without a loop no VNI probe comes back (split horizon) while probes went to both VTEPs; with a loop in VNI 5000 only its probes return")
    func vniProbesReturnOnlyThroughALoop() throws {
        let quiet = try monitorProbes(seconds: 3)
        let rows = Dictionary(uniqueKeysWithValues: quiet.vnis.map { ($0.vni ?? -1, $0) })
        print("no loop: VNI probe datagrams sent \(quiet.vniProbesSentTotal), returned 5000: \(rows[5000]?.probesReturned.map(String.init) ?? "-"), "
              + "5001: \(rows[5001]?.probesReturned.map(String.init) ?? "-")")
        #expect(quiet.vniProbesSentTotal >= 20, "3 s at 200 ms, 2 VNIs x 2 VTEPs: \(quiet.vniProbesSentTotal)")
        #expect(rows[5000]?.probesReturned == 0 && rows[5001]?.probesReturned == 0, "\(quiet.vnis)")

        try lab.run(["loop", "--vni", "5000"])
        defer { _ = try? lab.run(["unloop", "--vni", "5000"]) }
        let looped = try monitorProbes(seconds: 3)
        let loopRows = Dictionary(uniqueKeysWithValues: looped.vnis.map { ($0.vni ?? -1, $0) })
        print("loop in VNI 5000: VNI probe datagrams sent \(looped.vniProbesSentTotal), returned 5000: "
              + "\(loopRows[5000]?.probesReturned.map(String.init) ?? "-"), 5001: \(loopRows[5001]?.probesReturned.map(String.init) ?? "-")")
        #expect(looped.vniProbesSentTotal >= 20)
        #expect((loopRows[5000]?.probesReturned ?? 0) > 0, "\(looped.vnis)")
        #expect(loopRows[5000]?.probesLeaked == 0)
        #expect(loopRows[5001]?.probesReturned == 0, "\(looped.vnis)")
        #expect(looped.storms.contains { $0.vni == 5000 && $0.loopConfirmed }, "\(looped.storms)")
    }
}
