import Lab
import LoopSentryCore
import Testing

/// The lab's plan with switch 1 an Open vSwitch (pure: the steps, not their effect).
@Suite struct LabPlanOVSTests {
    let names = try! LabNamespaces(prefix: "t7")
    var db: String { "--db=unix:/run/loopsentry-lab/t7-ovs/db.sock" }

    func vsctl(_ args: String...) -> LabStep { LabStep(["ovs-vsctl", db, "--timeout=10"] + args) }

    @Test("without --ovs the plan is unchanged: two Linux bridges and the nftables trunk on both")
    func linuxUnchanged() {
        let plan = LabPlan(vlans: [VLANID(10)!, VLANID(20)!], names: names)
        #expect(plan.up() == plan.namespacesUp() + plan.switchesUp())
        #expect(!plan.up().contains { $0.args.first == "ovs-vsctl" })
        #expect(plan.up().filter { $0.args.suffix(3) == ["nft", "-f", "-"] }.count == 2)
    }

    @Test("with --ovs switch 1 is an OVS netdev bridge: its links are ports (trunk with the lab VLANs), no bridge or nftables there")
    func ovsSwitch() {
        let plan = LabPlan(vlans: [VLANID(10)!, VLANID(20)!], names: names, ovs: true)
        let up = plan.switchesUp()
        #expect(up.filter { $0.args.first == "ovs-vsctl" } == [
            vsctl("add-br", "br0", "--", "set", "Bridge", "br0", "datapath_type=netdev", "fail_mode=standalone"),
            vsctl("add-port", "br0", "trunk", "trunks=10,20"),
            vsctl("add-port", "br0", "sensor"),
            vsctl("add-port", "br0", "hb"),
        ])
        #expect(!up.contains { $0.args.contains(names.switch1) && ($0.args.contains("master") || $0.args.contains("nft")) })
        #expect(up.filter { $0.args.suffix(3) == ["nft", "-f", "-"] }.map { $0.args[3] } == [names.switch2])
        #expect(LabPlan.ovsDatabase(names) == "unix:/run/loopsentry-lab/t7-ovs/db.sock")
    }

    @Test("with --ovs a loop is an OVS port passing only its VLAN, shaped at both ends; unloop deletes the port first")
    func ovsLoop() {
        let plan = LabPlan(vlans: [VLANID(10)!, VLANID(20)!], names: names, ovs: true)
        let loop = plan.loop(VLANID(20)!)
        #expect(loop.contains(vsctl("add-port", "br0", "lp20", "trunks=20")))
        #expect(loop.filter { $0.args.contains("tbf") }.count == 2)
        #expect(loop.filter { $0.args.contains("nft") }.map { $0.args[3] } == [names.switch2])
        #expect(plan.unloop(VLANID(20)!).first == vsctl("--if-exists", "del-port", "br0", "lp20"))
        #expect(!plan.unloop(VLANID(20)!).contains { $0.args.contains("nft") && $0.args.contains(names.switch1) })
    }
}
