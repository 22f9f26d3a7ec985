import LoopSentryCore
import Remediate
import Testing

/// The nftables plan writes the rules of linux-bridge-vlan.yml's template: two per VLAN, only
/// what is missing, deletes by handle on restore.
@Suite struct NftablesCutPlanTests {
    func v(_ n: Int) -> VLANID { VLANID(n)! }

    /// A listing as `nft -j -a list chain bridge loopsentry cut` prints it (trimmed to what matters).
    static let listing = """
        {"nftables": [{"metainfo": {"version": "1.0.6", "json_schema_version": 1}},
         {"chain": {"family": "bridge", "table": "loopsentry", "name": "cut", "handle": 1, "type": "filter", "hook": "forward", "prio": -200, "policy": "accept"}},
         {"rule": {"family": "bridge", "table": "loopsentry", "chain": "cut", "handle": 4, "comment": "loopsentry port=trunk vlan=20 dir=in incident=7 tenant=org-b", "expr": []}},
         {"rule": {"family": "bridge", "table": "loopsentry", "chain": "cut", "handle": 5, "comment": "loopsentry port=trunk vlan=20 dir=out incident=7 tenant=org-b", "expr": []}},
         {"rule": {"family": "bridge", "table": "loopsentry", "chain": "cut", "handle": 6, "comment": "loopsentry port=trunk vlan=200 dir=in incident=9 tenant=x", "expr": []}},
         {"rule": {"family": "bridge", "table": "loopsentry", "chain": "cut", "handle": 8, "comment": "someone else's rule", "expr": []}},
         {"rule": {"family": "bridge", "table": "loopsentry", "chain": "cut", "handle": 9, "expr": []}}]}
        """

    @Test("the listing yields our rules only, with handles")
    func parsesListing() throws {
        let rules = try NftablesCutPlan.rules(fromListing: Self.listing)
        #expect(rules.map(\.handle) == [4, 5, 6])
        #expect(throws: NftablesPlanError.self) { try NftablesCutPlan.rules(fromListing: "Error: nonsense") }
    }

    @Test("first cut creates table and chain, then two rules per VLAN in the template's exact words")
    func firstCut() {
        let batch = CutBatch(action: .cut, items: [(v(30), 12), (v(21), 11)], tenant: "org b/ü")
        let plan = NftablesCutPlan(batch: batch, port: "trunk", existing: nil)
        #expect(plan.script == """
            add table bridge loopsentry
            add chain bridge loopsentry cut { type filter hook forward priority -200; policy accept; }
            add rule bridge loopsentry cut iifname "trunk" vlan id 21 counter drop comment "loopsentry port=trunk vlan=21 dir=in incident=11 tenant=org_b__"
            add rule bridge loopsentry cut oifname "trunk" vlan id 21 counter drop comment "loopsentry port=trunk vlan=21 dir=out incident=11 tenant=org_b__"
            add rule bridge loopsentry cut iifname "trunk" vlan id 30 counter drop comment "loopsentry port=trunk vlan=30 dir=in incident=12 tenant=org_b__"
            add rule bridge loopsentry cut oifname "trunk" vlan id 30 counter drop comment "loopsentry port=trunk vlan=30 dir=out incident=12 tenant=org_b__"

            """)
        #expect(plan.added == 4 && plan.deleted == 0)
    }

    @Test("a cut already in place changes nothing; a half cut gets only its missing rule; VLAN 2 is not VLAN 20")
    func idempotent() throws {
        let rules = try NftablesCutPlan.rules(fromListing: Self.listing)
        #expect(NftablesCutPlan(batch: CutBatch(action: .cut, vlans: [v(20)], incidents: [7], tenant: "org-b"),
                                port: "trunk", existing: rules).script == "")
        let half = NftablesCutPlan(batch: CutBatch(action: .cut, items: [(v(200), 9), (v(2), 3)], tenant: "x"), port: "trunk",
                                   existing: rules)
        #expect(half.script.split(separator: "\n").map { String($0.prefix(60)) } == [
            "add rule bridge loopsentry cut iifname \"trunk\" vlan id 2 cou",
            "add rule bridge loopsentry cut oifname \"trunk\" vlan id 2 cou",
            "add rule bridge loopsentry cut oifname \"trunk\" vlan id 200 c",
        ])
    }

    @Test("restore deletes exactly this port's rules of the batch's VLANs, by handle; nothing to delete is no change")
    func restore() throws {
        let rules = try NftablesCutPlan.rules(fromListing: Self.listing)
        let plan = NftablesCutPlan(batch: CutBatch(action: .restore, vlans: [v(20), v(200)], incidents: [], tenant: ""),
                                   port: "trunk", existing: rules)
        #expect(plan.script == "delete rule bridge loopsentry cut handle 4\ndelete rule bridge loopsentry cut handle 5\n"
                + "delete rule bridge loopsentry cut handle 6\n")
        #expect(plan.deleted == 3)
        #expect(NftablesCutPlan(batch: CutBatch(action: .restore, vlans: [v(20)], incidents: [], tenant: ""),
                                port: "trunk2", existing: rules).script == "")
        #expect(NftablesCutPlan(batch: CutBatch(action: .restore, vlans: [v(20)], incidents: [], tenant: ""),
                                port: "trunk", existing: nil).script == "")
    }

    @Test("tenant labels: ASCII letters, digits, _ . - kept; everything else _; at most 32")
    func tenantLabel() {
        #expect(NftablesCutPlan.tenantLabel("org-b_1.x") == "org-b_1.x")
        #expect(NftablesCutPlan.tenantLabel("a\"b c;") == "a_b_c_")
        #expect(NftablesCutPlan.tenantLabel(String(repeating: "x", count: 40)).count == 32)
    }
}
