import LoopSentryConfig
import LoopSentryCore
import LoopSentryDaemon
import Testing

/// An underlay interface that watches VXLAN VNIs: its VNI rates go through the same detection
/// stage as VLANs, and the events are logged with the VNI and the owning tenant (incidents:
/// VNIIncidentTests).
@Suite struct VNIDetectionTests {
    static func configuration() -> Configuration {
        var c = Fixture.configuration()
        c.interfaces[0].vnis = try! VNISet(parsing: "5000-5099")
        var v = TenantConfig(name: "org-v")
        v.vnis = [TenantVNIs(interface: "trunk0", vnis: try! VNISet(parsing: "5000-5049"))]
        c.tenants.append(v)
        return c
    }

    func vniPoll(at seconds: Double, _ broadcast: [Int: Double]) -> InterfacePoll {
        var p = interfacePoll(at: seconds, broadcast: [:])
        p.vniRates = broadcast.keys.sorted().map {
            VNIRate(key: VNI($0)!, broadcastPerSecond: broadcast[$0]!, multicastPerSecond: 0, framesPerSecond: broadcast[$0]!,
                    bytesPerSecond: 0, totals: .zero)
        }
        return p
    }

    @Test("a sustained VNI storm is detected and logged with its VNI and tenant")
    func vniStormIsDetectedAndLogged() {
        var h = Harness(Self.configuration())
        var effects: [Effect] = []
        for s in [1.0, 1.1, 1.2, 1.3] {
            effects += h.coordinator.poll([vniPoll(at: s, [5001: 4000, 5002: 10])], now: t(s), wall: wall(s))
        }
        var detected = EventRecord("stormDetected", at: t(1.3), interface: "trunk0", tenant: "org-v", rate: 4000,
                                   threshold: 1000, detail: "broadcast")
        detected.vni = 5001
        detected.storm = "broadcast"
        #expect(records(effects).first == detected)
        #expect(h.coordinator.detectors["trunk0"]?.detector.activeStorms.map(\.key)
                == [DetectionKey(interface: "trunk0", vni: VNI(5001)!)])
    }

    @Test("VNI rates of an interface that watches no VNIs are ignored")
    func unwatchedInterfaceIgnoresVNIRates() {
        var h = Harness()
        var effects: [Effect] = []
        for s in [1.0, 1.1, 1.2, 1.3] {
            effects += h.coordinator.poll([vniPoll(at: s, [5001: 4000])], now: t(s), wall: wall(s))
        }
        #expect(effects.filter { if case .record = $0 { true } else { false } }.isEmpty)
    }
}
