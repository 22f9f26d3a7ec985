import Foundation
import LoopSentryCore
import Remediate
import Testing

/// The in-process nftables driver against the kernel's nftables in a private namespace with a
/// bridge port `trunk`, cross-checked with `nft` and with linux-bridge-vlan.yml (which must see the
/// driver's cut as already done, and restore it).
@Suite(.serialized, .enabled(if: geteuid() == 0, "needs root for network namespaces and nftables"))
final class NftablesDriverTests {
    let ns = "lsn-\(UInt32.random(in: 0...0xffffff))"

    init() throws {
        for cmd in [["ip", "netns", "add", ns],
                    ["ip", "netns", "exec", ns, "ip", "link", "add", "br0", "type", "bridge"],
                    ["ip", "netns", "exec", ns, "ip", "link", "add", "trunk", "type", "veth", "peer", "name", "peer0"],
                    ["ip", "netns", "exec", ns, "ip", "link", "set", "trunk", "master", "br0"]] {
            try AnsibleTestShell.must(cmd)
        }
    }

    deinit { _ = try? AnsibleTestShell.run(["ip", "netns", "del", ns]) }

    func v(_ n: Int) -> VLANID { VLANID(n)! }

    /// `nft list ruleset` in the namespace, one trimmed line per rule of ours; throws when nft fails.
    func ourRules() throws -> [String] {
        let r = try AnsibleTestShell.run(["ip", "netns", "exec", ns, "nft", "list", "ruleset"])
        guard r.status == 0 else { throw AnsibleTestFailure("nft list ruleset: \(r.stderr)") }
        return r.stdout.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { $0.contains("comment \"loopsentry port=") }
    }

    @Test("a batch of 20 VLANs is one transaction of 40 rules; a repeat changes nothing; restore removes exactly them")
    func batchCutRestore() async throws {
        let driver = NftablesCutDriver(port: "trunk", netns: ns)
        let vlans = (101...120).map { (vlan: v($0), incident: UInt64($0)) }
        let cut = await driver.apply(CutBatch(action: .cut, items: vlans, tenant: "org-a"))
        #expect(cut.succeeded && cut.changed, "\(cut.detail)")
        #expect(cut.detail.hasPrefix("nftables: 40 rule(s) added on bridge port trunk in netns \(ns) in "))
        let rules = try ourRules()
        #expect(rules.count == 40)
        #expect(rules.contains("iifname \"trunk\" vlan id 107 counter packets 0 bytes 0 drop comment \"loopsentry port=trunk vlan=107 dir=in incident=107 tenant=org-a\""))
        let again = await driver.apply(CutBatch(action: .cut, items: vlans, tenant: "org-a"))
        #expect(again.succeeded && !again.changed && again.detail.hasPrefix("nftables: no change (already cut)"))
        #expect(try ourRules().count == 40)
        let restore = await driver.apply(CutBatch(action: .restore, vlans: (101...110).map(v), incidents: [], tenant: "org-a"))
        #expect(restore.succeeded && restore.changed && restore.detail.hasPrefix("nftables: 20 rule(s) deleted"))
        #expect(try ourRules().count == 20)
        #expect(try ourRules().allSatisfy { !$0.contains("vlan id 10") || $0.contains("vlan id 11") })
    }

    @Test("the playbook sees the driver's cut as done (changed=0) and restores it; the driver sees the playbook's cut as done",
          .enabled(if: AnsibleTestEnv.hasAnsible, AnsibleTestEnv.noAnsible))
    func playbookInterop() async throws {
        let driver = NftablesCutDriver(port: "trunk", netns: ns)
        #expect(await driver.apply(CutBatch(action: .cut, items: [(v(20), 5)], tenant: "acme")).succeeded)
        func play(_ action: PlaybookAction, _ vlan: Int) async throws -> PlaybookResult {
            try await AnsibleTestEnv.runner().run(PlaybookRequest(
                playbook: "linux-bridge-vlan.yml",
                variables: PlaybookVariables(action: action, vlan: v(vlan), targetHost: "sw", port: "trunk", tenant: "acme",
                                             incidentID: "5", netns: ns),
                inventory: AnsibleTestEnv.localInventory("sw")))
        }
        let audit = try await play(.cut, 20)
        #expect(audit.succeeded && audit.changed == 0, "\(audit.output.suffix(400))")
        let restored = try await play(.restore, 20)
        #expect(restored.succeeded && restored.changed == 1)
        #expect(try ourRules().isEmpty)
        let byPlaybook = try await play(.cut, 30)
        #expect(byPlaybook.succeeded && byPlaybook.changed == 1)
        let seen = await driver.apply(CutBatch(action: .cut, items: [(v(30), 5)], tenant: "acme"))
        #expect(seen.succeeded && !seen.changed)
        let removed = await driver.apply(CutBatch(action: .restore, vlans: [v(30)], incidents: [], tenant: "acme"))
        #expect(removed.succeeded && removed.changed)
        #expect(try ourRules().isEmpty)
    }

    @Test("a missing namespace fails every VLAN of the batch with one line naming it")
    func missingNamespace() async {
        let driver = NftablesCutDriver(port: "trunk", netns: "lsn-does-not-exist")
        let out = await driver.apply(CutBatch(action: .cut, vlans: [v(20), v(21)], incidents: [1, 2], tenant: "x"))
        #expect(out.failures.count == 2)
        #expect(out.failures[v(20)] == "nftables on bridge port trunk in netns lsn-does-not-exist: network namespace lsn-does-not-exist does not exist")
    }
}
