import Lab
import LoopSentryCore
import Testing

/// `lab up --second-sensor`: switch 2 gets a sensor port (`trunk1` in the sensor namespace), and
/// nothing else of the plan changes.
@Suite struct LabPlanSecondSensorTests {
    let vlans = [VLANID(10)!, VLANID(20)!]

    @Test func theSecondSensorPortJoinsSwitch2AndOnlyThat() throws {
        let names = try LabNamespaces(prefix: "t1")
        let one = LabPlan(vlans: vlans, names: names).up()
        let two = LabPlan(vlans: vlans, names: names, secondSensor: true).up()
        let added = two.filter { !one.contains($0) }
        #expect(added.map(\.description) == [
            "ip link add sensor netns t1-sw2 type veth peer name trunk1 netns t1-sensor",
            "ip -n t1-sw2 link set sensor master br0",
            "ip -n t1-sw2 link set sensor up",
            "ip -n t1-sensor link set trunk1 up",
        ])
        #expect(two.filter { one.contains($0) }.count == one.count)
    }
}
