import LoopSentryCore
import Remediate
import Testing

/// The pure plan of an Open vSwitch cut (shared rules with ovs-trunk-vlan.yml's template).
@Suite struct OVSTrunkPlanTests {
    func v(_ n: Int...) -> [VLANID] { n.map { VLANID($0)! } }
    let ids = [OVSTrunkPlan.originalKey: "10,20,30", OVSTrunkPlan.cutKey: "20"]

    @Test("a cut removes only carried VLANs and records the original set and the VLANs it removed")
    func cut() {
        let p = OVSTrunkPlan(row: OVSPortRow(uuid: "u", trunks: [10, 20, 30]), action: .cut, vlans: v(20, 40), port: "trunk")
        #expect(p.changes && p.moved == [20] && p.trunks == [10, 30])
        #expect(p.externalIDs == ids)
    }

    @Test("a second cut of the same VLAN changes nothing; restore gives back exactly the original and drops both keys")
    func idempotentAndRestore() {
        let cut = OVSPortRow(uuid: "u", trunks: [10, 30], externalIDs: ids.merging(["neutron": "x"]) { $1 })
        #expect(!OVSTrunkPlan(row: cut, action: .cut, vlans: v(20), port: "trunk").changes)
        let back = OVSTrunkPlan(row: cut, action: .restore, vlans: v(20), port: "trunk")
        #expect(back.changes && back.trunks == [10, 20, 30] && back.externalIDs == ["neutron": "x"])
        #expect(!OVSTrunkPlan(row: OVSPortRow(uuid: "u", trunks: [10, 20, 30]), action: .restore, vlans: v(20), port: "trunk").changes)
    }

    @Test("empty trunks (every VLAN): the cut writes 0-4095 without the VLAN and records 'all'; the last restore gives back empty trunks")
    func everyVLAN() {
        let p = OVSTrunkPlan(row: OVSPortRow(uuid: "u", trunks: []), action: .cut, vlans: v(20, 21), port: "p")
        #expect(p.trunks.count == 4094 && !p.trunks.contains(20) && p.trunks.contains(0) && p.trunks.contains(4095))
        #expect(OVSTrunkPlan.ranges(p.trunks) == "0-19,22-4095")
        #expect(p.externalIDs == [OVSTrunkPlan.originalKey: "all", OVSTrunkPlan.cutKey: "20,21"])
        let half = OVSTrunkPlan(row: OVSPortRow(uuid: "u", trunks: p.trunks, externalIDs: p.externalIDs), action: .restore,
                                vlans: v(20), port: "p")
        #expect(OVSTrunkPlan.ranges(half.trunks) == "0-20,22-4095" && half.externalIDs[OVSTrunkPlan.cutKey] == "21")
        let whole = OVSTrunkPlan(row: OVSPortRow(uuid: "u", trunks: half.trunks, externalIDs: half.externalIDs), action: .restore,
                                 vlans: v(21), port: "p")
        #expect(whole.changes && whole.trunks.isEmpty && whole.externalIDs.isEmpty)
    }

    @Test("restore gives back only what LoopSentry removed: a VLAN another writer removed stays removed")
    func onlyOurs() {
        let row = OVSPortRow(uuid: "u", trunks: [10], externalIDs: ids)   // someone else removed 30 after our cut of 20
        let p = OVSTrunkPlan(row: row, action: .restore, vlans: v(20, 30), port: "trunk")
        #expect(p.moved == [20] && p.trunks == [10, 20] && p.externalIDs.isEmpty)
    }

    @Test("an access port and a native VLAN are refused, naming the port and changing nothing")
    func refusals() {
        let access = OVSTrunkPlan(row: OVSPortRow(uuid: "u", trunks: [], tag: 10), action: .cut, vlans: v(10), port: "acc")
        #expect(access.refusal == "acc is an access port (tag 10): its trunks do not decide what it forwards; nothing changed")
        #expect(!access.changes)
        let native = OVSTrunkPlan(row: OVSPortRow(uuid: "u", trunks: [10, 20], tag: 10, vlanMode: "native-untagged"),
                                  action: .cut, vlans: v(10), port: "p")
        #expect(native.refusal == "VLAN 10 is the native VLAN (tag) of p: trunks cannot cut it; nothing changed")
        #expect(OVSTrunkPlan(row: OVSPortRow(uuid: "u", trunks: [10, 20], tag: 10, vlanMode: "native-untagged"),
                             action: .cut, vlans: v(20), port: "p").trunks == [10])
    }
}
