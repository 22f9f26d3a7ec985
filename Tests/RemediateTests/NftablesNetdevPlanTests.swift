import LoopSentryCore
import Remediate
import Testing

/// VNI cuts in the netdev family: table `netdev loopsentry`, chains `in-PORT` (ingress hook) and
/// `out-PORT` (egress hook) created with the first rule and deleted with the last; the rules and
/// comments of the bridge family without the interface match; a restore deletes every rule with
/// the VNI's key on that port, whatever incident made it.
@Suite struct NftablesNetdevPlanTests {
    func n(_ v: Int) -> VNI { VNI(v)! }

    /// A table with a VNI 5000 cut on `underlay` (one rule of an older incident), a VNI 5001 cut,
    /// and a foreign rule in the ingress chain of `other`.
    static let listing = """
        {"nftables": [{"metainfo": {"version": "1.0.6", "json_schema_version": 1}},
         {"table": {"family": "netdev", "name": "loopsentry", "handle": 1}},
         {"chain": {"family": "netdev", "table": "loopsentry", "name": "in-underlay", "handle": 1, "type": "filter", "hook": "ingress", "prio": -200, "policy": "accept"}},
         {"chain": {"family": "netdev", "table": "loopsentry", "name": "out-underlay", "handle": 2, "type": "filter", "hook": "egress", "prio": -200, "policy": "accept"}},
         {"chain": {"family": "netdev", "table": "loopsentry", "name": "in-other", "handle": 3, "type": "filter", "hook": "ingress", "prio": -200, "policy": "accept"}},
         {"rule": {"family": "netdev", "table": "loopsentry", "chain": "in-underlay", "handle": 4, "comment": "loopsentry port=underlay vni=5000 dir=in incident=7 tenant=old", "expr": []}},
         {"rule": {"family": "netdev", "table": "loopsentry", "chain": "out-underlay", "handle": 5, "comment": "loopsentry port=underlay vni=5000 dir=out incident=9 tenant=org-v", "expr": []}},
         {"rule": {"family": "netdev", "table": "loopsentry", "chain": "in-underlay", "handle": 6, "comment": "loopsentry port=underlay vni=5001 dir=in incident=9 tenant=org-v", "expr": []}},
         {"rule": {"family": "netdev", "table": "loopsentry", "chain": "in-other", "handle": 7, "expr": []}}]}
        """

    @Test("first cut creates the table and both chains of the port, then one rule per VNI in each")
    func firstCut() {
        let batch = CutBatch(action: .cut, items: [], vniItems: [(n(5001), 12), (n(5000), 11)], vxlanPort: 8472, tenant: "org-v")
        let plan = NftablesCutPlan(netdevBatch: batch, port: "underlay", existing: nil)
        #expect(plan.script == """
            add table netdev loopsentry
            add chain netdev loopsentry in-underlay { type filter hook ingress device "underlay" priority -200; policy accept; }
            add chain netdev loopsentry out-underlay { type filter hook egress device "underlay" priority -200; policy accept; }
            add rule netdev loopsentry in-underlay udp dport 8472 @th,96,24 5000 counter drop comment "loopsentry port=underlay vni=5000 dir=in incident=11 tenant=org-v"
            add rule netdev loopsentry out-underlay udp dport 8472 @th,96,24 5000 counter drop comment "loopsentry port=underlay vni=5000 dir=out incident=11 tenant=org-v"
            add rule netdev loopsentry in-underlay udp dport 8472 @th,96,24 5001 counter drop comment "loopsentry port=underlay vni=5001 dir=in incident=12 tenant=org-v"
            add rule netdev loopsentry out-underlay udp dport 8472 @th,96,24 5001 counter drop comment "loopsentry port=underlay vni=5001 dir=out incident=12 tenant=org-v"

            """)
        #expect(plan.added == 4 && plan.deleted == 0)
    }

    @Test("rules of an earlier incident count as the cut: a repeat adds nothing, a half cut only its missing direction, chains are not re-added")
    func idempotent() throws {
        let table = try NftablesCutPlan.netdevTable(fromListing: Self.listing)
        #expect(table.ruleCount == ["in-underlay": 2, "out-underlay": 1, "in-other": 1])
        #expect(table.rules.map(\.chain) == ["in-underlay", "out-underlay", "in-underlay"])
        let again = NftablesCutPlan(netdevBatch: CutBatch(action: .cut, items: [], vniItems: [(n(5000), 41)], tenant: "org-v"),
                                    port: "underlay", existing: table)
        #expect(again.script == "" && again.added == 0)
        let half = NftablesCutPlan(netdevBatch: CutBatch(action: .cut, items: [], vniItems: [(n(5001), 9)], tenant: "org-v"),
                                   port: "underlay", existing: table)
        #expect(half.script == "add rule netdev loopsentry out-underlay udp dport 4789 @th,96,24 5001 counter drop comment "
                + "\"loopsentry port=underlay vni=5001 dir=out incident=9 tenant=org-v\"\n")
        let otherPort = NftablesCutPlan(netdevBatch: CutBatch(action: .cut, items: [], vniItems: [(n(5000), 2)], tenant: "t"),
                                        port: "other", existing: table)
        #expect(otherPort.script.split(separator: "\n").map(String.init) == [
            "add chain netdev loopsentry out-other { type filter hook egress device \"other\" priority -200; policy accept; }",
            "add rule netdev loopsentry in-other udp dport 4789 @th,96,24 5000 counter drop comment \"loopsentry port=other vni=5000 dir=in incident=2 tenant=t\"",
            "add rule netdev loopsentry out-other udp dport 4789 @th,96,24 5000 counter drop comment \"loopsentry port=other vni=5000 dir=out incident=2 tenant=t\"",
        ])
    }

    @Test("restore deletes the VNI's rules by handle whatever their incident, and a chain only with its last rule")
    func restore() throws {
        let table = try NftablesCutPlan.netdevTable(fromListing: Self.listing)
        let plan = NftablesCutPlan(netdevBatch: CutBatch(action: .restore, items: [], vniItems: [(n(5000), 41)], tenant: "org-v"),
                                   port: "underlay", existing: table)
        #expect(plan.script == """
            delete rule netdev loopsentry in-underlay handle 4
            delete rule netdev loopsentry out-underlay handle 5
            delete chain netdev loopsentry out-underlay

            """)
        #expect(plan.deleted == 2 && plan.added == 0)
        let none = NftablesCutPlan(netdevBatch: CutBatch(action: .restore, items: [], vniItems: [(n(6000), 1)], tenant: "t"),
                                   port: "underlay", existing: table)
        #expect(none.script == "" && none.deleted == 0)
        let empty = NftablesCutPlan(netdevBatch: CutBatch(action: .restore, items: [], vniItems: [(n(5000), 1)], tenant: "t"),
                                    port: "underlay", existing: nil)
        #expect(empty.script == "")
    }

    @Test("a listing that is not nftables JSON is a one-line error")
    func badListing() {
        let error = #expect(throws: NftablesPlanError.self) { try NftablesCutPlan.netdevTable(fromListing: "Error: oops") }
        #expect(error?.message == "nft listing is not nftables JSON: Error: oops")
    }
}
