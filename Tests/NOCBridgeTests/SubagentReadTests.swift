import Foundation
import LoopSentryCore
@testable import NOCBridge
import Testing

/// Every test that talks to snmpd: they share the process's one subagent and its AgentX
/// socket path, so they run one at a time (the trait applies to the nested suites).
@Suite(.serialized, .enabled(if: SNMPTools.available, "needs root, snmpd, snmptrapd, snmp tools and erlang-snmp"))
struct SNMPIntegrationTests {}

extension SNMPIntegrationTests {
/// snmpget / snmpwalk / snmpbulkwalk through a private snmpd show exactly what was published.
@Suite struct SubagentReadTests {
    @Test func getShowsEveryColumnOfAPublishedRow() throws {
        let lab = try SNMPLab()
        defer { lab.stop() }
        lab.shared.subagent.publish(Fixtures.rows)
        try #require(try lab.waitForSubagent(), "subagent never answered\n\(lab.diagnostics)")
        let columns = LoopSentryMIB.Column.accessible.map { "LOOPSENTRY-MIB::\(name($0)).3.20" }
        let r = try lab.tool("snmpget", columns)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == """
        LOOPSENTRY-MIB::loopSentryVlanIfName.3.20 = STRING: trunk0
        LOOPSENTRY-MIB::loopSentryVlanBroadcastFrames.3.20 = Counter64: 200 frames
        LOOPSENTRY-MIB::loopSentryVlanMulticastFrames.3.20 = Counter64: 60 frames
        LOOPSENTRY-MIB::loopSentryVlanTaggedFrames.3.20 = Counter64: 5000002000 frames
        LOOPSENTRY-MIB::loopSentryVlanReturnedProbes.3.20 = Counter64: 6 frames
        LOOPSENTRY-MIB::loopSentryVlanBroadcastRate.3.20 = Gauge32: 40 frames per second
        LOOPSENTRY-MIB::loopSentryVlanMulticastRate.3.20 = Gauge32: 7 frames per second
        LOOPSENTRY-MIB::loopSentryVlanFrameRate.3.20 = Gauge32: 400 frames per second
        LOOPSENTRY-MIB::loopSentryVlanRisingThreshold.3.20 = Gauge32: 1000 frames per second
        LOOPSENTRY-MIB::loopSentryVlanFallingThreshold.3.20 = Gauge32: 100 frames per second
        LOOPSENTRY-MIB::loopSentryVlanTenant.3.20 = STRING: acme
        LOOPSENTRY-MIB::loopSentryVlanPolicy.3.20 = INTEGER: ack(2)
        LOOPSENTRY-MIB::loopSentryVlanState.3.20 = INTEGER: pendingAck(3)
        LOOPSENTRY-MIB::loopSentryVlanLastChange.3.20 = STRING: 2026-11-18,11:6:40.0,+0:0
        LOOPSENTRY-MIB::loopSentryVlanAction.3.20 = INTEGER: none(1)
        LOOPSENTRY-MIB::loopSentryVlanActionResult.3.20 = STRING: 
        LOOPSENTRY-MIB::loopSentryVlanActionAuthor.3.20 = STRING: 

        """)
        let missing = try lab.tool("snmpget", ["LOOPSENTRY-MIB::loopSentryVlanState.3.21",
                                               "LOOPSENTRY-MIB::loopSentryVersion.0"])
        #expect(missing.stdout == """
        LOOPSENTRY-MIB::loopSentryVlanState.3.21 = No Such Instance currently exists at this OID
        LOOPSENTRY-MIB::loopSentryVersion.0 = STRING: 0.1.0-test

        """)
    }

    @Test func walkAndBulkwalkListTheScalarsThenEachColumnInIndexOrder() throws {
        let lab = try SNMPLab()
        defer { lab.stop() }
        lab.shared.subagent.publish(Fixtures.rows)
        try #require(try lab.waitForSubagent(), "subagent never answered\n\(lab.diagnostics)")
        let walk = try lab.tool("snmpwalk", ["LOOPSENTRY-MIB::loopSentryObjects"])
        let bulk = try lab.tool("snmpbulkwalk", ["LOOPSENTRY-MIB::loopSentryObjects"], options: ["-Cr25"])
        #expect(walk.status == 0 && bulk.status == 0, "\(walk.stderr)\(bulk.stderr)")
        #expect(walk.stdout == bulk.stdout)
        let lines = walk.stdout.split(separator: "\n")
        #expect(lines.count == 8 + 17 * 5)
        // The counters depend on what other tests of this process sent.
        let stats = lab.shared.subagent.statistics
        #expect(lines.prefix(8).joined(separator: "\n") == """
        LOOPSENTRY-MIB::loopSentryVersion.0 = STRING: 0.1.0-test
        LOOPSENTRY-MIB::loopSentryStartTime.0 = STRING: 2026-11-18,11:6:40.0,+0:0
        LOOPSENTRY-MIB::loopSentryNotifyGlobalLimit.0 = Gauge32: 600 notifications per minute
        LOOPSENTRY-MIB::loopSentryNotifyVlanLimit.0 = Gauge32: 60 notifications per minute
        LOOPSENTRY-MIB::loopSentryNotifySuppressed.0 = Counter32: \(stats.suppressed)
        LOOPSENTRY-MIB::loopSentryNotifyDropped.0 = Counter32: \(stats.dropped)
        LOOPSENTRY-MIB::loopSentryNotifyQueued.0 = Gauge32: 0
        LOOPSENTRY-MIB::loopSentrySensorName.0 = STRING: edge-7
        """)
        let states = lines.filter { $0.contains("loopSentryVlanState.") }.joined(separator: "\n")
        #expect(states == """
        LOOPSENTRY-MIB::loopSentryVlanState.3.10 = INTEGER: detected(2)
        LOOPSENTRY-MIB::loopSentryVlanState.3.20 = INTEGER: pendingAck(3)
        LOOPSENTRY-MIB::loopSentryVlanState.3.4094 = INTEGER: cutFailed(6)
        LOOPSENTRY-MIB::loopSentryVlanState.7.5 = INTEGER: normal(1)
        LOOPSENTRY-MIB::loopSentryVlanState.7.30 = INTEGER: cut(5)
        """)
        // Every column comes in full before the next, in (ifIndex, VLAN) order.
        let instances = lines.dropFirst(8).map { $0.split(separator: " ")[0].split(separator: "::")[1] }
        let expected = LoopSentryMIB.Column.accessible.flatMap { c in
            ["3.10", "3.20", "3.4094", "7.5", "7.30"].map { "\(name(c)).\($0)" }
        }
        #expect(instances.map(String.init) == expected)
    }

    @Test func getNextCrossesIfIndexAndColumnsAndLeavesTheTableAtTheEnd() throws {
        let lab = try SNMPLab()
        defer { lab.stop() }
        lab.shared.subagent.publish(Fixtures.rows)
        try #require(try lab.waitForSubagent(), "subagent never answered\n\(lab.diagnostics)")
        let r = try lab.tool("snmpgetnext", [
            "LOOPSENTRY-MIB::loopSentryVlanState.3.4094",     // → next ifIndex
            "LOOPSENTRY-MIB::loopSentryVlanState.3.20.1",     // inside a row's index
            "LOOPSENTRY-MIB::loopSentryVlanState.7.30",       // → next column, first row
            "LOOPSENTRY-MIB::loopSentryVlanTable",            // → first cell
        ], options: ["-Oqs"])
        #expect(r.stdout == """
        loopSentryVlanState.7.5 normal
        loopSentryVlanState.3.4094 cutFailed
        loopSentryVlanLastChange.3.10 2026-11-18,11:6:40.0,+0:0
        loopSentryVlanIfName.3.10 trunk0

        """, "\(r.stderr)")
        let end = try lab.tool("snmpgetnext", ["LOOPSENTRY-MIB::loopSentryVlanActionAuthor.7.30"], options: ["-On"])
        #expect(!end.stdout.isEmpty)
        #expect(!end.stdout.hasPrefix(".1.3.6.1.4.1.8072.9999.9999.1."), "\(end.stdout)")
    }
}
}

/// The MIB descriptor of a column.
func name(_ c: LoopSentryMIB.Column) -> String {
    let n = "\(c)"
    let vlanCols: [LoopSentryMIB.Column: String] = [.ifIndex: "loopSentryVlanIfIndex", .vlanId: "loopSentryVlanId"]
    return vlanCols[c] ?? "loopSentryVlan" + n.prefix(1).uppercased() + n.dropFirst()
}
