import Foundation
import LoopSentryCore
import Remediate
import Testing

/// linux-bridge-vlan-fast.yml through `AnsibleRunner` on a private network namespace with a
/// bridge and a veth port (root): exact nftables ruleset after cut, repeat, restore and check
/// mode, and the cross-check with linux-bridge-vlan.yml (each sees the other's cut as done).
@Suite(.serialized, .enabled(if: geteuid() == 0 && AnsibleTestEnv.hasAnsible, "needs root and ansible-playbook"))
final class LinuxFastPlaybookTests {
    let netns = "lsfast-\(getpid())"

    init() throws {
        _ = try? AnsibleTestShell.run(["ip", "netns", "del", netns])
        try AnsibleTestShell.must(["ip", "netns", "add", netns])
        for args in [["link", "add", "br0", "type", "bridge"], ["link", "add", "trunk", "type", "veth", "peer", "name", "p1"],
                     ["link", "set", "trunk", "master", "br0"], ["link", "set", "p1", "master", "br0"]] {
            try AnsibleTestShell.must(["ip", "-n", netns] + args)
        }
    }

    deinit { _ = try? AnsibleTestShell.run(["ip", "netns", "del", netns]) }

    func run(_ playbook: String, _ action: PlaybookAction, _ vlans: [Int], check: Bool = false) async throws -> PlaybookResult {
        let vars = PlaybookVariables(action: action, vlans: vlans.map(AnsibleTestEnv.vlan), targetHost: "h", port: "trunk",
                                     tenant: "acme corp", incidentID: "INC-5", netns: netns)
        let r = try await AnsibleTestEnv.runner().run(
            PlaybookRequest(playbook: playbook, variables: vars, inventory: AnsibleTestEnv.localInventory("h"),
                            check: check, timeout: .seconds(60)))
        #expect(r.succeeded, "\(playbook) \(action): \(r.error?.description ?? "")")
        return r
    }

    /// `nft list ruleset` in the namespace (must succeed, so an nft failure fails the test).
    func ruleset() throws -> String {
        try AnsibleTestShell.must(["ip", "netns", "exec", netns, "nft", "list", "ruleset"])
    }

    static func rules(_ vlans: [Int]) -> String {
        let lines = vlans.flatMap { v in ["in", "out"].map { dir in
            "\t\t\(dir == "in" ? "iifname" : "oifname") \"trunk\" vlan id \(v) counter packets 0 bytes 0 drop "
                + "comment \"loopsentry port=trunk vlan=\(v) dir=\(dir) incident=INC-5 tenant=acme_corp\"\n"
        } }
        return "table bridge loopsentry {\n\tchain cut {\n\t\ttype filter hook forward priority filter; policy accept;\n"
            + lines.joined() + "\t}\n}\n"
    }

    @Test("cut of vlans [20, 21] adds four rules in one task; repeat changes nothing; restore empties the chain; check mode changes nothing")
    func cutRepeatRestoreCheck() async throws {
        let preview = try await run("linux-bridge-vlan-fast", .cut, [20, 21], check: true)
        #expect(preview.changed == 1 && preview.tasks.count == 1)
        #expect(try ruleset() == "")

        let cut = try await run("linux-bridge-vlan-fast", .cut, [21, 20])
        #expect(cut.changed == 1 && cut.tasks.count == 1)
        #expect(try ruleset() == Self.rules([20, 21]))
        let again = try await run("linux-bridge-vlan-fast", .cut, [20, 21])
        #expect(again.changed == 0)

        let previewRestore = try await run("linux-bridge-vlan-fast", .restore, [20], check: true)
        #expect(previewRestore.changed == 1)
        #expect(try ruleset() == Self.rules([20, 21]))
        let restore = try await run("linux-bridge-vlan-fast", .restore, [20, 21])
        #expect(restore.changed == 1)
        #expect(try ruleset() == Self.rules([]))
        let restoreAgain = try await run("linux-bridge-vlan-fast", .restore, [20, 21])
        #expect(restoreAgain.changed == 0)
    }

    @Test("cross-check: a cut by either playbook is done for the other (changed=0), which restores it")
    func crossPlaybooks() async throws {
        _ = try await run("linux-bridge-vlan-fast", .cut, [20, 35])
        let full = try await run("linux-bridge-vlan", .cut, [20, 35])
        #expect(full.changed == 0)
        let fullRestore = try await run("linux-bridge-vlan", .restore, [20, 35])
        #expect(fullRestore.changed >= 1)
        #expect(try ruleset() == Self.rules([]))

        _ = try await run("linux-bridge-vlan", .cut, [20, 35])
        #expect(try ruleset() == Self.rules([20, 35]))
        let fast = try await run("linux-bridge-vlan-fast", .cut, [20, 35])
        #expect(fast.changed == 0)
        let fastRestore = try await run("linux-bridge-vlan-fast", .restore, [35])
        #expect(fastRestore.changed == 1)
        #expect(try ruleset() == Self.rules([20]))
    }

    @Test("a port that is not a bridge port fails with the reason from the script, nothing applied")
    func notABridgePort() async throws {
        let vars = PlaybookVariables(action: .cut, vlan: AnsibleTestEnv.vlan(20), targetHost: "h", port: "nope0", netns: netns)
        let r = try await AnsibleTestEnv.runner().run(
            PlaybookRequest(playbook: "linux-bridge-vlan-fast", variables: vars, inventory: AnsibleTestEnv.localInventory("h")))
        #expect(r.error?.description == "playbook linux-bridge-vlan-fast.yml failed on h at task 'Cut or restore with one nft transaction': "
                + "nope0 is not a bridge port (netns \(netns)): Device \"nope0\" does not exist.")
        #expect(try ruleset() == "")
    }
}
