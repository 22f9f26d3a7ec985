import Foundation
import LoopSentryCore
import Testing

/// `loopsentry monitor` on a veth trunk in a namespace: the counts it reports equal what a
/// raw socket sent, exactly; stale filters of a killed run are replaced; a foreign tc filter
/// survives every run.
@Suite(.serialized, .enabled(if: runningAsRoot, rootReason))
final class MonitorCountsTests {
    let lab: VethLab

    init() throws { lab = try VethLab() }
    deinit { lab.destroy() }

    func startMonitor(extra: [String] = []) throws -> MonitorUnderTest {
        try MonitorUnderTest(lab: lab, extra: extra)
    }

    @Test("counts reported equal frames sent, per VLAN, for every kind, QinQ and jumbo frames")
    func exactCounts() throws {
        let m = try startMonitor()
        try lab.send(["--vlan", "1", "--count", "1000", "--kind", "broadcast"])
        try lab.send(["--vlan", "42", "--count", "500", "--kind", "multicast"])
        try lab.send(["--vlan", "4094", "--count", "250", "--kind", "unicast"])
        try lab.send(["--vlan", "0", "--count", "3", "--kind", "broadcast"])
        try lab.send(["--vlan", "100", "--inner", "200", "--count", "10", "--kind", "broadcast"])
        try lab.send(["--vlan", "77", "--count", "5", "--kind", "broadcast", "--length", "9000"])
        let report = try m.settled(expectedFrames: 1768)
        #expect(m.stop() == 0)

        let rows = totals(report)
        #expect(Set(rows.keys) == [0, 1, 42, 77, 100, 4094])
        #expect(rows[1]?.framesTotal == 1000 && rows[1]?.broadcastTotal == 1000 && rows[1]?.multicastTotal == 0)
        #expect(rows[1]?.bytesTotal == 60_000)
        #expect(rows[42]?.framesTotal == 500 && rows[42]?.multicastTotal == 500 && rows[42]?.broadcastTotal == 0)
        #expect(rows[4094]?.framesTotal == 250 && rows[4094]?.broadcastTotal == 0 && rows[4094]?.multicastTotal == 0)
        #expect(rows[0]?.framesTotal == 3)
        #expect(rows[100]?.framesTotal == 10 && rows[100]?.bytesTotal == 600)
        #expect(rows[77]?.framesTotal == 5 && rows[77]?.bytesTotal == 45_000)
        #expect(report.untaggedFramesTotal == 0)
        #expect(report.malformedTotal == 0)
        #expect(try !lab.ingressFilters().contains("ls_tc_ingress"), "filter left behind after SIGTERM")
    }

    @Test("with --drop-tagged every tagged frame is counted and dropped")
    func dropTaggedCountsAndDrops() throws {
        let m = try startMonitor(extra: ["--drop-tagged"])
        try lab.send(["--vlan", "10", "20", "30", "--count", "400"])
        let report = try m.settled(expectedFrames: 1200)
        #expect(m.stop(SIGINT) == 0)
        let rows = totals(report)
        #expect(rows[10]?.framesTotal == 400 && rows[20]?.framesTotal == 400 && rows[30]?.framesTotal == 400)
        #expect(report.droppedTotal == 1200)
    }

    @Test("after SIGKILL a new run replaces the stale filter; a foreign filter survives both runs")
    func staleFilterAfterSigkill() throws {
        try lab.addForeignFilter()
        let first = try startMonitor()
        _ = first.stop(SIGKILL)
        let afterKill = try lab.ingressFilters()
        #expect(afterKill.contains("ls_tc_ingress"), "expected the killed run's filter to remain: \(afterKill)")
        #expect(afterKill.contains("bytecode"))

        let second = try startMonitor()
        #expect(second.process.stderrText.contains("replaced a stale LoopSentry filter"))
        try lab.send(["--vlan", "5", "--count", "321"])
        let report = try second.settled(expectedFrames: 321)
        #expect(totals(report)[5]?.framesTotal == 321)
        let during = try lab.ingressFilters()
        #expect(during.split(separator: "\n").filter { $0.contains("ls_tc_ingress") }.count == 1, "exactly one LoopSentry filter: \(during)")
        #expect(second.stop() == 0)

        let after = try lab.ingressFilters()
        #expect(!after.contains("ls_tc_ingress"))
        #expect(after.contains("pref 1 bpf") && after.contains("bytecode"), "foreign filter lost: \(after)")
    }
}
