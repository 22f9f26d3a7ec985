import Lab
import LoopSentryCore
import Testing

/// The VXLAN lab as data: VTEPs over an underlay through switch 1's non-learning bridge (so the
/// sensor port sees every underlay frame), one tenant bridge per VNI, and a shaped loop link per VNI.
@Suite struct LabPlanVXLANTests {
    let plan = LabPlan(vlans: [], names: try! LabNamespaces(prefix: "lsq"))
    let vnis = [VNI(5000)!, VNI(5001)!]

    @Test("each VNI gets a vxlan device on UDP 4789 with a static remote on both VTEPs, in a bridge with a host port")
    func vxlanDevices() {
        let steps = plan.vxlanSwitchesUp(vnis: vnis).map(\.args)
        #expect(steps.contains(["ip", "-n", "lsq-sw1", "link", "add", "vx5000", "type", "vxlan", "id", "5000", "local", "10.99.0.1",
                                "remote", "10.99.0.2", "dstport", "4789", "dev", "vtep", "nolearning"]))
        #expect(steps.contains(["ip", "-n", "lsq-sw2", "link", "add", "vx5001", "type", "vxlan", "id", "5001", "local", "10.99.0.2",
                                "remote", "10.99.0.1", "dstport", "4789", "dev", "trunk", "nolearning"]))
        #expect(steps.contains(["ip", "link", "add", "h1", "netns", "lsq-sw1", "type", "veth", "peer", "name", "eth1", "netns", "lsq-hb"]))
        #expect(steps.contains(["ip", "-n", "lsq-sw2", "link", "set", "vx5001", "master", "br5001"]))
    }

    @Test("switch 1's underlay bridge ports learn nothing, so the sensor port sees both directions")
    func underlayFloodsToTheSensor() {
        let steps = plan.vxlanSwitchesUp(vnis: vnis).map(\.args)
        for port in ["trunk", "vtepport", "sensor"] {
            #expect(steps.contains(["ip", "-n", "lsq-sw1", "link", "set", port, "master", "ul0"]))
            #expect(steps.contains(["ip", "-n", "lsq-sw1", "link", "set", "dev", port, "type", "bridge_slave", "learning", "off"]))
        }
        #expect(steps.contains(["ip", "link", "add", "sensor", "netns", "lsq-sw1", "type", "veth", "peer", "name", "trunk0", "netns", "lsq-sensor"]))
    }

    @Test("a VNI loop is a TBF-shaped veth between the two bridges of that VNI, up last; unloop deletes it")
    func loopAndUnloop() {
        let steps = plan.loop(vni: VNI(5000)!).map(\.args)
        #expect(steps.first == ["ip", "link", "add", "lpv5000", "netns", "lsq-sw1", "type", "veth", "peer", "name", "lpv5000", "netns", "lsq-sw2"])
        #expect(steps.filter { $0.contains("tbf") }.count == 2)
        #expect(steps.filter { $0.contains("master") }.allSatisfy { $0.last == "br5000" })
        #expect(steps.last == ["ip", "-n", "lsq-sw2", "link", "set", "lpv5000", "up"])
        #expect(plan.unloop(vni: VNI(5000)!).map(\.args) == [["ip", "-n", "lsq-sw1", "link", "del", "lpv5000"]])
    }
}

extension LabPlanVXLANTests {
    @Test("the sensor's trunk0 gets an underlay address in the VTEPs' subnet, so its VNI probes reach both VTEPs")
    func sensorHasAnUnderlayAddress() {
        let steps = plan.vxlanSwitchesUp(vnis: vnis).map(\.args)
        #expect(steps.contains(["ip", "-n", "lsq-sensor", "addr", "add", "10.99.0.3/24", "dev", "trunk0"]))
        let address = steps.firstIndex(of: ["ip", "-n", "lsq-sensor", "addr", "add", "10.99.0.3/24", "dev", "trunk0"])
        let up = steps.firstIndex(of: ["ip", "-n", "lsq-sensor", "link", "set", "trunk0", "up"])
        #expect(address != nil && up != nil && address! < up!)
    }
}
