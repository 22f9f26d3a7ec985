import Foundation
import LoopSentryCore
import Remediate
import Testing

/// VNIs reach a playbook: the vars file of a VNI run has `vnis`, `vni` and `vxlan_port` and no
/// VLAN keys, and the Ansible driver turns a batch of VNIs into such a run and a failed run into
/// a failure of each VNI.
@Suite struct VNIPlaybookVariablesTests {
    @Test("a VNI run's vars file: vnis ascending without duplicates, the first as vni, the UDP port; no vlan or vlans")
    func varsFile() throws {
        let vars = PlaybookVariables(action: .cut, vnis: [VNI(5001)!, VNI(5000)!, VNI(5001)!], vxlanPort: 8472, targetHost: "vtep1",
                                     port: "eth1", tenant: "org-v", incidentID: "12", netns: "lsl-sw1")
        #expect(String(decoding: try vars.jsonData(), as: UTF8.self)
                == #"{"action":"cut","incident_id":"12","netns":"lsl-sw1","port":"eth1","target_host":"vtep1","tenant":"org-v","#
                + #""vni":5000,"vnis":[5000,5001],"vxlan_port":8472}"#)
        #expect(vars.vlan == nil)
    }

    @Test("the Ansible driver's request for a batch of VNIs carries them with the batch's UDP port")
    func driverRequest() {
        let driver = AnsibleCutDriver(runner: AnsibleRunner(), playbook: "linux-vxlan-vni.yml", host: "vtep1", port: "eth1",
                                      netns: nil, inventory: nil, saveConfig: false, timeout: .seconds(30))
        let batch = CutBatch(action: .restore, items: [], vniItems: [(VNI(7000)!, 4)], vxlanPort: 4790, tenant: "t")
        let d = driver.request(batch).variables.dictionary
        #expect(d["vnis"] == .ints([7000]) && d["vni"] == .int(7000) && d["vxlan_port"] == .int(4790))
        #expect(d["vlans"] == nil && d["vlan"] == nil && d["action"] == .string("restore") && d["incident_id"] == .string("4"))
    }

    @Test("a failed run fails each VNI of the batch with the run's line")
    func failedRunFailsVNIs() async {
        let driver = AnsibleCutDriver(runner: AnsibleRunner(playbookDirectory: "/nonexistent-loopsentry"), playbook: "linux-vxlan-vni.yml",
                                      host: "vtep1", port: "eth1", netns: nil, inventory: nil, saveConfig: false, timeout: .seconds(30))
        let out = await driver.apply(CutBatch(action: .cut, items: [], vniItems: [(VNI(5000)!, 1), (VNI(5001)!, 2)], tenant: "t"))
        #expect(!out.succeeded && out.vniFailures.keys.sorted() == [VNI(5000)!, VNI(5001)!] && out.failures.isEmpty)
        #expect(out.line(for: VNI(5000)!) == out.detail && !out.detail.isEmpty)
    }
}
