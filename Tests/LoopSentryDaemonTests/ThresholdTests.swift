import LoopSentryCore
import LoopSentryDaemon
import Testing

/// An operator's thresholds reach the status row, detection and the incident book at once: they
/// all read the one policy directory.
@Suite struct ThresholdTests {
    static func thresholds(_ vlan: Int, rising: Double, falling: Double, on interface: String = "trunk0") -> OperatorCommand {
        .thresholds(interface: interface, vlan: VLANID(vlan)!, rising: rising, falling: falling, author: "alice", via: "cli")
    }

    @Test("new thresholds show on the row and decide detection and the verification of a cut")
    func newThresholdsApplyEverywhere() {
        var h = Harness()
        let (response, effects) = h.request(Self.thresholds(10, rising: 3000, falling: 200), at: 0.5)
        #expect(response == ControlResponse(ok: true, message: "thresholds of VLAN 10 on trunk0: rising 3000, falling 200"))
        #expect(trace(effects) == ["record thresholds trunk0/10: rising 3000 falling 200", "publish"])
        #expect(records(effects).map(\.author) == ["alice via cli"])

        let row = h.coordinator.board.row(key(10))
        #expect(row?.risingThreshold == 3000)
        #expect(row?.fallingThreshold == 200)
        #expect(h.coordinator.board.row(key(11))?.risingThreshold == 1000)
        let own = h.coordinator.detectors["trunk0"]?.detector.policy.thresholds(for: key(10))
        #expect(own?.broadcast == RateThreshold(rising: 3000, falling: 200))
        #expect(own?.multicast == RateThreshold(rising: 2000, falling: 1000))
        #expect(h.coordinator.book.detection.thresholds(for: key(10)).broadcast == RateThreshold(rising: 3000, falling: 200))
        #expect(h.coordinator.detectors["trunk0"]?.detector.policy.thresholds(for: key(11)).broadcast
            == RateThreshold(rising: 1000, falling: 500))

        #expect(h.polls(from: 1.0, to: 2.0, [10: 2500]).isEmpty)
        #expect(h.polls(from: 2.1, to: 2.2, [10: 5000]).isEmpty)
        let detected = h.poll(at: 2.3, [10: 5000])
        #expect(records(detected).first?.threshold == 3000)
        #expect(notifications(detected).map(\.risingThreshold) == [3000])
        #expect(h.coordinator.book.machines[key(10)]?.fallingThreshold == 200)

        _ = h.succeed(1, at: 2.35)
        #expect(h.poll(at: 2.4, [10: 300]).isEmpty)
        #expect(trace(h.poll(at: 2.5, [10: 150])).first == "journal #1 cutting→cut (verification)")
        let status = h.coordinator.status(interfaces: 1).rows?.first { $0.vlan == 10 }
        #expect(status?.risingThreshold == 3000)
    }

    @Test("thresholds with falling above rising are refused with the validation message and change nothing")
    func invalidThresholdsRefused() {
        var h = Harness()
        let before = h.coordinator.policy.detection
        let (response, effects) = h.request(Self.thresholds(10, rising: 500, falling: 900), at: 0.5)
        #expect(response == ControlResponse(ok: false, message:
            "interfaces.trunk0.overrides[10].broadcast.falling: must be below interfaces.trunk0.overrides[10].broadcast.rising "
                + "(got 900, rising is 500)"))
        #expect(effects.isEmpty)
        #expect(h.coordinator.policy.detection == before)
        #expect(h.coordinator.detectors["trunk0"]?.detector.policy == before)
        #expect(h.coordinator.board.row(key(10))?.risingThreshold == 1000)
        #expect(h.coordinator.board.row(key(10))?.fallingThreshold == 500)
    }

    @Test("thresholds for an interface the daemon does not watch are refused")
    func unknownInterface() {
        var h = Harness()
        let (response, effects) = h.request(Self.thresholds(10, rising: 3000, falling: 200, on: "eth9"), at: 0.5)
        #expect(response == ControlResponse(ok: false, message: "interface eth9 is not watched by this daemon"))
        #expect(effects.isEmpty)
    }
}
