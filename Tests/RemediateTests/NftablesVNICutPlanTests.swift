import LoopSentryCore
import Remediate
import Testing

/// VNI cuts in the nftables plan: two rules per VNI on the underlay port in the VLAN cuts' table,
/// matching the VXLAN UDP port and the VNI field; only missing rules are added; a restore deletes
/// exactly the rules of that VNI on that port (not a VLAN with the same number, not a longer VNI).
@Suite struct NftablesVNICutPlanTests {
    func n(_ v: Int) -> VNI { VNI(v)! }

    /// A listing with a VNI cut, a VLAN cut numbered like a VNI prefix, and a longer VNI.
    static let listing = """
        {"nftables": [{"metainfo": {"version": "1.0.6", "json_schema_version": 1}},
         {"rule": {"family": "bridge", "table": "loopsentry", "chain": "cut", "handle": 4, "comment": "loopsentry port=underlay vni=5000 dir=in incident=7 tenant=org-v", "expr": []}},
         {"rule": {"family": "bridge", "table": "loopsentry", "chain": "cut", "handle": 5, "comment": "loopsentry port=underlay vni=5000 dir=out incident=7 tenant=org-v", "expr": []}},
         {"rule": {"family": "bridge", "table": "loopsentry", "chain": "cut", "handle": 6, "comment": "loopsentry port=underlay vni=50001 dir=in incident=9 tenant=x", "expr": []}},
         {"rule": {"family": "bridge", "table": "loopsentry", "chain": "cut", "handle": 7, "comment": "loopsentry port=underlay vlan=500 dir=in incident=3 tenant=x", "expr": []}},
         {"rule": {"family": "bridge", "table": "loopsentry", "chain": "cut", "handle": 8, "comment": "loopsentry port=other vni=5000 dir=in incident=2 tenant=x", "expr": []}}]}
        """

    @Test("first VNI cut creates table and chain, then two rules per VNI with UDP port and VNI field")
    func firstCut() {
        let batch = CutBatch(action: .cut, items: [], vniItems: [(n(5001), 12), (n(5000), 11)], vxlanPort: 8472, tenant: "org-v")
        let plan = NftablesCutPlan(batch: batch, port: "underlay", existing: nil)
        #expect(plan.script == """
            add table bridge loopsentry
            add chain bridge loopsentry cut { type filter hook forward priority -200; policy accept; }
            add rule bridge loopsentry cut iifname "underlay" udp dport 8472 @th,96,24 5000 counter drop comment "loopsentry port=underlay vni=5000 dir=in incident=11 tenant=org-v"
            add rule bridge loopsentry cut oifname "underlay" udp dport 8472 @th,96,24 5000 counter drop comment "loopsentry port=underlay vni=5000 dir=out incident=11 tenant=org-v"
            add rule bridge loopsentry cut iifname "underlay" udp dport 8472 @th,96,24 5001 counter drop comment "loopsentry port=underlay vni=5001 dir=in incident=12 tenant=org-v"
            add rule bridge loopsentry cut oifname "underlay" udp dport 8472 @th,96,24 5001 counter drop comment "loopsentry port=underlay vni=5001 dir=out incident=12 tenant=org-v"

            """)
        #expect(plan.added == 4 && plan.deleted == 0)
    }

    @Test("a VLAN and a VNI in one batch: the VLAN's rules first, then the VNI's, default port 4789")
    func mixedBatch() {
        let batch = CutBatch(action: .cut, items: [(VLANID(20)!, 3)], vniItems: [(n(5000), 4)], tenant: "t")
        let plan = NftablesCutPlan(batch: batch, port: "p", existing: [])
        #expect(plan.script.split(separator: "\n") == [
            "add rule bridge loopsentry cut iifname \"p\" vlan id 20 counter drop comment \"loopsentry port=p vlan=20 dir=in incident=3 tenant=t\"",
            "add rule bridge loopsentry cut oifname \"p\" vlan id 20 counter drop comment \"loopsentry port=p vlan=20 dir=out incident=3 tenant=t\"",
            "add rule bridge loopsentry cut iifname \"p\" udp dport 4789 @th,96,24 5000 counter drop comment \"loopsentry port=p vni=5000 dir=in incident=4 tenant=t\"",
            "add rule bridge loopsentry cut oifname \"p\" udp dport 4789 @th,96,24 5000 counter drop comment \"loopsentry port=p vni=5000 dir=out incident=4 tenant=t\"",
        ])
        #expect(batch.incidents == [3, 4])
    }

    @Test("a repeated VNI cut adds nothing; a half-present cut adds only the missing direction")
    func idempotent() throws {
        let rules = try NftablesCutPlan.rules(fromListing: Self.listing)
        let again = NftablesCutPlan(batch: CutBatch(action: .cut, items: [], vniItems: [(n(5000), 7)], tenant: "org-v"),
                                    port: "underlay", existing: rules)
        #expect(again.script == "" && again.added == 0)
        let half = NftablesCutPlan(batch: CutBatch(action: .cut, items: [], vniItems: [(n(50001), 9)], tenant: "x"),
                                   port: "underlay", existing: rules)
        #expect(half.script == "add rule bridge loopsentry cut oifname \"underlay\" udp dport 4789 @th,96,24 50001 counter drop comment "
                + "\"loopsentry port=underlay vni=50001 dir=out incident=9 tenant=x\"\n")
    }

    @Test("restore deletes exactly that VNI's rules on that port by handle")
    func restore() throws {
        let rules = try NftablesCutPlan.rules(fromListing: Self.listing)
        let plan = NftablesCutPlan(batch: CutBatch(action: .restore, items: [], vniItems: [(n(5000), 7)], tenant: "org-v"),
                                   port: "underlay", existing: rules)
        #expect(plan.script == "delete rule bridge loopsentry cut handle 4\ndelete rule bridge loopsentry cut handle 5\n")
        #expect(plan.deleted == 2 && plan.added == 0)
    }

    @Test("a failed batch fails each of its VNIs with the reason")
    func failedOutcome() {
        let batch = CutBatch(action: .cut, items: [], vniItems: [(n(5000), 1), (n(5001), 2)], tenant: "t")
        let out = CutOutcome.failed(batch, "nope")
        #expect(out.vniFailures == [n(5000): "nope", n(5001): "nope"] && !out.succeeded && out.line(for: n(5001)) == "nope")
    }
}
