import Foundation
import LabTestSupport
import Remediate
import Testing

/// snmpd (the AgentX master) killed with SIGKILL while the daemon's subagent answers an
/// acknowledgeCut SET on the lab: the daemon lives on, the action counts once, the subagent
/// reconnects to the restarted master and SETs work again.
@Suite(.serialized, .enabled(if: runningAsRoot && FileManager.default.isExecutableFile(atPath: "/usr/sbin/snmpd"),
                             "needs root and snmpd (scripts/setup.sh installs it)"))
final class SNMPMasterKillDuringSetTests {
    /// LOOPSENTRY-MIB (loopSentryMIB = 1.3.6.1.4.1.8072.9999.9999.1), numeric so no MIB files are needed.
    static let actionColumn = "1.3.6.1.4.1.8072.9999.9999.1.1.2.1.17"
    static let stateColumn = "1.3.6.1.4.1.8072.9999.9999.1.1.2.1.15"
    static let authorColumn = "1.3.6.1.4.1.8072.9999.9999.1.1.2.1.19"

    let lab = SuiteLab(tag: "sk", binary: loopsentryBinary)
    let master: PrivateSNMPMaster
    var agentXSocket: String { master.agentXSocket }
    var port: Int { master.port }

    init() throws {
        try lab.up()
        master = try PrivateSNMPMaster(tag: "snmpkill")
    }

    deinit {
        master.kill()
        lab.down()
    }

    func startMaster() throws { try master.start() }
    func killMaster() { master.kill() }

    func snmp(_ tool: String, _ args: [String], community: String = "public", timeout: String = "2") throws -> CommandResult {
        try master.tool(tool, args, community: community, timeout: timeout)
    }

    func waitForSubagent(timeout: Double) throws { try master.waitForSubagent(timeout: timeout) }

    @Test("snmpd killed while the subagent answers an acknowledgeCut SET: daemon lives, the ack counts once, reconnect, SETs work again")
    func masterKilledDuringAcknowledgeSet() throws {
        try startMaster()
        let d = try DaemonHarness(lab: lab, tenants: lab.tenant20("ack"),
                                  extra: "snmp: { enabled: true, agentx_socket: \(agentXSocket), ping_interval_s: 1 }")
        try d.start()
        try waitForSubagent(timeout: 15)
        let link = try Shell.must(["ip", "-n", lab.names.sensor, "-j", "link", "show", "trunk0"])
        let ifIndex = try #require(((try JSONSerialization.jsonObject(with: Data(link.utf8))) as? [[String: Any]])?.first?["ifindex"] as? Int)
        let row = "\(ifIndex).20"

        try lab.run(["loop", "20"])
        try d.waitFor(timeout: 20, "cutPending") { !d.notifications("cutPending", vlan: 20).isEmpty }
        // The NOC sees the row pendingAck(3) first (the table is published every 500 ms).
        try d.waitFor(timeout: 10, "the row pendingAck in the table") {
            (try? self.snmp("snmpget", ["\(Self.stateColumn).\(row)"]))?.stdout.hasSuffix("INTEGER: 3\n") == true
        }

        // The SET, and snmpd killed the moment the daemon has the request (the subagent is answering).
        let set = try BackgroundProcess(["/usr/bin/snmpset", "-v2c", "-c", "private", "-On", "-t", "3", "-r", "0", "127.0.0.1:\(port)",
                                         "\(Self.actionColumn).\(row)", "i", "2", "\(Self.authorColumn).\(row)", "s", "grace"], name: "snmpset")
        guard eventually(timeout: 10, { !d.events("operatorAction", vlan: 20).isEmpty }) else {
            _ = set.wait(timeout: 5)
            let walk = try snmp("snmpwalk", [Self.actionColumn])
            throw ShellError("the SET did not reach the daemon: snmpset \(set.stderrText); column: \(walk.stdout)")
        }
        killMaster()
        let setStatus = set.wait(timeout: 10)
        print("snmpset during the kill: exit \(setStatus.map(String.init) ?? "-"): \(set.stderrText)")

        // The daemon lives, and the action took effect exactly once (journal and state agree).
        usleep(200_000)
        #expect(d.daemon?.process.isRunning == true, "the daemon died with snmpd: \(d.daemon?.stderrText ?? "")")
        let journal = try Journal(path: d.journal)
        let acks = try journal.actions().filter { $0.action == "acknowledgeCut" }
        #expect(acks.map { "\($0.accepted) \($0.author) \($0.via)" } == ["true grace snmp"])
        try d.waitFor(timeout: 60, "cutApplied") { !d.notifications("cutApplied", vlan: 20).isEmpty }
        #expect(try d.state(vlan: 20) == "cut")
        let incident = try #require(try journal.openIncidents().first)
        #expect(try journal.playbookRuns(incident: incident.id, action: "cut") == (1, 0))

        // snmpd back: the subagent reconnects on its own.
        let restarted = Date()
        try startMaster()
        try waitForSubagent(timeout: 30)
        print("subagent answering \(String(format: "%.2f", Date().timeIntervalSince(restarted))) s after snmpd restarted")
        #expect(d.daemon?.process.isRunning == true)

        // The same SET again (a NOC retrying): the subagent refuses it by the row's state
        // (inconsistentValue) before it reaches the daemon; nothing is cut twice.
        let again = try snmp("snmpset", ["\(Self.actionColumn).\(row)", "i", "2", "\(Self.authorColumn).\(row)", "s", "grace"],
                             community: "private", timeout: "3")
        #expect(again.status != 0 && again.stderr.contains("inconsistentValue"), "\(again.stdout)\(again.stderr)")
        #expect(try journal.playbookRuns(incident: incident.id, action: "cut") == (1, 0))

        // A SET that fits the state works: restore.
        try lab.run(["unloop", "20"])
        let restore = try snmp("snmpset", ["\(Self.actionColumn).\(row)", "i", "4", "\(Self.authorColumn).\(row)", "s", "heidi"],
                               community: "private", timeout: "3")
        #expect(restore.status == 0, "\(restore.stderr)")
        try d.waitFor(timeout: 60, "vlanRestored") { !d.notifications("vlanRestored", vlan: 20).isEmpty }
        #expect(try d.state(vlan: 20) == "normal")
        #expect(try !lab.cutRules().contains("vlan id 20"))
        let actions = try journal.actions().map { "\($0.action) \($0.accepted) \($0.author) \($0.via)" }
        #expect(actions == ["acknowledgeCut true grace snmp", "restore true heidi snmp"],
                "\(actions)")
        #expect(d.stop() == 0)
    }
}
