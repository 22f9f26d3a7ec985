import Foundation
import LoopSentryCore
@testable import NOCBridge
import Testing

extension SNMPIntegrationTests {
/// Notifications go through the master to snmptrapd, decoded with the MIB, also when they
/// were raised while the master was down; the table comes back quickly after a restart.
@Suite struct SubagentNotificationTests {
    @Test func stormDetectedArrivesAtSnmptrapdWithTheMIBNames() throws {
        let lab = try SNMPLab()
        defer { lab.stop() }
        try #require(try lab.waitForSubagent(), "subagent never answered\n\(lab.diagnostics)")
        let n = NOCNotification(kind: .stormDetected, row: Fixtures.row(3, 20, state: .detected))
        #expect(lab.shared.subagent.notify(n) == .queued)
        _ = Command.waitUntil(seconds: 3) { lab.logged("loopSentryStormDetected") != nil }
        #expect(lab.logged("loopSentryStormDetected") == [
            "SNMPv2-MIB::snmpTrapOID.0 = OID: LOOPSENTRY-MIB::loopSentryStormDetected",
            "LOOPSENTRY-MIB::loopSentryVlanIfName.3.20 = STRING: trunk0",
            "LOOPSENTRY-MIB::loopSentryVlanTenant.3.20 = STRING: acme",
            "LOOPSENTRY-MIB::loopSentryVlanBroadcastRate.3.20 = Gauge32: 40 frames per second",
            "LOOPSENTRY-MIB::loopSentryVlanRisingThreshold.3.20 = Gauge32: 1000 frames per second",
            "LOOPSENTRY-MIB::loopSentryVlanState.3.20 = INTEGER: detected(2)",
            "LOOPSENTRY-MIB::loopSentrySensorName.0 = STRING: edge-7",
        ].joined(separator: "\t"), "\(lab.diagnostics)")
    }

    @Test func aStormingVLANIsRateLimitedAndTheSuppressedCountIsVisible() throws {
        let lab = try SNMPLab()
        defer { lab.stop() }
        try #require(try lab.waitForSubagent(), "subagent never answered\n\(lab.diagnostics)")
        let subagent = lab.shared.subagent
        let before = subagent.statistics
        // The throttle stage in front of the sinks, with the test configuration's limits (bursts
        // of 20 per VLAN); what it refuses is counted in the MIB.
        var throttle = NotificationRateLimiter(limits: subagent.configuration.limits, now: 0)
        let row = Fixtures.row(3, 99, state: .detected)
        let outcomes = (0..<25).map { _ in
            let n = NOCNotification(kind: .stormDetected, row: row)
            guard throttle.admit(n.key, now: 0) else {
                subagent.noteSuppressed()
                return false
            }
            return subagent.notify(n) == .queued
        }
        #expect(outcomes.filter { $0 }.count == 20)
        #expect(outcomes.suffix(5).allSatisfy { !$0 })
        #expect(throttle.suppressed == 5)
        _ = Command.waitUntil(seconds: 3) {
            lab.trapLog.components(separatedBy: "loopSentryVlanIfName.3.99 ").count - 1 == 20
        }
        #expect(lab.trapLog.components(separatedBy: "loopSentryVlanIfName.3.99 ").count - 1 == 20)
        let suppressed = try lab.tool("snmpget", ["LOOPSENTRY-MIB::loopSentryNotifySuppressed.0"], options: ["-Oqv"])
        #expect(suppressed.stdout == "\(before.suppressed + 5)\n")
        #expect(subagent.statistics.sent == before.sent + 20)
    }

    @Test func afterAMasterCrashTheTableReturnsWithin3sAndTheQueuedNotificationArrives() throws {
        let lab = try SNMPLab()
        defer { lab.stop() }
        let subagent = lab.shared.subagent
        subagent.publish(Fixtures.rows)
        try #require(try lab.waitForSubagent(), "subagent never answered\n\(lab.diagnostics)")

        lab.killMaster()
        #expect(Command.waitUntil(seconds: 3) { !subagent.isConnectedToMaster })
        var cut = Fixtures.row(7, 30, name: "trunk1", state: .cut, policy: .auto, tenant: "globex")
        cut.lastActionAuthor = "auto"
        #expect(subagent.notify(NOCNotification(kind: .cutApplied, row: cut)) == .queued)
        usleep(200_000)
        #expect(subagent.statistics.queued == 1)

        try lab.startMaster()
        let restarted = Date()
        let back = try Command.waitUntil(seconds: 5) {
            try lab.tool("snmpget", ["LOOPSENTRY-MIB::loopSentryVlanState.7.30"], options: ["-Oqv", "-t", "0.2", "-r", "0"])
                .stdout == "cut\n"
        }
        let elapsed = Date().timeIntervalSince(restarted)
        #expect(back && elapsed < 3, "table back after \(elapsed) s\n\(lab.diagnostics)")

        _ = Command.waitUntil(seconds: 3) { lab.logged("loopSentryCutApplied") != nil }
        #expect(lab.logged("loopSentryCutApplied") == [
            "SNMPv2-MIB::snmpTrapOID.0 = OID: LOOPSENTRY-MIB::loopSentryCutApplied",
            "LOOPSENTRY-MIB::loopSentryVlanIfName.7.30 = STRING: trunk1",
            "LOOPSENTRY-MIB::loopSentryVlanTenant.7.30 = STRING: globex",
            "LOOPSENTRY-MIB::loopSentryVlanBroadcastRate.7.30 = Gauge32: 60 frames per second",
            "LOOPSENTRY-MIB::loopSentryVlanRisingThreshold.7.30 = Gauge32: 1000 frames per second",
            "LOOPSENTRY-MIB::loopSentryVlanState.7.30 = INTEGER: cut(5)",
            "LOOPSENTRY-MIB::loopSentryVlanActionAuthor.7.30 = STRING: auto",
            "LOOPSENTRY-MIB::loopSentrySensorName.0 = STRING: edge-7",
        ].joined(separator: "\t"), "\(lab.diagnostics)")
        #expect(subagent.statistics.queued == 0)
        print("NOCBridge: table answered \(String(format: "%.2f", elapsed)) s after snmpd restarted")
    }
}
}
