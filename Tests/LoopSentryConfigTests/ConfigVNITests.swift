import Foundation
import LoopSentryConfig
import LoopSentryCore
import Testing

/// `vnis:` on interfaces (watched VXLAN segments, their threshold overrides, the UDP port) and
/// on tenants: the same syntax as VLANs, the same kind of one-line errors.
@Suite struct ConfigVNITests {
    func errors(_ yaml: String) -> [String] { ConfigLoaderTests().errors(yaml) }

    static let underlay = """
    interfaces:
      - name: underlay0
        vnis: "5000-5099,6000"
        vxlan_port: 8472
        detection: { rising: 2000 }
        overrides:
          - vnis: "5000-5009"
            detection: { rising: 500, falling: 100 }
          - vlans: "10"
            detection: { rising: 300 }
    tenants:
      - name: org-v
        policy: alarm
        vnis: [{ interface: underlay0, vnis: "5000-5049" }]
      - name: org-w
        policy: alarm
        vlans: [{ interface: underlay0, vlans: "10" }]
        vnis: [{ interface: underlay0, vnis: "6000" }]
    """

    @Test func interfacesWatchVNIsWithTheirOwnOverridesAndTenantsOwnThem() throws {
        let c = try ConfigLoader.parse(Self.underlay)
        let i = c.interfaces[0]
        #expect(i.vnis.description == "5000-5099,6000" && i.vxlanPort == 8472 && i.vnis.count == 101)
        let p = c.detectionPolicy
        func vni(_ n: Int) -> DetectionKey { DetectionKey(interface: "underlay0", vni: VNI(n)!) }
        #expect(p.thresholds(for: vni(5005)).broadcast.rising == 500)
        #expect(p.thresholds(for: vni(5010)).broadcast.rising == 2000)
        #expect(p.thresholds(for: DetectionKey(interface: "underlay0", vlan: VLANID(10)!)).broadcast.rising == 300)
        #expect(p.thresholds(for: vni(10)).broadcast.rising == 2000, "VLAN 10's override is not VNI 10's")
        #expect(c.tenants[0].owns(vni(5049)) && !c.tenants[0].owns(vni(5050)))
        #expect(c.tenants[1].owns(vni(6000)) && c.tenants[1].owns(DetectionKey(interface: "underlay0", vlan: VLANID(10)!)))
        #expect(!c.tenants[1].owns(DetectionKey(interface: "underlay0", vlan: VLANID(6000 % 4096)!)))
    }

    @Test("bad VNI settings are refused with the key and the line", arguments: [
        ("interfaces:\n  - name: u\n    vnis: \"0\"\n", "interfaces[0].vnis (line 3): VNI 0 is out of range 1-16777215"),
        ("interfaces:\n  - name: u\n    vnis: \"1-70000\"\n", "interfaces[0].vnis (line 3): 70000 VNIs; at most 65536 can be watched on one interface"),
        ("interfaces:\n  - name: u\n    vxlan_port: 0\n", "interfaces[0].vxlan_port (line 3): must be in 1-65535; got 0"),
        ("interfaces:\n  - name: u\n    overrides:\n      - { vnis: \"5\", vlans: \"5\", detection: { rising: 9 } }\n",
         "interfaces[0].overrides[0] (line 4): an override names either vlans or vnis, not both"),
        ("interfaces:\n  - name: u\n    vnis: \"1-9\"\n    overrides:\n      - { vnis: \"1-5\", detection: { rising: 9 } }\n      - { vnis: \"5-6\", detection: { rising: 9 } }\n",
         "interfaces[0].overrides (line 2): VNIs 1-5 and 5-6 overlap at VNI 5"),
        ("interfaces:\n  - name: u\n    vnis: \"1-9\"\ntenants:\n  - name: a\n    policy: alarm\n    vnis: [{ interface: u, vnis: \"8-12\" }]\n",
         "tenants[0].vnis[0].vnis (line 7): VNIs 8-12 are not all watched on u (add them to interfaces[].vnis)"),
        ("interfaces:\n  - name: u\n    vnis: \"1-9\"\ntenants:\n  - name: a\n    policy: alarm\n    vnis: [{ interface: u, vnis: \"1-5\" }]\n  - name: b\n    policy: alarm\n    vnis: [{ interface: u, vnis: \"5\" }]\n",
         "tenants[1].vnis (line 10): VNI 5 on u belongs to both 'a' (line 7) and 'b': tenant VNIs must not overlap"),
        ("interfaces:\n  - name: u\ntenants:\n  - name: a\n    policy: alarm\n", "tenants[0].vlans (line 4): is required"),
        ("interfaces:\n  - name: u\n    vnis: \"1-9\"\ntenants:\n  - name: a\n    policy: ack\n    vnis: [{ interface: u, vnis: \"1-5\" }]\n"
            + "    remediation: { driver: ovs, port: p }\n",
         "tenants[0].remediation.driver (line 7): VNI cuts need driver nftables or a VNI playbook (tenant 'a' has vnis and driver ovs)"),
        ("interfaces:\n  - name: u\n    vnis: \"1-9\"\ntenants:\n  - name: a\n    policy: auto\n    vnis: [{ interface: u, vnis: \"1-5\" }]\n"
            + "    remediation: { driver: snmp, port: p, snmp: { address: 127.0.0.1, mib: cisco-vtp, port_index: 5 } }\n",
         "tenants[0].remediation.driver (line 7): VNI cuts need driver nftables or a VNI playbook (tenant 'a' has vnis and driver snmp)"),
    ])
    func refusals(yaml: String, message: String) {
        let got = errors(yaml)
        #expect(got.contains(message), "got \(got)")
    }

    @Test func aTenantWithVNIsMayCutWithTheNftablesDriver() {
        let yaml = "interfaces:\n  - name: u\n    vnis: \"1-9\"\ntenants:\n  - name: a\n    policy: auto\n"
            + "    vnis: [{ interface: u, vnis: \"1-5\" }]\n    remediation: { driver: nftables, port: p }\n"
        #expect(errors(yaml) == [])
    }
}

extension ConfigVNITests {
    @Test func theExplanationNamesWatchedVNIsTheirOverridesAndTenantVNIs() throws {
        let lines = try ConfigLoader.parse(Self.underlay).explanation()
        #expect(lines.contains { $0.hasPrefix("interface underlay0:") && $0.contains("; VXLAN (UDP 8472) VNIs 5000-5099,6000 counted; overrides for VNIs 5000-5009") })
        #expect(lines.contains { $0.hasPrefix("tenant org-w (alarm): underlay0 VLANs 10, underlay0 VNIs 6000") })
    }
}
