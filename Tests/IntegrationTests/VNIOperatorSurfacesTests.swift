import Foundation
import Testing

/// A VXLAN VNI's operator surfaces on a running daemon: SNMP SETs on its loopSentryVniTable row
/// (through a private snmpd as AgentX master) and `loopsentry thresholds --vni` reach the
/// daemon's main loop as the same request, change the thresholds the status, the table and the
/// event log show, and a SET the row's state does not allow changes nothing; a restore SET on a
/// VNI whose cut ended (a real VXLAN flood, policy auto) is the VNI's restore, journaled; the tenant portal
/// lists the tenant's VNIs and hands its actions to the coordinator, which answers in its own words.
@Suite(.serialized, .enabled(if: runningAsRoot && FileManager.default.isExecutableFile(atPath: "/usr/sbin/snmpd"),
                             "needs root and snmpd (scripts/setup.sh installs it)"))
final class VNIOperatorSurfacesTests {
    /// loopSentryVniEntry (loopSentryObjects.3.1), numeric so no MIB files are needed.
    static let vniEntry = "1.3.6.1.4.1.8072.9999.9999.1.1.3.1"
    let lab: VethLab
    let master: PrivateSNMPMaster

    init() throws {
        lab = try VethLab()
        master = try PrivateSNMPMaster(tag: "vni-surfaces")
    }

    deinit {
        master.kill()
        lab.destroy()
    }

    func column(_ n: Int, _ row: String) -> String { "\(Self.vniEntry).\(n).\(row)" }

    /// The daemon's status row of `vni`, from `loopsentry status --json`.
    func status(_ d: VethDaemon, vni: Int) throws -> [String: Any]? {
        let out = try Shell.must([loopsentryBinary, "status", "--json", "--socket", d.socket])
        let rows = (try JSONSerialization.jsonObject(with: Data(out.utf8))) as? [[String: Any]] ?? []
        return rows.first { $0["vni"] as? Int == vni }
    }

    /// snmpd, then the daemon (org-b owns VNIs 5000-5001 on the trunk, policy auto, nftables
    /// driver) with its subagent registered; returns it and the trunk's ifindex.
    func startWithSNMP() throws -> (VethDaemon, Int) {
        try master.start()
        let d = try VethDaemon(lab: lab, playbooks: [:], target: "driver: nftables, port: \(lab.trunk), netns: \(lab.nsB)",
                               snmp: "{ enabled: true, agentx_socket: \(master.agentXSocket), ping_interval_s: 1 }", vnis: "5000-5001")
        try d.start()
        try master.waitForSubagent(timeout: 15)
        let link = try Shell.must(["ip", "-n", lab.nsB, "-j", "link", "show", lab.trunk])
        let ifIndex = try #require(((try JSONSerialization.jsonObject(with: Data(link.utf8))) as? [[String: Any]])?.first?["ifindex"] as? Int)
        return (d, ifIndex)
    }

    @Test("SNMP SETs on a VNI row and `loopsentry thresholds --vni` change its thresholds in the daemon; refused SETs change nothing")
    func vniThresholdsBySNMPAndByTheCLI() throws {
        let (d, ifIndex) = try startWithSNMP()
        let row = "\(ifIndex).5000"
        try d.waitFor(timeout: 15, "the VNI rows in the table") {
            (try? self.master.tool("snmpget", [self.column(14, row)]))?.stdout.hasSuffix("INTEGER: 1\n") == true
        }

        // Thresholds by SNMP: accepted by the subagent, applied by the daemon, shown everywhere.
        let set = try master.tool("snmpset", [column(10, row), "u", "3000", column(11, row), "u", "100"], community: "private", timeout: "5")
        #expect(set.status == 0, "\(set.stderr)")
        try d.waitFor(timeout: 10, "the thresholds event") {
            d.outputLines.contains { $0.contains(#""event":"thresholds""#) && $0.contains(#""vni":5000"#) }
        }
        let event = try #require(d.outputLines.first { $0.contains(#""event":"thresholds""#) && $0.contains(#""vni":5000"#) })
        #expect(event.contains(#""detail":"rising 3000 falling 100""#) && event.contains(#""author":"snmp via snmp""#), "\(event)")
        #expect(try status(d, vni: 5000)?["risingThreshold"] as? Double == 3000)
        try d.waitFor(timeout: 10, "the new thresholds in the table") {
            (try? self.master.tool("snmpget", [self.column(10, row), self.column(11, row)]))?.stdout
                == ".\(self.column(10, row)) = Gauge32: 3000\n.\(self.column(11, row)) = Gauge32: 100\n"
        }

        // The same change by the control socket, on the other VNI.
        let cli = try Shell.run([loopsentryBinary, "thresholds", "--interface", lab.trunk, "--vni", "5001", "--rising", "4000",
                                 "--falling", "10", "--by", "carol", "--socket", d.socket])
        #expect(cli.status == 0 && cli.stdout == "thresholds of VNI 5001 on \(lab.trunk): rising 4000, falling 10\n", "\(cli.stderr)")
        #expect(try status(d, vni: 5001)?["risingThreshold"] as? Double == 4000)
        let vlan = try Shell.run([loopsentryBinary, "thresholds", "--interface", lab.trunk, "--vlan", "20", "--rising", "2500",
                                  "--falling", "100", "--socket", d.socket])
        #expect(vlan.status == 0 && vlan.stdout == "thresholds of VLAN 20 on \(lab.trunk): rising 2500, falling 100\n", "\(vlan.stderr)")
        let bad = try Shell.run([loopsentryBinary, "thresholds", "--interface", lab.trunk, "--vni", "5001", "--rising", "10",
                                 "--falling", "20", "--socket", d.socket])
        #expect(bad.status == 64 && bad.stderr.contains("--falling must be 0-10 (at most --rising), got 20"), "\(bad.stderr)")

        // Refused SETs: an action the normal row does not allow, falling above rising, a VNI the
        // daemon does not watch. Nothing changes.
        let restore = try master.tool("snmpset", [column(16, row), "i", "4"], community: "private", timeout: "5")
        #expect(restore.status != 0 && restore.stderr.contains("inconsistentValue"), "\(restore.stderr)")
        let falling = try master.tool("snmpset", [column(11, row), "u", "3001"], community: "private", timeout: "5")
        #expect(falling.status != 0 && falling.stderr.contains("inconsistentValue"), "\(falling.stderr)")
        let absent = try master.tool("snmpset", [column(16, "\(ifIndex).5002"), "i", "3"], community: "private", timeout: "5")
        #expect(absent.status != 0 && absent.stderr.contains("noCreation"), "\(absent.stderr)")
        let after = try #require(try status(d, vni: 5000))
        #expect(after["risingThreshold"] as? Double == 3000 && after["state"] as? String == "normal" && after["lastAction"] as? String == "")
        #expect(d.outputLines.filter { $0.contains(#""event":"operatorAction""#) }.isEmpty)
        #expect(d.stop() == 0)
    }

    /// curl: (status, body).
    func call(_ method: String, _ url: String, token: String?) throws -> (Int, String) { try curlCall(method, url, token: token) }

    @Test("the portal lists the tenant's VNIs from the daemon and its VNI action reaches the coordinator, journaled")
    func vniOnTheDaemonsPortal() throws {
        let b = try portalToken(["--tenant", "org-b"]), noc = try portalToken(["--noc"])
        let port = try closedLocalPort()
        let d = try VethDaemon(lab: lab, playbooks: [:], target: "driver: nftables, port: \(lab.trunk), netns: \(lab.nsB)",
                               vnis: "5000-5001", extra: """
                               portal:
                                 listen: "127.0.0.1:\(port)"
                                 tokens:
                                   \(b.line)
                                   \(noc.line)
                               """)
        try d.start()
        defer { _ = d.stop() }
        let base = "http://127.0.0.1:\(port)"
        #expect(eventually(timeout: 10) { ((try? self.call("GET", "\(base)/api/v1/vnis", token: b.token).1) ?? "").contains(#""vni":5001"#) })
        let (s1, list) = try call("GET", "\(base)/api/v1/vnis", token: b.token)
        let rows = ((try JSONSerialization.jsonObject(with: Data(list.utf8))) as? [String: Any])?["vnis"] as? [[String: Any]] ?? []
        #expect(s1 == 200 && rows.compactMap { $0["vni"] as? Int } == [5000, 5001], "\(list)")
        #expect(rows.allSatisfy { $0["tenant"] as? String == "org-b" && $0["state"] as? String == "normal" && $0["vlan"] == nil })
        let (s2, vlans) = try call("GET", "\(base)/api/v1/vlans", token: b.token)
        #expect(s2 == 200 && !vlans.contains("vni"), "\(vlans)")

        let (s3, refused) = try call("POST", "\(base)/api/v1/vnis/\(lab.trunk)/5000/ack", token: b.token)
        #expect(s3 == 409)
        #expect(refused == #"{"error":"VNI 5000 on \#(lab.trunk) is normal, not pendingAck: nothing to acknowledge"}"#)
        #expect(try call("POST", "\(base)/api/v1/vnis/\(lab.trunk)/5002/ack", token: b.token) == (404, #"{"error":"no VNI 5002 on \#(lab.trunk)"}"#))
        #expect(try call("POST", "\(base)/api/v1/vnis/\(lab.trunk)/5002/dismiss", token: noc.token).0 == 409)
        let actions = try Shell.must(["sqlite3", d.journal, "SELECT action, author, via, accepted FROM action ORDER BY id"])
        #expect(actions == "acknowledgeCut|org-b-portal|api 127.0.0.1|0\ndismiss|noc-portal|api 127.0.0.1|0\n", "\(actions)")
    }

    @Test("an SNMP SET of restore on a VNI whose cut ended reaches the coordinator as the VNI's restore, journaled with its author")
    func vniRestoreBySNMP() throws {
        let (d, ifIndex) = try startWithSNMP()
        let row = "\(ifIndex).5000"

        // A broadcast flood in VNI 5000 (3000/s, rising threshold 1000): org-b's policy auto cuts it.
        let flood = try BackgroundProcess([loopsentryBinary, "lab", "send", "--netns", lab.nsA, "--interface", lab.sender,
                                           "--vni", "5000", "--kind", "broadcast", "--count", "0", "--rate", "3000"], name: "vni-flood")
        try d.waitFor(timeout: 30, "VNI 5000 cut or cutFailed") {
            ["cut", "cutFailed"].contains((try? self.status(d, vni: 5000))?["state"] as? String ?? "")
        }
        flood.signal(SIGTERM)
        _ = flood.wait(timeout: 10)
        try d.waitFor(timeout: 10, "the row cut(5) or cutFailed(6) in the table") {
            let out = (try? self.master.tool("snmpget", [self.column(14, row)]))?.stdout ?? ""
            return out.hasSuffix("INTEGER: 5\n") || out.hasSuffix("INTEGER: 6\n")
        }
        #expect(try status(d, vni: 5001)?["state"] as? String == "normal")

        let restore = try master.tool("snmpset", [column(16, row), "i", "4", column(18, row), "s", "alice"], community: "private", timeout: "5")
        #expect(restore.status == 0, "\(restore.stderr)")
        try d.waitFor(timeout: 30, "VNI 5000 normal again") { (try? self.status(d, vni: 5000))?["state"] as? String == "normal" }
        let actions = try Shell.must(["sqlite3", d.journal, "SELECT action, author, via, accepted FROM action ORDER BY id"])
        #expect(actions == "restore|alice|snmp|1\n", "\(actions)")
        let event = try #require(d.outputLines.first { $0.contains(#""event":"operatorAction""#) })
        #expect(event.contains(#""vni":5000"#) && !event.contains(#""vlan":"#) && event.contains(#""author":"alice via snmp""#), "\(event)")
        let shown = try master.tool("snmpget", [column(16, row), column(18, row)])
        #expect(shown.stdout == ".\(column(16, row)) = INTEGER: 4\n.\(column(18, row)) = STRING: \"alice\"\n", "\(shown.stdout)")
        #expect(d.stop() == 0)
    }
}
