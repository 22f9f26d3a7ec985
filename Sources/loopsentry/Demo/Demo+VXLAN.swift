import Foundation
import Lab
import LoopSentryCore
import LoopSentrySystem

/// `loopsentry lab demo --vxlan`: the VXLAN lab (two VTEPs over an IPv4 underlay, VNIs 5000 and
/// 5001), a loop in org-v's VNI 5000 detected on the underlay, cut there by nftables, while org-n's
/// VNI 5001 keeps delivering; then the loop is fixed and the NOC restores the VNI.
extension Demo {
    static let loopVNI = 5000
    static let neighbourVNI = 5001
    /// Frames the neighbour VNI's host sends across the storm and the cut.
    static let neighbourFrames = 1000

    func playVXLAN() throws {
        say("LoopSentry lab demo — per-VNI loop detection and cut on a VXLAN underlay")
        section("1. The VXLAN lab")
        try lab(["up", "--vxlan", "--vnis", "\(Self.loopVNI),\(Self.neighbourVNI)", "--traffic-rate", "0"])
        say("Two VTEPs: \(names.switch1) (\(LabPlan.vtep1Address)) and \(names.switch2) (\(LabPlan.vtep2Address)), joined by an IPv4 underlay")
        say("through \(names.switch1)'s bridge; VNI \(Self.loopVNI) (org-v) and VNI \(Self.neighbourVNI) (org-n) each a tenant bridge on both sides.")
        say("The sensor (\(names.sensor)/\(LabPlan.sensorInterface)) sees every underlay packet and counts the inner frames per VNI;")
        say("it probes each VNI: an ARP probe inside VXLAN, by UDP to both VTEPs. Without a loop no probe comes back.")
        ifIndex = try sensorIfIndex()
        mark("lab up")

        let s = try startNOC()

        section("3. The daemon")
        let config = try writeVXLANConfig(s)
        say("Tenants: org-v VNI \(Self.loopVNI) policy auto, cut by nftables on \(names.switch1)'s underlay port `\(LabPlan.underlayPort)` ·")
        say("org-n VNI \(Self.neighbourVNI) policy alarm. Both VNIs probed every second (vxlan_flood: \(LabPlan.vtep1Address), \(LabPlan.vtep2Address)).")
        try startDaemon(config: config)
        try waitFor("the subagent registered with snmpd and its VNI table published", seconds: 15) {
            (try? s.snmp("snmpget", ["-Oqv", "LOOPSENTRY-MIB::loopSentryVniTenant.\(self.ifIndex).\(Self.loopVNI)"]))?.output.contains("org-v") == true
        }
        mark("daemon running, subagent registered")
        say("loopsentry run: sensor attached, AgentX subagent registered. The VNI table, as an NMS polls it:")
        try showTable(s, columns: ["loopSentryVniIfName", "loopSentryVniTenant", "loopSentryVniPolicy", "loopSentryVniState",
                                   "loopSentryVniBroadcastRate"], segments: [Self.loopVNI, Self.neighbourVNI])

        try startNeighbourMeasurement()

        section("4. A loop in VNI \(Self.loopVNI) (org-v, policy auto): cut on the underlay at once")
        let opened = try openVNILoop(Self.loopVNI)
        try watch(until: "cutApplied in VNI \(Self.loopVNI)", seconds: 60, since: opened) {
            !self.events.notifications("cutApplied", vni: Self.loopVNI).isEmpty
        }
        say("The cut, as nftables shows it on \(names.switch1) (only VNI \(Self.loopVNI)'s packets, both directions of port `\(LabPlan.underlayPort)`):")
        for rule in try cutRules() { say("  " + rule) }
        showRates("After the cut")
        let delivered = try finishNeighbourMeasurement()
        timeline.append((stamp(), "VNI \(Self.neighbourVNI) delivery during the VNI \(Self.loopVNI) storm and cut: \(delivered)"))
        drain(since: opened)
        try check(events.notifications("stormDetected", vni: Self.neighbourVNI).isEmpty, "the neighbour VNI must see no storm")

        section("5. The loop in VNI \(Self.loopVNI) is fixed; the NOC restores it")
        _ = try lab(["unloop", "--vni", String(Self.loopVNI)])
        let restore = ["restore", "--interface", LabPlan.sensorInterface, "--vni", String(Self.loopVNI),
                       "--by", "noc-operator", "--socket", controlSocket]
        say("$ loopsentry " + restore.joined(separator: " "))
        let restoreAt = MonotonicClock.nanos()
        say("  " + (try Self.loopsentry(restore)).trimmingCharacters(in: .whitespacesAndNewlines))
        try watch(until: "VNI \(Self.loopVNI) restored", seconds: 30, since: restoreAt) {
            !self.events.notifications("vlanRestored", vni: Self.loopVNI).isEmpty
        }
        try check(try cutRules().isEmpty, "the restore must remove the cut rules")
        say("The cut rules are gone; VNI \(Self.loopVNI) is \(vniState(Self.loopVNI) ?? "?") again.")

        section("6. Timeline (measured)")
        for (when, what) in timeline { say("  \(when)  \(what)") }
        section("7. Final state (loopsentry status)")
        say(try Self.loopsentry(["status", "--socket", controlSocket]))
    }

    var controlSocket: String { dir.appendingPathComponent("control.sock").path }

    func writeVXLANConfig(_ s: LabServices) throws -> String {
        let yaml = """
        interfaces:
          - name: \(LabPlan.sensorInterface)
            netns: \(names.sensor)
            vnis: "\(Self.loopVNI)-\(Self.neighbourVNI)"
            vxlan_flood:
              - { vnis: "\(Self.loopVNI)-\(Self.neighbourVNI)", vteps: [\(LabPlan.vtep1Address), \(LabPlan.vtep2Address)] }
        tenants:
          - { name: org-v, policy: auto, vnis: [{ interface: \(LabPlan.sensorInterface), vnis: "\(Self.loopVNI)" }],
              remediation: { driver: nftables, host: \(names.switch1), port: \(LabPlan.underlayPort), netns: \(names.switch1) } }
          - { name: org-n, policy: alarm, vnis: [{ interface: \(LabPlan.sensorInterface), vnis: "\(Self.neighbourVNI)" }] }
        remediation: { verify_window_ms: 3000 }
        snmp: { enabled: true, agentx_socket: \(s.agentxSocket), ping_interval_s: 1 }
        syslog:
          - { transport: tcp, address: "127.0.0.1:\(s.syslogPort)" }
        journal: { path: \(dir.appendingPathComponent("journal.sqlite").path) }
        control: { socket: \(controlSocket) }
        """
        let path = dir.appendingPathComponent("loopsentry.yaml").path
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// VNI 5001's frames from host A (on switch 2) are counted by a named nftables counter on host
    /// B's port (switch 1's side), across the storm in VNI 5000 and its cut.
    func startNeighbourMeasurement() throws {
        let host = LabPlan.vniHostInterface(1)
        try LabRunner().run([
            ["ip", "netns", "exec", names.hostB, "nft", "add", "table", "netdev", "demo_rx"],
            ["ip", "netns", "exec", names.hostB, "nft", "add", "counter", "netdev", "demo_rx", "sender"],
            ["ip", "netns", "exec", names.hostB, "nft", "add", "chain", "netdev", "demo_rx", "in",
             "{ type filter hook ingress device \"\(host)\" priority 0; }"],
            ["ip", "netns", "exec", names.hostB, "nft", "add", "rule", "netdev", "demo_rx", "in",
             "ether", "saddr", LabPlan.senderSource.description, "counter", "name", "sender"],
        ])
        measuredSender = try ChildProcess.spawn(.init([me, "lab", "send", "--netns", names.hostA, "--interface", host, "--vlan", "0",
                                                       "--count", String(Self.neighbourFrames), "--rate", "100"], stdin: .inherit))
        say("\nMeasuring VNI \(Self.neighbourVNI): \(Self.neighbourFrames) frames from \(names.hostA) at 100/s, counted at \(names.hostB), across what follows.")
    }

    /// Waits for the neighbour's sender to finish, then reads the counter (a failed read throws).
    func finishNeighbourMeasurement() throws -> String {
        while measuredSender?.isRunning == true && !SignalFlag.stopRequested { usleep(50_000) }
        SignalFlag.sleep(nanos: 500_000_000)
        let out = try LabRunner.execute(LabStep(["ip", "netns", "exec", names.hostB, "nft", "list", "counter", "netdev", "demo_rx", "sender"]))
        guard out.status == 0, let r = out.output.range(of: #"packets (\d+)"#, options: .regularExpression),
              let got = Int(out.output[r].dropFirst("packets ".count)) else {
            throw RuntimeFailure("demo: cannot read host B's frame counter: \(out.output.prefix(200))")
        }
        let line = "\(got) of \(Self.neighbourFrames) frames (\(String(format: "%.1f", Double(got) * 100 / Double(Self.neighbourFrames)))%)"
        say("VNI \(Self.neighbourVNI) delivered during the VNI \(Self.loopVNI) storm and cut: \(line)")
        return line
    }

    /// Opens the loop in `vni` and seeds it with five broadcasts from host A's port in that VNI.
    func openVNILoop(_ vni: Int) throws -> UInt64 {
        let out = try lab(["loop", "--vni", String(vni)])
        let at = UInt64(out.split(separator: " ").last?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "") ?? MonotonicClock.nanos()
        mark("loop opened in VNI \(vni)")
        say("$ loopsentry lab loop --vni \(vni)   (a second link between the two sites' VNI \(vni) bridges)")
        try Self.loopsentry(["lab", "send", "--netns", names.hostA, "--interface", LabPlan.vniHostInterface(0), "--vlan", "0",
                             "--count", "5", "--rate", "50"])
        say("$ loopsentry lab send … --count 5   (five broadcasts into VNI \(vni): they circulate until cut)")
        return at
    }

    /// LoopSentry's VNI rules on switch 1 (throws when nft cannot list the ruleset).
    func cutRules() throws -> [String] {
        let r = try LabRunner.execute(LabStep(["ip", "netns", "exec", names.switch1, "nft", "list", "ruleset"]))
        guard r.status == 0 else { throw RuntimeFailure("demo: nft list ruleset failed: \(r.output.prefix(200))") }
        return r.output.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { $0.contains("comment \"loopsentry ") && $0.contains(" vni=") }
    }

    func vniState(_ vni: Int) -> String? {
        let r = try? Self.loopsentry(["status", "--json", "--socket", controlSocket])
        let rows = r.flatMap { try? JSONDecoder().decode([ControlStatusRow].self, from: Data($0.utf8)) } ?? []
        return rows.first { $0.vni == vni }?.state
    }
}
