import Foundation
import LoopSentryCore
@testable import NOCBridge
import Testing

extension SNMPIntegrationTests {
/// `loopsentry snmp-vacm` output loaded into a real snmpd (no community at all) in front of the
/// shared subagent: each tenant's SNMPv3 user (authPriv, SHA, AES) reads and acts only on its own
/// rows; the NOC user reads and acts on all. Needs the debug build of `loopsentry`.
@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: VACMLab.binary), "needs .build/debug/loopsentry"))
struct TenantIsolationTests {
    static let config = """
        interfaces:
          - name: eth1
          - name: eth2
        tenants:
          - name: org-a
            policy: alarm
            vlans:
              - { interface: eth1, vlans: "10-11" }
          - name: org-b
            policy: alarm
            vlans:
              - { interface: eth1, vlans: "100" }
              - { interface: eth2, vlans: "5" }

        """
    /// org-a owns 3.10 (pendingAck) and 3.11 (normal); org-b owns 3.100 (pendingAck) and 7.5;
    /// 7.30 belongs to nobody. 3.10 and 3.100 share a prefix of digits, not of sub-identifiers.
    static let rows = [
        Fixtures.row(3, 10, state: .pendingAck, tenant: "org-a"), Fixtures.row(3, 11, tenant: "org-a"),
        Fixtures.row(3, 100, state: .pendingAck, tenant: "org-b"), Fixtures.row(7, 5, name: "trunk1", tenant: "org-b"),
        Fixtures.row(7, 30, name: "trunk1", tenant: ""),
    ]

    /// Runs the command (the NOC's passphrases from files, the tenants' generated) and starts
    /// snmpd with its output, with the rows published and the subagent answering.
    func startLab() throws -> VACMLab {
        let dir = SharedSubagent.instance.directory
        try "# NOC\nloopsentry-noc nocAuthPass1\n".write(to: dir.appendingPathComponent("auth.pass"), atomically: true, encoding: .utf8)
        try "loopsentry-noc nocPrivPass1\n".write(to: dir.appendingPathComponent("priv.pass"), atomically: true, encoding: .utf8)
        let path = { (name: String) in dir.appendingPathComponent(name).path }
        let (lab, _) = try VACMLab.start(config: Self.config, name: "vacm.yaml", arguments: [
            "--ifindex", "eth1=3", "--ifindex", "eth2=7", "--auth-pass-file", path("auth.pass"), "--priv-pass-file", path("priv.pass"),
        ], rows: Self.rows)
        #expect(lab.credentials["loopsentry-noc"]! == ("nocAuthPass1", "nocPrivPass1"))
        #expect(lab.credentials["org-a"]!.auth.count == 24 && lab.credentials["org-b"]!.priv.count == 24)
        return lab
    }

    func failure(_ r: CommandResult) -> String { VACMLab.failure(r) }

    @Test func eachTenantWalksExactlyItsOwnRowsAndThreeScalarsTheNOCWalksAll() throws {
        let lab = try startLab()
        defer { lab.stop() }
        let a = try lab.tool("snmpwalk", user: "org-a", ["LOOPSENTRY-MIB::loopSentryMIB"])
        #expect(a.status == 0, "\(a.stderr)\n\(lab.diagnostics)")
        #expect(VACMLab.rowSuffixes(a.stdout) == ["3.10", "3.11"])
        let lines = a.stdout.split(separator: "\n")
        // Nothing of the module lies beyond A's last cell in A's view: the walk ends in endOfMibView.
        #expect(lines.count == 3 + 17 * 2 + 1, "\(lines.suffix(3))")
        let end = "LOOPSENTRY-MIB::loopSentryVlanActionAuthor.3.11 = No more variables left in this MIB View "
        #expect(lines.last.map(String.init) == end + "(It is past the end of the MIB tree)")
        #expect(lines.prefix(3) == ["LOOPSENTRY-MIB::loopSentryVersion.0 = STRING: 0.1.0-test",
                                    "LOOPSENTRY-MIB::loopSentryStartTime.0 = STRING: 2026-11-18,11:6:40.0,+0:0",
                                    "LOOPSENTRY-MIB::loopSentrySensorName.0 = STRING: edge-7"])
        let b = try lab.tool("snmpbulkwalk", user: "org-b", ["LOOPSENTRY-MIB::loopSentryMIB"])
        #expect(VACMLab.rowSuffixes(b.stdout) == ["3.100", "7.5"])
        #expect(b.stdout.split(separator: "\n").count == 3 + 17 * 2 + 1)
        let noc = try lab.tool("snmpwalk", user: "loopsentry-noc", ["LOOPSENTRY-MIB::loopSentryMIB"])
        #expect(VACMLab.rowSuffixes(noc.stdout) == ["3.10", "3.11", "3.100", "7.5", "7.30"])
        #expect(noc.stdout.split(separator: "\n").count == 8 + 17 * 5)
    }

    @Test func aTenantsGetOfAnotherTenantsRowOrAnyOtherObjectIsNoSuchObject() throws {
        let lab = try startLab()
        defer { lab.stop() }
        let r = try lab.tool("snmpget", user: "org-a", [
            "LOOPSENTRY-MIB::loopSentryVlanState.3.10", "LOOPSENTRY-MIB::loopSentryVlanState.3.100",
            "LOOPSENTRY-MIB::loopSentryVlanTenant.7.5", "LOOPSENTRY-MIB::loopSentryNotifyDropped.0",
            "SNMPv2-MIB::sysDescr.0",
        ])
        #expect(r.stdout == """
            LOOPSENTRY-MIB::loopSentryVlanState.3.10 = INTEGER: pendingAck(3)
            LOOPSENTRY-MIB::loopSentryVlanState.3.100 = No Such Object available on this agent at this OID
            LOOPSENTRY-MIB::loopSentryVlanTenant.7.5 = No Such Object available on this agent at this OID
            LOOPSENTRY-MIB::loopSentryNotifyDropped.0 = No Such Object available on this agent at this OID
            SNMPv2-MIB::sysDescr.0 = No Such Object available on this agent at this OID

            """, "\(r.stderr)")
    }

    @Test func aTenantsSetOnAnotherTenantsRowIsNoAccessAndNeverReachesTheSensor() throws {
        let lab = try startLab()
        defer { lab.stop() }
        let r = try lab.tool("snmpset", user: "org-a", [
            "LOOPSENTRY-MIB::loopSentryVlanAction.3.100", "i", "acknowledgeCut",
            "LOOPSENTRY-MIB::loopSentryVlanActionAuthor.3.100", "s", "mallory"])
        #expect(r.status != 0)
        #expect(failure(r) == "Reason: noAccess\nFailed object: LOOPSENTRY-MIB::loopSentryVlanAction.3.100", "\(r.stderr)")
        let threshold = try lab.tool("snmpset", user: "org-a", ["LOOPSENTRY-MIB::loopSentryVlanRisingThreshold.3.10", "u", "1"])
        #expect(failure(threshold) == "Reason: noAccess\nFailed object: LOOPSENTRY-MIB::loopSentryVlanRisingThreshold.3.10")
        usleep(300_000)
        #expect(lab.shared.handler.received.isEmpty)
        let state = try lab.tool("snmpget", user: "org-b", ["-Oqv", "LOOPSENTRY-MIB::loopSentryVlanState.3.100"])
        #expect(state.stdout == "pendingAck\n")
    }

    @Test func aTenantsSetOnItsOwnRowReachesTheSensorWhichAcceptsOrRefusesByState() throws {
        let lab = try startLab()
        defer { lab.stop() }
        let ack = try lab.tool("snmpset", user: "org-a", [
            "LOOPSENTRY-MIB::loopSentryVlanAction.3.10", "i", "acknowledgeCut",
            "LOOPSENTRY-MIB::loopSentryVlanActionAuthor.3.10", "s", "org-a-alice"])
        #expect(ack.status == 0, "\(ack.stderr)")
        #expect(ack.stdout == """
            LOOPSENTRY-MIB::loopSentryVlanAction.3.10 = INTEGER: acknowledgeCut(2)
            LOOPSENTRY-MIB::loopSentryVlanActionAuthor.3.10 = STRING: org-a-alice

            """)
        let refused = try lab.tool("snmpset", user: "org-a", ["LOOPSENTRY-MIB::loopSentryVlanAction.3.11", "i", "restore"])
        #expect(failure(refused) == "Reason: inconsistentValue (The set value is illegal or unsupported in some way)\n"
                + "Failed object: LOOPSENTRY-MIB::loopSentryVlanAction.3.11", "\(refused.stderr)")
        let received = lab.shared.handler.received
        #expect(received.count == 1)
        #expect(received.first?.key == Fixtures.key(3, 10))
        #expect(received.first?.author == "org-a-alice")
    }

    @Test func theNOCActsOnAnyRowAndWeakerSecurityOrWrongKeysGetNothing() throws {
        let lab = try startLab()
        defer { lab.stop() }
        let noc = try lab.tool("snmpset", user: "loopsentry-noc", [
            "LOOPSENTRY-MIB::loopSentryVlanAction.3.100", "i", "dismiss",
            "LOOPSENTRY-MIB::loopSentryVlanRisingThreshold.7.30", "u", "2000"])
        #expect(noc.status == 0, "\(noc.stderr)")
        let keys = lab.shared.handler.received.map(\.key)
        #expect(keys.count == 2 && keys.contains(Fixtures.key(3, 100)) && keys.contains(Fixtures.key(7, 30)))
        let authNoPriv = try lab.tool("snmpget", user: "org-a", level: "authNoPriv", ["LOOPSENTRY-MIB::loopSentryVersion.0"])
        #expect(authNoPriv.stderr == "Error in packet\nReason: authorizationError (access denied to that object)\n",
                "\(authNoPriv.stdout)")
        let stranger = try lab.tool("snmpget", user: "org-c", ["LOOPSENTRY-MIB::loopSentryVersion.0"])
        #expect(stranger.stderr == "snmpget: Unknown user name\n")
    }

    @Test func snmpdLeavesNoPassphraseInItsPersistentFileAfterItStops() throws {
        let lab = try startLab()
        let credentials = lab.credentials
        lab.stop()
        let persisted = try String(contentsOf: lab.persistentDirectory.appendingPathComponent("snmpd.conf"), encoding: .utf8)
        #expect(!persisted.split(separator: "\n").contains { $0.hasPrefix("createUser") })
        #expect(persisted.split(separator: "\n").filter { $0.hasPrefix("usmUser ") }.count == 3)
        for (_, c) in credentials { #expect(!persisted.contains(c.auth) && !persisted.contains(c.priv)) }
    }
}
}
