import Foundation
import LoopSentryCore
@testable import NOCBridge
import Testing

extension SNMPIntegrationTests {
/// snmpset through the master: each kind of bad SET gets its error; a valid one reaches the
/// handler exactly once and shows in the row.
@Suite struct SubagentWriteTests {
    /// Runs snmpset with the MIB's type/range checks off (-Ir) so the agent has to answer.
    func set(_ lab: SNMPLab, _ object: String, _ type: String, _ value: String) throws -> CommandResult {
        try lab.tool("snmpset", ["LOOPSENTRY-MIB::\(object)", type, value], community: "private", options: ["-Ir"])
    }

    /// The "Reason:" and "Failed object:" lines snmpset prints for an error.
    func failure(_ r: CommandResult) -> String {
        r.stderr.split(separator: "\n").filter { $0.hasPrefix("Reason:") || $0.hasPrefix("Failed object:") }
            .map { String($0.split(separator: " (")[0]) }.joined(separator: "\n")
    }

    @Test func badSetsGetWrongTypeWrongValueNoCreationNotWritableInconsistentValue() throws {
        let lab = try SNMPLab()
        defer { lab.stop() }
        lab.shared.subagent.publish(Fixtures.rows)
        lab.shared.handler.reset()
        try #require(try lab.waitForSubagent(), "subagent never answered\n\(lab.diagnostics)")

        let wrongType = try set(lab, "loopSentryVlanAction.3.20", "s", "acknowledgeCut")
        #expect(failure(wrongType) == "Reason: wrongType\nFailed object: LOOPSENTRY-MIB::loopSentryVlanAction.3.20")
        let outOfRange = try set(lab, "loopSentryVlanAction.3.20", "i", "9")
        #expect(failure(outOfRange) == "Reason: wrongValue\nFailed object: LOOPSENTRY-MIB::loopSentryVlanAction.3.20")
        let zeroThreshold = try set(lab, "loopSentryVlanRisingThreshold.3.20", "u", "0")
        #expect(failure(zeroThreshold) == "Reason: wrongValue\nFailed object: LOOPSENTRY-MIB::loopSentryVlanRisingThreshold.3.20")
        let unknownRow = try set(lab, "loopSentryVlanAction.3.21", "i", "2")
        #expect(failure(unknownRow) == "Reason: noCreation\nFailed object: LOOPSENTRY-MIB::loopSentryVlanAction.3.21")
        let readOnly = try set(lab, "loopSentryVlanState.3.20", "i", "1")
        #expect(failure(readOnly) == "Reason: notWritable\nFailed object: LOOPSENTRY-MIB::loopSentryVlanState.3.20")
        let wrongState = try set(lab, "loopSentryVlanAction.7.5", "i", "4")  // restore while normal
        #expect(failure(wrongState) == "Reason: inconsistentValue\nFailed object: LOOPSENTRY-MIB::loopSentryVlanAction.7.5")
        #expect([wrongType, outOfRange, zeroThreshold, unknownRow, readOnly, wrongState].allSatisfy { $0.status != 0 })
        usleep(300_000)
        #expect(lab.shared.handler.received.isEmpty)
    }

    @Test func validActionReachesTheHandlerExactlyOnceAndShowsInTheRow() throws {
        let lab = try SNMPLab()
        defer { lab.stop() }
        lab.shared.subagent.publish(Fixtures.rows)
        lab.shared.handler.reset()
        try #require(try lab.waitForSubagent(), "subagent never answered\n\(lab.diagnostics)")

        let r = try lab.tool("snmpset", [
            "LOOPSENTRY-MIB::loopSentryVlanAction.3.20", "i", "2",
            "LOOPSENTRY-MIB::loopSentryVlanActionAuthor.3.20", "s", "alice",
            "LOOPSENTRY-MIB::loopSentryVlanRisingThreshold.3.10", "u", "2000",
            "LOOPSENTRY-MIB::loopSentryVlanFallingThreshold.3.10", "u", "150",
        ], community: "private")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == """
        LOOPSENTRY-MIB::loopSentryVlanAction.3.20 = INTEGER: acknowledgeCut(2)
        LOOPSENTRY-MIB::loopSentryVlanActionAuthor.3.20 = STRING: alice
        LOOPSENTRY-MIB::loopSentryVlanRisingThreshold.3.10 = Gauge32: 2000 frames per second
        LOOPSENTRY-MIB::loopSentryVlanFallingThreshold.3.10 = Gauge32: 150 frames per second

        """)
        // COMMIT reaches the subagent with AgentX CleanupSet, which the master does not wait for.
        _ = Command.waitUntil(seconds: 2) { lab.shared.handler.received.count >= 2 }
        usleep(300_000)
        #expect(lab.shared.handler.received == [
            OperatorRequest(key: Fixtures.key(3, 10), change: .thresholds(rising: 2000, falling: 150), author: "snmp"),  // the author was named for 3.20 only
            OperatorRequest(key: Fixtures.key(3, 20), change: .action(.acknowledgeCut), author: "alice"),
        ])
        let row = try lab.tool("snmpget", [
            "LOOPSENTRY-MIB::loopSentryVlanAction.3.20", "LOOPSENTRY-MIB::loopSentryVlanActionResult.3.20",
            "LOOPSENTRY-MIB::loopSentryVlanActionAuthor.3.20", "LOOPSENTRY-MIB::loopSentryVlanRisingThreshold.3.10",
        ], options: ["-Oqs"])
        #expect(row.stdout == """
        loopSentryVlanAction.3.20 acknowledgeCut
        loopSentryVlanActionResult.3.20 cut scheduled
        loopSentryVlanActionAuthor.3.20 alice
        loopSentryVlanRisingThreshold.3.10 2000 frames per second

        """)
    }
}
}
