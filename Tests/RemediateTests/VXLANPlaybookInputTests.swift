import Foundation
import LoopSentryCore
import Remediate
import Testing

/// linux-vxlan-vni.yml refuses bad input before it touches a device: a VNI carrying shell or
/// nft syntax, a device name pattern that is not one, VLANs (it cuts VNIs only); and a VNI no
/// vxlan device carries fails naming it.
@Suite(.enabled(if: AnsibleTestEnv.hasAnsible, AnsibleTestEnv.noAnsible))
struct VXLANPlaybookInputTests {
    func run(_ vars: PlaybookVariables) async throws -> PlaybookResult {
        try await AnsibleTestEnv.runner().run(
            PlaybookRequest(playbook: "linux-vxlan-vni", variables: vars, inventory: AnsibleTestEnv.localInventory("h")))
    }

    /// VNI 5000 on UDP 4789, or (when `extra` names `vnis`) exactly the extra's VNI values.
    func vars(_ extra: [String: PlaybookVariableValue]) -> PlaybookVariables {
        var v = PlaybookVariables(action: .cut, vnis: [VNI(5000)!], vxlanPort: 4789, targetHost: "h", incidentID: "INC-1", extra: extra)
        if extra["vnis"] != nil { v.vnis = [] }  // the named field would win over the extra
        return v
    }

    @Test("bad variables fail in the first task, before any command runs", arguments: [
        ["vnis": PlaybookVariableValue.string("5000; ip link del x")],
        ["vxlan_device": .string("vx{vni}; reboot")],
        ["vnis": .ints([16_777_216])],
    ])
    func badVariables(_ extra: [String: PlaybookVariableValue]) async throws {
        let r = try await run(vars(extra))
        #expect(r.error?.description.hasPrefix("playbook linux-vxlan-vni.yml failed on h at task 'Check the variables': bad variables") == true,
                "\(r.error?.description ?? "")")
        #expect(r.tasks.count == 1)
    }

    @Test("VLANs are refused: the playbook cuts VNIs only")
    func vlansAreRefused() async throws {
        let r = try await run(vars(["vlans": .ints([20])]))
        #expect(r.error?.description == "playbook linux-vxlan-vni.yml failed on h at task 'Refuse VLANs': "
                + "this playbook cuts VXLAN VNIs only; cut VLANs with linux-bridge-vlan.yml", "\(r.error?.description ?? "")")
    }

    @Test("a VNI without a vxlan device is named in the error")
    func missingDevice() async throws {
        let r = try await run(vars(["vnis": .ints([16_777_000]), "vxlan_device": .string("lsnovx{vni}")]))
        #expect(r.error?.description.contains("no vxlan device named lsnovx{vni} carries VNI 16777000 on h") == true,
                "\(r.error?.description ?? "")")
    }
}
