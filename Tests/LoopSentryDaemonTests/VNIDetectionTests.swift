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

/// VNI self-probes in the coordinator: a returned probe confirms the VNI's loop exactly as for a
/// VLAN, and a rising VNI asks for an urgent probe only on an interface with a flood list.
extension VNIDetectionTests {
    static func probingConfiguration() -> Configuration {
        var c = configuration()
        c.interfaces[0].vxlanFlood = [VNIFloodList(vnis: try! VNISet(parsing: "5000-5009"),
                                                   vteps: [VTEPAddress(bytes: [10, 99, 0, 1], printed: "10.99.0.1")!])]
        return c
    }

    @Test("a returned VNI probe confirms the VNI's loop, opens its incident and shows on its status row; no VLAN is touched")
    func vniProbeReturnConfirmsTheLoop() {
        var h = Harness(Self.probingConfiguration())
        var p = vniPoll(at: 1.0, [5001: 20])
        p.probeReturns = [.vni(VNI(5001)!): 3]
        p.vniProbes = [VNI(5001)!: ProbeCounters(returned: 3, leaked: 0), VNI(5002)!: ProbeCounters()]
        let effects = h.coordinator.poll([p], now: t(1.0), wall: wall(1.0))
        let confirmed = records(effects).filter { $0.event == "loopConfirmed" }
        #expect(confirmed.map(\.vni) == [5001] && confirmed.map(\.vlan) == [nil])
        #expect(confirmed.first?.detail == "3 probe(s) returned")
        #expect(notifications(effects).map(\.kind) == [.loopConfirmed])
        let key = DetectionKey(interface: "trunk0", vni: VNI(5001)!)
        #expect(h.coordinator.detectors["trunk0"]?.detector.activeStorm(for: key)?.loopConfirmed == true)
        #expect(h.coordinator.book.machines.keys.sorted() == [key])
        #expect(h.coordinator.board.row(key)?.returnedProbes == 3, "the VNI's status row (/metrics) carries its returned probes")
    }

    @Test("a rising VNI asks for an urgent probe with a flood list, never without, and not once confirmed")
    func risingVNIAsksForAProbe() {
        var h = Harness(Self.probingConfiguration())
        #expect(trace(h.coordinator.poll([vniPoll(at: 1.0, [5001: 4000, 5002: 10])], now: t(1.0), wall: wall(1.0)))
                == ["probeSoon trunk0 VNI 5001 at 1.0"])
        var plain = Harness(Self.configuration())
        #expect(plain.coordinator.poll([vniPoll(at: 1.0, [5001: 4000])], now: t(1.0), wall: wall(1.0)).isEmpty)
        var p = vniPoll(at: 1.1, [5001: 4000])
        p.probeReturns = [.vni(VNI(5001)!): 1]
        #expect(!trace(h.coordinator.poll([p], now: t(1.1), wall: wall(1.1))).contains { $0.hasPrefix("probeSoon") })
    }
}
