import Foundation
import LoopSentryCore
@testable import NOCBridge
import Testing

extension SNMPIntegrationTests {
/// loopSentryVniTable through a private snmpd (snmpget, snmpgetnext, snmpwalk, snmpbulkwalk) and
/// VNI notifications received by snmptrapd, decoded with the MIB.
@Suite struct SubagentVNITests {
    func publishBoth(_ lab: SNMPLab) throws {
        lab.shared.subagent.publish(Fixtures.rows + Fixtures.vniRows)
        try #require(try lab.waitForSubagent(), "subagent never answered\n\(lab.diagnostics)")
    }

    @Test func getShowsEveryColumnOfAVNIRowAndNoSuchInstanceForAnAbsentOne() throws {
        let lab = try SNMPLab()
        defer { lab.stop() }
        try publishBoth(lab)
        let names = ["IfName", "BroadcastFrames", "MulticastFrames", "Frames", "BroadcastRate", "MulticastRate", "FrameRate",
                     "RisingThreshold", "FallingThreshold", "Tenant", "Policy", "State", "LastChange", "Action",
                     "ActionResult", "ActionAuthor", "ReturnedProbes"]
        #expect(names.count == LoopSentryMIB.VNIColumn.accessible.count)
        let r = try lab.tool("snmpget", names.map { "LOOPSENTRY-MIB::loopSentryVni\($0).3.5001" })
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == """
        LOOPSENTRY-MIB::loopSentryVniIfName.3.5001 = STRING: underlay0
        LOOPSENTRY-MIB::loopSentryVniBroadcastFrames.3.5001 = Counter64: 10002 frames
        LOOPSENTRY-MIB::loopSentryVniMulticastFrames.3.5001 = Counter64: 9 frames
        LOOPSENTRY-MIB::loopSentryVniFrames.3.5001 = Counter64: 6000050010 frames
        LOOPSENTRY-MIB::loopSentryVniBroadcastRate.3.5001 = Gauge32: 4000 frames per second
        LOOPSENTRY-MIB::loopSentryVniMulticastRate.3.5001 = Gauge32: 3 frames per second
        LOOPSENTRY-MIB::loopSentryVniFrameRate.3.5001 = Gauge32: 4100 frames per second
        LOOPSENTRY-MIB::loopSentryVniRisingThreshold.3.5001 = Gauge32: 1000 frames per second
        LOOPSENTRY-MIB::loopSentryVniFallingThreshold.3.5001 = Gauge32: 500 frames per second
        LOOPSENTRY-MIB::loopSentryVniTenant.3.5001 = STRING: org-v
        LOOPSENTRY-MIB::loopSentryVniPolicy.3.5001 = INTEGER: alarm(3)
        LOOPSENTRY-MIB::loopSentryVniState.3.5001 = INTEGER: detected(2)
        LOOPSENTRY-MIB::loopSentryVniLastChange.3.5001 = STRING: 2026-11-18,11:6:40.0,+0:0
        LOOPSENTRY-MIB::loopSentryVniAction.3.5001 = INTEGER: none(1)
        LOOPSENTRY-MIB::loopSentryVniActionResult.3.5001 = STRING: 
        LOOPSENTRY-MIB::loopSentryVniActionAuthor.3.5001 = STRING: 
        LOOPSENTRY-MIB::loopSentryVniReturnedProbes.3.5001 = Counter64: 3 frames

        """, "\(lab.diagnostics)")
        let missing = try lab.tool("snmpget", ["LOOPSENTRY-MIB::loopSentryVniState.3.5002",
                                               "LOOPSENTRY-MIB::loopSentryVniState.9.5001"])
        #expect(missing.stdout == """
        LOOPSENTRY-MIB::loopSentryVniState.3.5002 = No Such Instance currently exists at this OID
        LOOPSENTRY-MIB::loopSentryVniState.9.5001 = INTEGER: normal(1)

        """)
    }

    @Test func walksCrossFromTheVLANTableIntoTheVNITableInIndexOrder() throws {
        let lab = try SNMPLab()
        defer { lab.stop() }
        try publishBoth(lab)
        let walk = try lab.tool("snmpwalk", ["LOOPSENTRY-MIB::loopSentryObjects"])
        let bulk = try lab.tool("snmpbulkwalk", ["LOOPSENTRY-MIB::loopSentryObjects"], options: ["-Cr25"])
        #expect(walk.status == 0 && bulk.status == 0, "\(walk.stderr)\(bulk.stderr)")
        #expect(walk.stdout == bulk.stdout)
        let lines = walk.stdout.split(separator: "\n")
        #expect(lines.count == 8 + 17 * 5 + 17 * 4)
        let vni = lines.filter { $0.contains("::loopSentryVni") }
        #expect(vni.count == 17 * 4)
        #expect(lines.suffix(17 * 4) == vni[...], "the VNI table comes last")
        #expect(vni.filter { $0.contains("loopSentryVniState.") }.joined(separator: "\n") == """
        LOOPSENTRY-MIB::loopSentryVniState.3.200 = INTEGER: normal(1)
        LOOPSENTRY-MIB::loopSentryVniState.3.5001 = INTEGER: detected(2)
        LOOPSENTRY-MIB::loopSentryVniState.3.16777215 = INTEGER: normal(1)
        LOOPSENTRY-MIB::loopSentryVniState.9.5001 = INTEGER: normal(1)
        """)
        // GETNEXT from the last VLAN cell lands on the first VNI cell.
        let crossing = try lab.tool("snmpgetnext", ["LOOPSENTRY-MIB::loopSentryVlanActionAuthor.7.30"])
        #expect(crossing.stdout == "LOOPSENTRY-MIB::loopSentryVniIfName.3.200 = STRING: underlay0\n", "\(crossing.stderr)")
        // From the last VNI cell the walk leaves LOOPSENTRY-MIB.
        let past = try lab.tool("snmpgetnext", ["LOOPSENTRY-MIB::loopSentryVniReturnedProbes.9.5001"], options: ["-On"])
        let objects = "." + LoopSentryMIB.objects.map(String.init).joined(separator: ".") + "."
        #expect(past.status == 0 && !past.stdout.isEmpty && !past.stdout.hasPrefix(objects), "\(past.stdout)\(past.stderr)")
    }

    @Test func vniNotificationsArriveWithTheirOwnTypesAndTheSegmentInEveryInstance() throws {
        let lab = try SNMPLab()
        defer { lab.stop() }
        try #require(try lab.waitForSubagent(), "subagent never answered\n\(lab.diagnostics)")
        let subagent = lab.shared.subagent
        let detected = NOCNotification(kind: .stormDetected, row: Fixtures.vniRow(3, 5001, state: .detected))
        var cleared = NOCNotification(kind: .stormCleared, row: Fixtures.vniRow(3, 5001))
        cleared.broadcastRate = 12
        let confirmed = NOCNotification(kind: .loopConfirmed, row: Fixtures.vniRow(9, 16_777_215, name: "underlay1", state: .detected))
        for n in [detected, cleared, confirmed] { #expect(subagent.notify(n) == .queued) }
        let names = ["loopSentryVniStormDetected", "loopSentryVniStormCleared", "loopSentryVniStateChanged"]
        _ = Command.waitUntil(seconds: 5) { names.allSatisfy { lab.logged($0) != nil } }
        #expect(lab.logged("loopSentryVniStormDetected") == [
            "SNMPv2-MIB::snmpTrapOID.0 = OID: LOOPSENTRY-MIB::loopSentryVniStormDetected",
            "LOOPSENTRY-MIB::loopSentryVniIfName.3.5001 = STRING: underlay0",
            "LOOPSENTRY-MIB::loopSentryVniTenant.3.5001 = STRING: org-v",
            "LOOPSENTRY-MIB::loopSentryVniBroadcastRate.3.5001 = Gauge32: 4000 frames per second",
            "LOOPSENTRY-MIB::loopSentryVniRisingThreshold.3.5001 = Gauge32: 1000 frames per second",
            "LOOPSENTRY-MIB::loopSentryVniState.3.5001 = INTEGER: detected(2)",
            "LOOPSENTRY-MIB::loopSentrySensorName.0 = STRING: edge-7",
        ].joined(separator: "\t"), "\(lab.diagnostics)")
        #expect(lab.logged("loopSentryVniStormCleared") == [
            "SNMPv2-MIB::snmpTrapOID.0 = OID: LOOPSENTRY-MIB::loopSentryVniStormCleared",
            "LOOPSENTRY-MIB::loopSentryVniIfName.3.5001 = STRING: underlay0",
            "LOOPSENTRY-MIB::loopSentryVniTenant.3.5001 = STRING: org-v",
            "LOOPSENTRY-MIB::loopSentryVniBroadcastRate.3.5001 = Gauge32: 12 frames per second",
            "LOOPSENTRY-MIB::loopSentryVniRisingThreshold.3.5001 = Gauge32: 1000 frames per second",
            "LOOPSENTRY-MIB::loopSentryVniState.3.5001 = INTEGER: normal(1)",
            "LOOPSENTRY-MIB::loopSentrySensorName.0 = STRING: edge-7",
        ].joined(separator: "\t"), "\(lab.diagnostics)")
        #expect(lab.logged("loopSentryVniStateChanged") == [
            "SNMPv2-MIB::snmpTrapOID.0 = OID: LOOPSENTRY-MIB::loopSentryVniStateChanged",
            "LOOPSENTRY-MIB::loopSentryVniIfName.9.16777215 = STRING: underlay1",
            "LOOPSENTRY-MIB::loopSentryVniTenant.9.16777215 = STRING: org-v",
            "LOOPSENTRY-MIB::loopSentryVniBroadcastRate.9.16777215 = Gauge32: 4000 frames per second",
            "LOOPSENTRY-MIB::loopSentryVniRisingThreshold.9.16777215 = Gauge32: 1000 frames per second",
            "LOOPSENTRY-MIB::loopSentryVniState.9.16777215 = INTEGER: detected(2)",
            "LOOPSENTRY-MIB::loopSentrySensorName.0 = STRING: edge-7",
        ].joined(separator: "\t"), "\(lab.diagnostics)")
        // No VNI event went out under a VLAN notification type.
        #expect(!lab.trapLog.contains("loopSentryVlanIfName.3.0 "))
    }
}
}
