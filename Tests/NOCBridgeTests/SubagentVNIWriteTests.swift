import Foundation
import LoopSentryCore
@testable import NOCBridge
import Testing

extension SNMPIntegrationTests {
/// snmpset on loopSentryVniTable through a private snmpd: each kind of bad SET gets the error
/// the VLAN table gives and changes nothing; a valid one reaches the handler exactly once, as a
/// request about that VNI, and shows in the row.
@Suite struct SubagentVNIWriteTests {
    /// Fixtures.vniRows plus a VNI waiting for an acknowledgement and a cut one.
    static let rows = Fixtures.rows + Fixtures.vniRows
        + [Fixtures.vniRow(3, 7000, state: .pendingAck), Fixtures.vniRow(3, 7001, state: .cut)]

    /// Runs snmpset with the MIB's type/range checks off (-Ir) so the agent has to answer.
    func set(_ lab: SNMPLab, _ object: String, _ type: String, _ value: String) throws -> CommandResult {
        try lab.tool("snmpset", ["LOOPSENTRY-MIB::\(object)", type, value], community: "private", options: ["-Ir"])
    }

    /// The "Reason:" and "Failed object:" lines snmpset prints for an error.
    func failure(_ r: CommandResult) -> String {
        r.stderr.split(separator: "\n").filter { $0.hasPrefix("Reason:") || $0.hasPrefix("Failed object:") }
            .map { String($0.split(separator: " (")[0]) }.joined(separator: "\n")
    }

    func start() throws -> SNMPLab {
        let lab = try SNMPLab()
        lab.shared.subagent.publish(Self.rows)
        lab.shared.handler.reset()
        do {
            try #require(try lab.waitForSubagent(), "subagent never answered\n\(lab.diagnostics)")
        } catch {
            lab.stop()
            throw error
        }
        return lab
    }

    @Test func badVNISetsGetTheVLANTablesErrorsAndChangeNothing() throws {
        let lab = try start()
        defer { lab.stop() }
        let columns = ["State", "RisingThreshold", "FallingThreshold", "Action", "ActionResult", "ActionAuthor"]
        let before = try lab.tool("snmpget", columns.map { "LOOPSENTRY-MIB::loopSentryVni\($0).3.5001" }, options: ["-Oqs"])
        let cases: [(String, String, String, String)] = [
            ("loopSentryVniAction.3.7000", "s", "acknowledgeCut", "wrongType"),
            ("loopSentryVniAction.3.7000", "i", "1", "wrongValue"),        // none
            ("loopSentryVniAction.3.7000", "i", "9", "wrongValue"),
            ("loopSentryVniRisingThreshold.3.5001", "u", "0", "wrongValue"),
            ("loopSentryVniRisingThreshold.3.5001", "i", "5", "wrongType"),
            ("loopSentryVniActionAuthor.3.5001", "s", String(repeating: "x", count: 65), "wrongLength"),
            ("loopSentryVniAction.3.5002", "i", "3", "noCreation"),
            ("loopSentryVniAction.3.20", "i", "2", "noCreation"),          // VLAN 20's row is not VNI 20's
            ("loopSentryVniState.3.5001", "i", "1", "notWritable"),
            ("loopSentryVniActionResult.3.5001", "s", "x", "notWritable"),
            ("loopSentryVniAction.3.5001", "i", "2", "inconsistentValue"),  // ack while detected
            ("loopSentryVniAction.3.200", "i", "4", "inconsistentValue"),   // restore while normal
            ("loopSentryVniFallingThreshold.3.5001", "u", "1001", "inconsistentValue"),  // above rising 1000
            ("loopSentryVniActionAuthor.3.5001", "s", "alice", "inconsistentValue"),     // a name for no action
        ]
        for (object, type, value, reason) in cases {
            let r = try set(lab, object, type, value)
            #expect(r.status != 0)
            #expect(failure(r) == "Reason: \(reason)\nFailed object: LOOPSENTRY-MIB::\(object)", "\(object) \(type) \(value): \(r.stderr)")
        }
        usleep(300_000)
        #expect(lab.shared.handler.received.isEmpty)
        let after = try lab.tool("snmpget", columns.map { "LOOPSENTRY-MIB::loopSentryVni\($0).3.5001" }, options: ["-Oqs"])
        #expect(before.status == 0 && after.stdout == before.stdout)
        #expect(after.stdout == """
            loopSentryVniState.3.5001 detected
            loopSentryVniRisingThreshold.3.5001 1000 frames per second
            loopSentryVniFallingThreshold.3.5001 500 frames per second
            loopSentryVniAction.3.5001 none
            loopSentryVniActionResult.3.5001 
            loopSentryVniActionAuthor.3.5001 

            """)
    }

    @Test func validVNISetsReachTheHandlerExactlyOnceAsVNIRequestsAndShowInTheRow() throws {
        let lab = try start()
        defer { lab.stop() }
        let r = try lab.tool("snmpset", [
            "LOOPSENTRY-MIB::loopSentryVniAction.3.7000", "i", "2",
            "LOOPSENTRY-MIB::loopSentryVniActionAuthor.3.7000", "s", "alice",
            "LOOPSENTRY-MIB::loopSentryVniRisingThreshold.9.5001", "u", "2000",
            "LOOPSENTRY-MIB::loopSentryVniFallingThreshold.9.5001", "u", "150",
            "LOOPSENTRY-MIB::loopSentryVlanAction.3.20", "i", "3",
        ], community: "private")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == """
        LOOPSENTRY-MIB::loopSentryVniAction.3.7000 = INTEGER: acknowledgeCut(2)
        LOOPSENTRY-MIB::loopSentryVniActionAuthor.3.7000 = STRING: alice
        LOOPSENTRY-MIB::loopSentryVniRisingThreshold.9.5001 = Gauge32: 2000 frames per second
        LOOPSENTRY-MIB::loopSentryVniFallingThreshold.9.5001 = Gauge32: 150 frames per second
        LOOPSENTRY-MIB::loopSentryVlanAction.3.20 = INTEGER: dismiss(3)

        """)
        // COMMIT reaches the subagent with AgentX CleanupSet, which the master does not wait for.
        _ = Command.waitUntil(seconds: 2) { lab.shared.handler.received.count >= 3 }
        usleep(300_000)
        #expect(lab.shared.handler.received == [
            OperatorRequest(key: Fixtures.key(3, 20), change: .action(.dismiss), author: "snmp"),
            OperatorRequest(ifIndex: 3, vni: VNI(7000)!, change: .action(.acknowledgeCut), author: "alice"),
            OperatorRequest(ifIndex: 9, vni: VNI(5001)!, change: .thresholds(rising: 2000, falling: 150), author: "snmp"),
        ])
        let row = try lab.tool("snmpget", [
            "LOOPSENTRY-MIB::loopSentryVniAction.3.7000", "LOOPSENTRY-MIB::loopSentryVniActionResult.3.7000",
            "LOOPSENTRY-MIB::loopSentryVniActionAuthor.3.7000", "LOOPSENTRY-MIB::loopSentryVniRisingThreshold.9.5001",
            "LOOPSENTRY-MIB::loopSentryVniFallingThreshold.9.5001", "LOOPSENTRY-MIB::loopSentryVniAction.3.5001",
        ], options: ["-Oqs"])
        #expect(row.stdout == """
        loopSentryVniAction.3.7000 acknowledgeCut
        loopSentryVniActionResult.3.7000 cut scheduled
        loopSentryVniActionAuthor.3.7000 alice
        loopSentryVniRisingThreshold.9.5001 2000 frames per second
        loopSentryVniFallingThreshold.9.5001 150 frames per second
        loopSentryVniAction.3.5001 none

        """)
    }
}
}
