import LoopSentryConfig
import LoopSentryCore
import LoopSentryDaemon
import Testing

/// An operator's thresholds for one VNI (control socket `thresholds`, an SNMP SET on
/// loopSentryVniTable) reach its status row, its detector and the incident book at once, like a
/// VLAN's; the other VNIs of an override it splits keep theirs.
@Suite struct VNIThresholdTests {
    static func vni(_ n: Int) -> DetectionKey { DetectionKey(interface: "trunk0", vni: VNI(n)!) }

    /// VNIs 5000-5099 on trunk0, org-v owning 5000-5049, and an override 5000-5009 at 500/100.
    static func configuration() -> Configuration {
        var c = VNIDetectionTests.configuration()
        c.interfaces[0].vniOverrides = [VNIThresholdOverride(
            vnis: try! VNISet(parsing: "5000-5009"), thresholds: DetectionThresholds(broadcast: RateThreshold(rising: 500, falling: 100)))]
        return c
    }

    static func thresholds(_ vni: Int, rising: Double, falling: Double, on interface: String = "trunk0") -> OperatorCommand {
        .vniThresholds(interface: interface, vni: VNI(vni)!, rising: rising, falling: falling, author: "alice", via: "cli")
    }

    func polls(_ h: inout Harness, from: Double, to: Double, _ broadcast: [Int: Double]) -> [Effect] {
        VNIIncidentTests().vniPolls(&h, from: from, to: to, broadcast)
    }

    @Test("new VNI thresholds show on its row and decide its detection; the rest of a split override stays")
    func newThresholdsApplyToTheVNIOnly() {
        var h = Harness(Self.configuration())
        let (response, effects) = h.request(Self.thresholds(5005, rising: 6000, falling: 200), at: 0.5)
        #expect(response == ControlResponse(ok: true, message: "thresholds of VNI 5005 on trunk0: rising 6000, falling 200"))
        #expect(records(effects).map(\.event) == ["thresholds"] && records(effects).map(\.author) == ["alice via cli"])
        #expect(records(effects).map(\.vni) == [5005] && records(effects).map(\.vlan) == [nil])
        #expect(trace(effects).last == "publish")

        let row = h.coordinator.board.row(Self.vni(5005))
        #expect(row?.vni == VNI(5005)! && row?.risingThreshold == 6000 && row?.fallingThreshold == 200)
        let detector = h.coordinator.detectors["trunk0"]!.detector.policy
        #expect(detector.thresholds(for: Self.vni(5005)).broadcast == RateThreshold(rising: 6000, falling: 200))
        for other in [5004, 5006, 5009] {
            #expect(detector.thresholds(for: Self.vni(other)).broadcast == RateThreshold(rising: 500, falling: 100), "\(other)")
        }
        #expect(detector.thresholds(for: Self.vni(5010)).broadcast == DetectionThresholds.defaultBroadcast)
        #expect(detector.thresholds(for: DetectionKey(interface: "trunk0", vlan: VLANID(10)!)).broadcast
            == DetectionThresholds.defaultBroadcast)
        #expect(h.coordinator.book.detection.thresholds(for: Self.vni(5005)).broadcast == RateThreshold(rising: 6000, falling: 200))

        // 4000 pps: below the new rising threshold of 5005, above the override of 5006.
        let below = polls(&h, from: 1.0, to: 1.3, [5005: 4000, 5006: 4000])
        #expect(notifications(below).map(\.vni) == [VNI(5006)!])
        #expect(h.coordinator.book.incidentState(for: Self.vni(5005)) == .normal)
        let detected = polls(&h, from: 1.4, to: 2.0, [5005: 7000, 5006: 4000])
        #expect(notifications(detected).map(\.vni) == [VNI(5005)!])
        #expect(notifications(detected).map(\.risingThreshold) == [6000])
        #expect(h.coordinator.book.incidentState(for: Self.vni(5005)) == .detected)
    }

    @Test("VNI thresholds with falling above rising, or on an unwatched interface, are refused and change nothing")
    func invalidThresholdsRefused() {
        var h = Harness(Self.configuration())
        let before = h.coordinator.policy.detection
        let (response, effects) = h.request(Self.thresholds(5005, rising: 500, falling: 900), at: 0.5)
        #expect(response.ok == false)
        #expect(response.message.hasSuffix("broadcast.falling: must be below "
            + response.message.split(separator: ":")[0].replacingOccurrences(of: "falling", with: "rising") + " (got 900, rising is 500)"),
                "\(response.message)")
        #expect(effects.isEmpty)
        #expect(h.coordinator.policy.detection == before)
        #expect(h.coordinator.board.row(Self.vni(5005)) == nil, "no row was made for the refused thresholds")
        let (unwatched, none) = h.request(Self.thresholds(5005, rising: 3000, falling: 200, on: "eth9"), at: 0.6)
        #expect(unwatched == ControlResponse(ok: false, message: "interface eth9 is not watched by this daemon"))
        #expect(none.isEmpty)
    }
}
