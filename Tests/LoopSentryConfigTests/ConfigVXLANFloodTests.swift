import Foundation
import LoopSentryConfig
import LoopSentryCore
import Testing

/// `interfaces[].vxlan_flood`: the VTEPs each probed VNI's self-probe goes to (IPv4 and IPv6),
/// refused with one-line errors naming the key and the line.
@Suite struct ConfigVXLANFloodTests {
    func errors(_ yaml: String) -> [String] { ConfigLoaderTests().errors(yaml) }

    static let yaml = """
    interfaces:
      - name: underlay0
        vnis: "5000-5099"
        vxlan_port: 8472
        vxlan_flood:
          - { vnis: "5000-5001", vteps: [10.99.0.1, 10.99.0.2] }
          - { vnis: "5050", vteps: ["2001:db8::2"] }
    tenants:
      - name: org-v
        policy: alarm
        vnis: [{ interface: underlay0, vnis: "5000-5099" }]
    """

    @Test func floodListsBecomeAProbePlanWithTheInterfacesPort() throws {
        let c = try ConfigLoader.parse(Self.yaml)
        let i = c.interfaces[0]
        #expect(i.vxlanFlood.map(\.vnis.description) == ["5000-5001", "5050"])
        #expect(i.vxlanFlood[0].vteps.map(\.bytes) == [[10, 99, 0, 1], [10, 99, 0, 2]])
        #expect(i.vxlanFlood[1].vteps.map(\.bytes) == [[0x20, 0x01, 0x0d, 0xb8] + [UInt8](repeating: 0, count: 11) + [2]])
        let plan = try #require(i.vniProbePlan)
        #expect(plan.vnis == [VNI(5000)!, VNI(5001)!, VNI(5050)!] && plan.port == 8472)
        #expect(plan.vteps[VNI(5050)!]?.map(\.printed) == ["2001:db8::2"])
        #expect(try ConfigLoader.parse(ConfigVNITests.underlay).interfaces[0].vniProbePlan == nil)
    }

    @Test func theExplanationNamesTheProbedVNIsAndTheirVTEPs() throws {
        let lines = try ConfigLoader.parse(Self.yaml).explanation()
        #expect(lines.contains { $0.contains("; VNI probes for 5000-5001 to 10.99.0.1,10.99.0.2; VNI probes for 5050 to 2001:db8::2") })
    }

    static let head = "interfaces:\n  - name: u\n    vnis: \"1-9\"\n    vxlan_flood:\n"

    @Test("bad flood lists are refused with the key and the line", arguments: [
        (head + "      - { vnis: \"1-2\", vteps: [10.0.0.300] }\n",
         "interfaces[0].vxlan_flood[0].vteps[0] (line 5): '10.0.0.300' is not a VTEP address (an IPv4 or IPv6 address, not 0.0.0.0 or ::)"),
        (head + "      - { vnis: \"1-2\", vteps: [\"::\"] }\n",
         "interfaces[0].vxlan_flood[0].vteps[0] (line 5): '::' is not a VTEP address (an IPv4 or IPv6 address, not 0.0.0.0 or ::)"),
        (head + "      - { vnis: \"1-2\", vteps: [] }\n",
         "interfaces[0].vxlan_flood[0].vteps (line 5): must be a non-empty list of VTEP addresses like [10.99.0.1, \"2001:db8::2\"]"),
        (head + "      - { vnis: \"1-2\", vteps: 10.0.0.1 }\n",
         "interfaces[0].vxlan_flood[0].vteps (line 5): must be a non-empty list of VTEP addresses like [10.99.0.1, \"2001:db8::2\"]"),
        (head + "      - { vnis: \"1-2\", vteps: [10.0.0.1, 10.0.0.1] }\n",
         "interfaces[0].vxlan_flood[0].vteps[1] (line 5): 10.0.0.1 is listed twice"),
        (head + "      - { vnis: \"1-2\" }\n", "interfaces[0].vxlan_flood[0].vteps (line 5): is required"),
        (head + "      - { vnis: \"1-2\", vteps: [10.0.0.1], vtep: x }\n",
         "interfaces[0].vxlan_flood[0].vtep (line 5): unknown key (allowed: vnis, vteps); did you mean 'vteps'?"),
        (head + "      - { vnis: \"8-12\", vteps: [10.0.0.1] }\n",
         "interfaces[0].vxlan_flood[0].vnis (line 5): VNIs 8-12 are not all watched on this interface (add them to vnis)"),
        (head + "      - { vnis: \"1-5\", vteps: [10.0.0.1] }\n      - { vnis: \"5-6\", vteps: [10.0.0.2] }\n",
         "interfaces[0].vxlan_flood[1].vnis (line 6): VNI 5 is already in an earlier vxlan_flood entry"),
        ("interfaces:\n  - name: u\n    vnis: \"1-5000\"\n    vxlan_flood:\n      - { vnis: \"1-5000\", vteps: [10.0.0.1] }\n",
         "interfaces[0].vxlan_flood (line 5): 5000 VNIs have a flood list; at most 4096 can be probed on one interface"),
        (head + "      - vnis: \"1\"\n        vteps: [10.0.0.1]\n      - 7\n",
         "interfaces[0].vxlan_flood[1] (line 7): must be a mapping of keys (vnis, vteps)"),
    ])
    func refusals(yaml: String, message: String) {
        let got = errors(yaml)
        #expect(got.contains(message), "got \(got)")
    }
}
