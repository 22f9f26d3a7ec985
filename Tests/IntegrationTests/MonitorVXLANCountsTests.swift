import Foundation
import LoopSentryCore
import Testing

/// `loopsentry monitor --vni ...` on a veth underlay in a namespace: the per-VNI counts it
/// reports equal what a raw socket put into each VNI, over IPv4 and IPv6, exactly; frames of
/// other VNIs and other UDP ports are not counted on any VNI.
@Suite(.serialized, .enabled(if: runningAsRoot, rootReason))
final class MonitorVXLANCountsTests {
    let lab: VethLab

    init() throws { lab = try VethLab() }
    deinit { lab.destroy() }

    /// Rows of a report by VNI.
    func vniRows(_ r: MonitorReport) -> [Int: MonitorReport.Row] {
        Dictionary(uniqueKeysWithValues: r.vnis.map { ($0.vni ?? -1, $0) })
    }

    /// Waits until the reported untagged frames reach `frames` (every packet sent is an untagged
    /// frame on the underlay), then one more interval.
    func settled(_ m: MonitorUnderTest, untaggedFrames frames: UInt64) throws -> MonitorReport {
        _ = try eventually(timeout: 10) { try m.lastReport().untaggedFramesTotal >= frames }
        usleep(300_000)
        return try m.lastReport()
    }

    @Test("per-VNI counts equal VXLAN packets sent into several VNIs over IPv4 and IPv6")
    func exactPerVNICounts() throws {
        let m = try MonitorUnderTest(lab: lab, extra: ["--vni", "100", "200", "16777215"])
        try lab.send(["--vni", "100", "--count", "1000", "--kind", "broadcast"])
        try lab.send(["--vni", "200", "--count", "400", "--kind", "multicast"])
        try lab.send(["--vni", "100", "--ipv6", "--count", "300", "--kind", "broadcast"])
        try lab.send(["--vni", "16777215", "--ipv6", "--count", "250", "--kind", "broadcast", "--length", "100"])
        try lab.send(["--vni", "200", "--vlan", "30", "--count", "20", "--kind", "unicast"])
        try lab.send(["--vni", "300", "--count", "7"])                             // not watched
        try lab.send(["--vni", "100", "--vxlan-port", "8472", "--count", "5"])     // not VXLAN's port
        let report = try settled(m, untaggedFrames: 1982)
        #expect(m.stop() == 0)

        let rows = vniRows(report)
        #expect(Set(rows.keys) == [100, 200, 16_777_215])
        #expect(rows[100]?.framesTotal == 1300 && rows[100]?.broadcastTotal == 1300 && rows[100]?.multicastTotal == 0)
        #expect(rows[100]?.bytesTotal == 1300 * 60)
        #expect(rows[200]?.framesTotal == 420 && rows[200]?.multicastTotal == 400 && rows[200]?.broadcastTotal == 0)
        #expect(rows[200]?.bytesTotal == 420 * 60)
        #expect(rows[16_777_215]?.framesTotal == 250 && rows[16_777_215]?.bytesTotal == 25_000)
        #expect(report.vniUnwatchedTotal == 7)
        #expect(report.vxlanMalformedTotal == 0)
        #expect(report.untaggedFramesTotal == 1982)
        #expect(report.vlans.isEmpty)
    }

    @Test("with --vxlan and no VNIs every VNI seen is counted")
    func learnsEveryVNI() throws {
        let m = try MonitorUnderTest(lab: lab, extra: ["--vxlan"])
        try lab.send(["--vni", "1", "2", "3", "--count", "50"])
        try lab.send(["--vni", "4", "--ipv6", "--count", "9"])
        let report = try settled(m, untaggedFrames: 159)
        #expect(m.stop() == 0)
        #expect(vniRows(report).mapValues(\.framesTotal) == [1: 50, 2: 50, 3: 50, 4: 9])
    }

    @Test("a VXLAN flood in one VNI is detected as a storm on that VNI, not on a VLAN or a neighbouring VNI")
    func floodInOneVNIIsDetectedOnThatVNI() throws {
        let m = try MonitorUnderTest(lab: lab, extra: ["--vni", "5000", "5001", "--rising", "200", "--falling", "100",
                                                       "--sustain", "200", "--clear", "500"])
        try lab.send(["--vni", "5000", "--count", "1500", "--rate", "1000"])     // 1.5 s at 1000 packets/s
        try lab.send(["--vni", "5001", "--count", "20", "--rate", "50"])         // the neighbour stays quiet
        let process = m.process
        func events() -> [MonitorEvent] {
            process.stdoutLines.compactMap { try? JSONDecoder().decode(MonitorReport.self, from: Data($0.utf8)) }.flatMap(\.events)
        }
        let cleared = eventually(timeout: 10) { events().contains { $0.event == "stormCleared" } }
        #expect(m.stop() == 0)
        #expect(cleared, "no stormCleared: \(events())")
        let seen = events()
        #expect(seen.map(\.event) == ["stormDetected", "stormCleared"])
        #expect(seen.allSatisfy { $0.vni == 5000 && $0.vlan == nil })
        #expect(seen.first?.line.hasPrefix("STORM DETECTED  \(lab.trunk) VNI 5000: broadcast") == true)
    }
}

