import Foundation
import LoopSentryCore
@testable import NOCBridge
import Testing

extension SNMPIntegrationTests {
/// `loopsentry snmp-vacm` for tenants with VXLAN VNIs, loaded into a real snmpd in front of the
/// shared subagent: each tenant's SNMPv3 user sees exactly its own rows of loopSentryVniTable
/// (and of loopSentryVlanTable) and can act only on those. Needs the debug build of `loopsentry`.
@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: VACMLab.binary), "needs .build/debug/loopsentry"))
struct TenantVNIIsolationTests {
    static let config = """
        interfaces:
          - name: trunk0
          - name: underlay0
            vnis: "500-501,5000-5001"
          - name: underlay1
            vnis: "5000"
        tenants:
          - name: org-a
            policy: alarm
            vlans:
              - { interface: trunk0, vlans: "10" }
            vnis:
              - { interface: underlay0, vnis: "5000-5001" }
          - name: org-b
            policy: alarm
            vnis:
              - { interface: underlay0, vnis: "500" }
              - { interface: underlay1, vnis: "5000" }

        """
    /// trunk0 is ifIndex 3, underlay0 4, underlay1 9. org-a: VLAN 3.10, VNIs 4.5000 (pendingAck)
    /// and 4.5001; org-b: VNIs 4.500 (pendingAck) and 9.5000; 4.501 belongs to nobody. 4.500 and
    /// 4.5000 share a prefix of digits, not of sub-identifiers.
    static let rows = [
        Fixtures.row(3, 10, tenant: "org-a"),
        Fixtures.vniRow(4, 5000, state: .pendingAck, tenant: "org-a"), Fixtures.vniRow(4, 5001, tenant: "org-a"),
        Fixtures.vniRow(4, 500, state: .pendingAck, tenant: "org-b"), Fixtures.vniRow(9, 5000, name: "underlay1", tenant: "org-b"),
        Fixtures.vniRow(4, 501, tenant: ""),
    ]

    func startLab() throws -> VACMLab {
        let (lab, out) = try VACMLab.start(config: Self.config, name: "vacm-vni.yaml", arguments: [
            "--ifindex", "trunk0=3", "--ifindex", "underlay0=4", "--ifindex", "underlay1=9",
        ], rows: Self.rows)
        #expect(out.contains("# tenant 'org-a': 3 row(s) on trunk0 (ifIndex 3): VLANs 10; underlay0 (ifIndex 4): VNIs 5000-5001\n"))
        #expect(out.contains("# tenant 'org-b': 2 row(s) on underlay0 (ifIndex 4): VNIs 500; underlay1 (ifIndex 9): VNIs 5000\n"))
        return lab
    }

    func failure(_ r: CommandResult) -> String { VACMLab.failure(r) }

    @Test func eachTenantWalksExactlyItsOwnVNIRowsTheNOCWalksAll() throws {
        let lab = try startLab()
        defer { lab.stop() }
        let a = try lab.tool("snmpwalk", user: "org-a", ["LOOPSENTRY-MIB::loopSentryMIB"])
        #expect(a.status == 0, "\(a.stderr)\n\(lab.diagnostics)")
        #expect(VACMLab.rowSuffixes(a.stdout) == ["3.10"])
        #expect(VACMLab.rowSuffixes(a.stdout, table: "loopSentryVni") == ["4.5000", "4.5001"])
        let lines = a.stdout.split(separator: "\n")
        // 3 scalars, one VLAN row, two VNI rows of 17 columns, then endOfMibView.
        #expect(lines.count == 3 + 17 + 17 * 2 + 1, "\(lines.suffix(3))")
        #expect(lines.last.map(String.init) == "LOOPSENTRY-MIB::loopSentryVniReturnedProbes.4.5001 = No more variables left in this MIB View "
                + "(It is past the end of the MIB tree)")
        let b = try lab.tool("snmpbulkwalk", user: "org-b", ["LOOPSENTRY-MIB::loopSentryVniTable"])
        #expect(b.status == 0, "\(b.stderr)")
        #expect(VACMLab.rowSuffixes(b.stdout, table: "loopSentryVni") == ["4.500", "9.5000"])
        // org-b's last VNI row is the last object of its view: the walk ends in endOfMibView.
        let bLines = b.stdout.split(separator: "\n")
        #expect(bLines.count == 17 * 2 + 1)
        #expect(bLines.last.map(String.init) == "LOOPSENTRY-MIB::loopSentryVniReturnedProbes.9.5000 = No more variables left in this MIB View "
                + "(It is past the end of the MIB tree)")
        let noc = try lab.tool("snmpwalk", user: "loopsentry-noc", ["LOOPSENTRY-MIB::loopSentryVniState"])
        #expect(VACMLab.rowSuffixes(noc.stdout, table: "loopSentryVni") == ["4.500", "4.501", "4.5000", "4.5001", "9.5000"])
    }

    @Test func aTenantsGetOfAnotherTenantsVNIIsNoSuchObject() throws {
        let lab = try startLab()
        defer { lab.stop() }
        let r = try lab.tool("snmpget", user: "org-a", [
            "LOOPSENTRY-MIB::loopSentryVniState.4.5000", "LOOPSENTRY-MIB::loopSentryVniState.4.500",
            "LOOPSENTRY-MIB::loopSentryVniTenant.9.5000", "LOOPSENTRY-MIB::loopSentryVniState.4.501",
        ])
        #expect(r.stdout == """
            LOOPSENTRY-MIB::loopSentryVniState.4.5000 = INTEGER: pendingAck(3)
            LOOPSENTRY-MIB::loopSentryVniState.4.500 = No Such Object available on this agent at this OID
            LOOPSENTRY-MIB::loopSentryVniTenant.9.5000 = No Such Object available on this agent at this OID
            LOOPSENTRY-MIB::loopSentryVniState.4.501 = No Such Object available on this agent at this OID

            """, "\(r.stderr)")
    }

    @Test func aTenantCannotSetAnotherTenantsVNIOrAnyThresholdButActsOnItsOwn() throws {
        let lab = try startLab()
        defer { lab.stop() }
        let other = try lab.tool("snmpset", user: "org-a", [
            "LOOPSENTRY-MIB::loopSentryVniAction.4.500", "i", "acknowledgeCut",
            "LOOPSENTRY-MIB::loopSentryVniActionAuthor.4.500", "s", "mallory"])
        #expect(other.status != 0)
        #expect(failure(other) == "Reason: noAccess\nFailed object: LOOPSENTRY-MIB::loopSentryVniAction.4.500", "\(other.stderr)")
        let threshold = try lab.tool("snmpset", user: "org-a", ["LOOPSENTRY-MIB::loopSentryVniRisingThreshold.4.5000", "u", "1"])
        #expect(failure(threshold) == "Reason: noAccess\nFailed object: LOOPSENTRY-MIB::loopSentryVniRisingThreshold.4.5000")
        usleep(300_000)
        #expect(lab.shared.handler.received.isEmpty)
        let state = try lab.tool("snmpget", user: "org-b", ["-Oqv", "LOOPSENTRY-MIB::loopSentryVniState.4.500"])
        #expect(state.stdout == "pendingAck\n")

        let own = try lab.tool("snmpset", user: "org-a", [
            "LOOPSENTRY-MIB::loopSentryVniAction.4.5000", "i", "acknowledgeCut",
            "LOOPSENTRY-MIB::loopSentryVniActionAuthor.4.5000", "s", "org-a-alice"])
        #expect(own.status == 0, "\(own.stderr)")
        _ = Command.waitUntil(seconds: 2) { !lab.shared.handler.received.isEmpty }
        #expect(lab.shared.handler.received == [
            OperatorRequest(ifIndex: 4, vni: VNI(5000)!, change: .action(.acknowledgeCut), author: "org-a-alice"),
        ])
    }
}
}
