import LoopSentryCore
import Testing

/// VXLAN VNIs go through the same Detector as VLANs: the same states and thresholds, the
/// interface's VNI overrides, and keys independent of VLANs with the same number.
/// Polls every 100 ms from t=0; sustain 300 ms and clear 2 s (the defaults).
@Suite struct DetectorVNITests {
    func vniKey(_ n: Int, on interface: String = "eth1") -> DetectionKey { DetectionKey(interface: interface, vni: VNI(n)!) }

    func rates(_ broadcast: [Int: Double]) -> [VNIRate] {
        broadcast.keys.sorted().map {
            VNIRate(key: VNI($0)!, broadcastPerSecond: broadcast[$0]!, multicastPerSecond: 0, framesPerSecond: 0,
                    bytesPerSecond: 0, totals: .zero)
        }
    }

    @Test func aVNIStormIsDetectedAfterTheSustainTimeAndClearsAfterTheClearTime() {
        var d = Detector()
        var events: [DetectionEvent] = []
        var t: UInt64 = 0
        events += d.observeVNIs([], interface: "eth1", at: ms(t))
        for _ in 0..<3 { t += 100; events += d.observeVNIs(rates([5000: 2000, 5001: 10]), interface: "eth1", at: ms(t)) }
        #expect(events == [.stormDetected(key: vniKey(5000), kind: .broadcast, rate: 2000, threshold: 1000, at: ms(300))])
        #expect(d.activeStorms.map(\.key) == [vniKey(5000)])
        events = []
        // Quiet from t=400, dated from its interval start t=300: cleared at the first poll 2 s later.
        for _ in 0..<21 { t += 100; events += d.observeVNIs([], interface: "eth1", at: ms(t)) }
        #expect(events.count == 1)
        guard case .stormCleared(let key, let at, let peak, _) = events.first else { Issue.record("no clear: \(events)"); return }
        #expect(key == vniKey(5000) && at == ms(2300) && peak == 2000)
    }

    @Test func vniOverridesApplyToTheirVNIsOnly() throws {
        let strict = DetectionThresholds(broadcast: RateThreshold(rising: 10_000, falling: 5000))
        let policy = DetectionPolicy(interfaces: ["eth1": InterfaceDetectionPolicy(
            vniOverrides: [VNIThresholdOverride(vnis: try VNISet(parsing: "5000-5099"), thresholds: strict)])])
        #expect(policy.thresholds(for: vniKey(5000)).broadcast.rising == 10_000)
        #expect(policy.thresholds(for: vniKey(5100)).broadcast.rising == 1000)
        #expect(policy.thresholds(for: key(100)).broadcast.rising == 1000, "a VNI override is not a VLAN override")
        var d = Detector(policy: policy)
        var events: [DetectionEvent] = d.observeVNIs([], interface: "eth1", at: 0)
        for t in [100, 200, 300] as [UInt64] { events += d.observeVNIs(rates([5000: 9000, 5100: 9000]), interface: "eth1", at: ms(t)) }
        #expect(events == [.stormDetected(key: vniKey(5100), kind: .broadcast, rate: 9000, threshold: 1000, at: ms(300))])
    }

    @Test func vniAndVLANWithTheSameNumberAreIndependentKeys() {
        var d = Detector()
        var events: [DetectionEvent] = []
        events += d.observe([], interface: "eth1", at: 0)
        events += d.observeVNIs([], interface: "eth1", at: 0)
        for t in [100, 200, 300] as [UInt64] {
            events += d.observe([VLANRate(vlan: VLANID(20)!, broadcastPerSecond: 3000, multicastPerSecond: 0,
                                          framesPerSecond: 0, bytesPerSecond: 0, totals: .zero)], interface: "eth1", at: ms(t))
            events += d.observeVNIs([], interface: "eth1", at: ms(t))   // VNI 20 quiet
        }
        #expect(events.map(\.key) == [key(20)])
        #expect(d.activeStorm(for: vniKey(20)) == nil)
    }

    @Test func keysOrderVLANsThenTheirPairsThenVNIs() {
        let keys = [vniKey(3), pairKey(10, 5), vniKey(1), key(10), key(11), key(2, on: "eth0")]
        #expect(keys.sorted() == [key(2, on: "eth0"), key(10), pairKey(10, 5), key(11), vniKey(1), vniKey(3)])
        #expect(vniKey(5000).description == "eth1 VNI 5000" && pairKey(100, 20).description == "eth1 VLAN 100.20")
        #expect(vniKey(5000).segment.kind == .vni && vniKey(5000).outer == nil && vniKey(5000).rowKey == vniKey(5000))
    }

    @Test func vniListsParseLikeVLANListsWithVNIBounds() throws {
        #expect(try VNISet(parsing: "6000, 5000-5099,5100").description == "5000-5100,6000")
        #expect(try VNISet(parsing: "16777215").contains(VNI(16_777_215)!))
        #expect(try VNISet(parsing: "5000-5099").count == 100)
        for (text, message) in [("", "VNI list is empty"), ("1,,2", "item 2 of the VNI list is empty"),
                                ("0", "VNI 0 is out of range 1-16777215"), ("16777216", "VNI 16777216 is out of range 1-16777215"),
                                ("9-3", "VNI range 9-3 is reversed (start is after end)"),
                                ("x", "'x' is not a VNI or range (expected N or N-M)")] {
            #expect(throws: VNIListError(message)) { try VNISet(parsing: text) }
        }
        let a = try VNISet(parsing: "10-20,40"), b = try VNISet(parsing: "18-30"), c = try VNISet(parsing: "21-39")
        #expect(a.firstCommonVNI(with: b) == VNI(18) && a.firstCommonVNI(with: c) == nil)
    }
}
