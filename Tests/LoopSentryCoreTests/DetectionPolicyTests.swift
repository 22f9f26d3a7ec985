import LoopSentryCore
import Testing

/// Threshold and policy validation: one line per problem, naming the field.
@Suite struct DetectionPolicyTests {
    func override(_ vlans: String, rising: Double = 10_000, falling: Double = 5000) throws -> VLANThresholdOverride {
        VLANThresholdOverride(vlans: try VLANSet(parsing: vlans),
                              thresholds: DetectionThresholds(broadcast: RateThreshold(rising: rising, falling: falling)))
    }

    @Test func defaultsAreValidWithSustain300msClear2sAndNoMulticast() {
        let defaults = DetectionThresholds()
        #expect(defaults.broadcast == RateThreshold(rising: 1000, falling: 500))
        #expect(defaults.multicast == nil)
        #expect(defaults.sustain == .milliseconds(300))
        #expect(defaults.clear == .seconds(2))
        #expect(DetectionPolicy().validationErrors() == [])
    }

    @Test func thresholdErrorsNameTheFieldInOneLine() {
        let bad = DetectionThresholds(broadcast: RateThreshold(rising: 500, falling: 500),
                                      multicast: RateThreshold(rising: -1, falling: .nan),
                                      sustain: .milliseconds(-5), clear: .seconds(-1))
        #expect(bad.validationErrors(prefix: "defaults.").map(\.description) == [
            "defaults.broadcast.falling: must be below defaults.broadcast.rising (got 500, rising is 500)",
            "defaults.multicast.rising: must be a finite rate above 0 frames/s (got -1)",
            "defaults.multicast.falling: must be a finite rate of 0 frames/s or more (got nan)",
            "defaults.sustain: must not be negative (got -0.005 seconds)",
            "defaults.clear: must not be negative (got -1.0 seconds)",
        ])
    }

    @Test func zeroRisingAndInfiniteFallingAreRejected() {
        let bad = RateThreshold(rising: 0, falling: .infinity)
        #expect(bad.validationErrors(field: "broadcast").map(\.description) == [
            "broadcast.rising: must be a finite rate above 0 frames/s (got 0)",
            "broadcast.falling: must be a finite rate of 0 frames/s or more (got inf)",
        ])
    }

    @Test func zeroFallingAndZeroTimesAreAllowed() {
        let edge = DetectionThresholds(broadcast: RateThreshold(rising: 0.5, falling: 0), sustain: .zero, clear: .zero)
        #expect(edge.validationErrors() == [])
    }

    @Test func interfaceAndOverrideErrorsSayWhereTheyAre() throws {
        let eth1 = InterfaceDetectionPolicy(
            defaults: DetectionThresholds(sustain: .seconds(-2)),
            overrides: [try override("100-199", rising: 100, falling: 200)])
        let errors = DetectionPolicy(interfaces: ["eth1": eth1]).validationErrors()
        #expect(errors.map(\.description) == [
            "interfaces.eth1.defaults.sustain: must not be negative (got -2.0 seconds)",
            "interfaces.eth1.overrides[100-199].broadcast.falling: must be below "
                + "interfaces.eth1.overrides[100-199].broadcast.rising (got 200, rising is 100)",
        ])
        #expect(errors.last?.field == "interfaces.eth1.overrides[100-199].broadcast.falling")
    }

    @Test func overlappingOverridesOnOneInterfaceAreAnError() throws {
        let eth1 = InterfaceDetectionPolicy(overrides: [try override("100-199"), try override("300,150")])
        #expect(DetectionPolicy(interfaces: ["eth1": eth1]).validationErrors().map(\.description) == [
            "interfaces.eth1.overrides: VLANs 100-199 and 150,300 overlap at VLAN 150",
        ])
    }

    @Test func adjacentOverridesAndTheSameVLANsOnAnotherInterfaceAreFine() throws {
        let policy = DetectionPolicy(interfaces: [
            "eth1": InterfaceDetectionPolicy(overrides: [try override("100-199"), try override("200,99")]),
            "eth2": InterfaceDetectionPolicy(overrides: [try override("100-199")]),
        ])
        #expect(policy.validationErrors() == [])
    }

    @Test func emptyOrUnconfigurableOverrideVLANsAreAnError() {
        let thresholds = DetectionThresholds()
        let eth1 = InterfaceDetectionPolicy(overrides: [
            VLANThresholdOverride(vlans: VLANSet(), thresholds: thresholds),
            VLANThresholdOverride(vlans: VLANSet([VLANID(0)!...VLANID(5)!]), thresholds: thresholds),
        ])
        #expect(DetectionPolicy(interfaces: ["eth1": eth1]).validationErrors().map(\.description) == [
            "interfaces.eth1.overrides[0].vlans: must not be empty",
            "interfaces.eth1.overrides[0-5].vlans: VLANs must be within 1-4094",
        ])
    }
}
