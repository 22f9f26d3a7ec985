import Foundation
import LabTestSupport
import LoopSentryCore
import Remediate
import Testing

/// The native nftables driver cuts a VNI on a routed VTEP's underlay interface (not a bridge
/// port) in the netdev family: on the VXLAN lab's switch 2, whose `trunk` carries its VTEP's
/// address, both directions of VNI 5000 are dropped (frames host A sends into VNI 5000 leave
/// through trunk's egress hook, frames host B sends arrive at its ingress hook) while VNI 5001
/// crosses both ways; a restore removes the rules and the port's chains. Frames are counted where
/// they are delivered, by nft counters on the tenant hosts' interfaces (source 02:00:00:00:00:01,
/// the lab sender), not by the rules under test.
@Suite(.serialized, .enabled(if: runningAsRoot, rootReason))
final class NftablesNetdevVNICutTests {
    let lab = SuiteLab(tag: "vn", binary: loopsentryBinary)
    var sw2: String { lab.names.switch2 }

    init() throws {
        try lab.upVXLAN()
        do {
            for host in [lab.names.hostA, lab.names.hostB] {
                try Nft.load(netns: host, "table netdev rx {\n counter eth0 { }\n counter eth1 { }\n"
                             + " chain in0 { type filter hook ingress device \"eth0\" priority 0; ether saddr 02:00:00:00:00:01 counter name \"eth0\"; }\n"
                             + " chain in1 { type filter hook ingress device \"eth1\" priority 0; ether saddr 02:00:00:00:00:01 counter name \"eth1\"; }\n}\n")
            }
        } catch {
            lab.down()
            throw error
        }
    }

    deinit { lab.down() }

    /// Frames of the lab sender delivered to `host`'s `eth` (eth0: VNI 5000, eth1: VNI 5001); throws when nft fails.
    func delivered(_ host: String, _ eth: String) throws -> Int { try Nft.packets(netns: host, table: "rx", counter: eth) }

    /// The four delivery counters: host B eth0, host B eth1, host A eth0, host A eth1.
    func counts() throws -> [Int] {
        [try delivered(lab.names.hostB, "eth0"), try delivered(lab.names.hostB, "eth1"),
         try delivered(lab.names.hostA, "eth0"), try delivered(lab.names.hostA, "eth1")]
    }

    /// Sends `n` broadcasts from `host`'s `eth` into its VNI.
    func send(_ host: String, _ eth: String, _ n: Int) throws {
        try Shell.must([loopsentryBinary, "lab", "send", "--netns", host, "--interface", eth, "--vlan", "0", "--count", String(n)])
    }

    /// Sends 10 and 7 from host A (eth0, eth1) and 6 and 4 from host B, waits until the counters
    /// reach `expected` (or time out), and returns them.
    func sendRound(expecting expected: [Int]) throws -> [Int] {
        try send(lab.names.hostA, "eth0", 10)
        try send(lab.names.hostA, "eth1", 7)
        try send(lab.names.hostB, "eth0", 6)
        try send(lab.names.hostB, "eth1", 4)
        _ = eventually(timeout: 5) { (try? self.counts()) == expected }
        usleep(300_000)
        return try counts()
    }

    /// `nft list table netdev loopsentry` in switch 2, trimmed lines; nil when there is no such table.
    func netdevTable() throws -> [String]? {
        let r = try Shell.run(["ip", "netns", "exec", sw2, "nft", "list", "table", "netdev", "loopsentry"])
        if r.status != 0 && r.stderr.contains("No such file or directory") { return nil }
        guard r.status == 0 else { throw ShellError("nft list table: \(r.stderr)") }
        return r.stdout.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
    }

    func batch(_ action: PlaybookAction, incident: UInt64 = 41) -> CutBatch {
        CutBatch(action: action, items: [], vniItems: [(VNI(5000)!, incident)], tenant: "org-v")
    }

    @Test("on a routed VTEP's underlay the driver picks netdev: VNI 5000 dropped both ways, VNI 5001 crosses, restore removes rules and chains")
    func netdevCutBothDirections() async throws {
        // The underlay and both VTEPs are up once one frame crosses.
        #expect(try eventually(timeout: 10) {
            let before = try delivered(lab.names.hostB, "eth1")
            try send(lab.names.hostA, "eth1", 1)
            usleep(100_000)
            return try delivered(lab.names.hostB, "eth1") > before
        }, "no VXLAN frame crossed the lab")
        var base = try counts()
        let open = try sendRound(expecting: [base[0] + 10, base[1] + 7, base[2] + 6, base[3] + 4])
        #expect(open == [base[0] + 10, base[1] + 7, base[2] + 6, base[3] + 4], "before the cut every frame crosses")

        let driver = NftablesCutDriver(port: "trunk", netns: sw2)
        let cut = await driver.apply(batch(.cut))
        #expect(cut.succeeded && cut.changed, "\(cut.detail)")
        #expect(cut.detail.hasPrefix("nftables: 2 rule(s) added on trunk (netdev ingress and egress) in netns \(sw2) in "), "\(cut.detail)")
        let again = await driver.apply(batch(.cut))
        #expect(again.succeeded && !again.changed && again.detail.hasPrefix("nftables: no change (already cut) on trunk (netdev"))

        base = try counts()
        let during = try sendRound(expecting: [base[0], base[1] + 7, base[2], base[3] + 4])
        #expect(during == [base[0], base[1] + 7, base[2], base[3] + 4], "only VNI 5001 crosses while VNI 5000 is cut: \(during) from \(base)")
        let table = try #require(try netdevTable())
        #expect(table.contains("type filter hook ingress device \"trunk\" priority -200; policy accept;"), "\(table)")
        #expect(table.contains("type filter hook egress device \"trunk\" priority -200; policy accept;"), "\(table)")
        // Host A's 10 frames were dropped at trunk's egress, host B's 6 at its ingress; the VNI also
        // carries the switches' own multicast reports, so the rules may count a few more (the
        // delivery counters above are the exact oracle).
        for (dir, sent) in [("in", 6), ("out", 10)] {
            let rule = try #require(table.first { $0.hasSuffix("drop comment \"loopsentry port=trunk vni=5000 dir=\(dir) incident=41 tenant=org-v\"") })
            let packets = rule.range(of: #"packets \d+"#, options: .regularExpression).flatMap { Int(rule[$0].dropFirst(8)) } ?? -1
            #expect(rule.hasPrefix("udp dport 4789 @th,96,24 0x1388 counter packets ") && packets >= sent, "\(rule)")
        }

        let restore = await driver.apply(batch(.restore))
        #expect(restore.succeeded && restore.changed && restore.detail.hasPrefix("nftables: 2 rule(s) deleted on trunk (netdev"), "\(restore.detail)")
        #expect(try netdevTable() == ["table netdev loopsentry {", "}"], "the port's chains go with their last rule")
        base = try counts()
        let after = try sendRound(expecting: [base[0] + 10, base[1] + 7, base[2] + 6, base[3] + 4])
        #expect(after == [base[0] + 10, base[1] + 7, base[2] + 6, base[3] + 4], "VNI 5000 crosses again after the restore")
    }

    @Test("a rule left by an earlier run counts as cut: a cut adds only the missing direction, a restore deletes both whatever incident made them")
    func staleRuleIsReusedAndCleanedUp() async throws {
        try Nft.load(netns: sw2, "table netdev loopsentry {\n chain in-trunk { type filter hook ingress device \"trunk\" priority -200; policy accept;\n"
                     + "  udp dport 4789 @th,96,24 5000 counter drop comment \"loopsentry port=trunk vni=5000 dir=in incident=7 tenant=old\"\n }\n}\n")

        let driver = NftablesCutDriver(port: "trunk", netns: sw2, family: .netdev)
        let cut = await driver.apply(batch(.cut))
        #expect(cut.succeeded && cut.detail.hasPrefix("nftables: 1 rule(s) added on trunk (netdev"), "\(cut.detail)")
        let comments = try #require(try netdevTable()).filter { $0.contains("comment \"loopsentry ") }
            .map { String($0[$0.range(of: "comment ")!.upperBound...]) }
        #expect(comments == ["\"loopsentry port=trunk vni=5000 dir=in incident=7 tenant=old\"",
                             "\"loopsentry port=trunk vni=5000 dir=out incident=41 tenant=org-v\""])
        let restore = await driver.apply(batch(.restore))
        #expect(restore.succeeded && restore.detail.hasPrefix("nftables: 2 rule(s) deleted on trunk (netdev"), "\(restore.detail)")
        #expect(try netdevTable() == ["table netdev loopsentry {", "}"])
        let repeated = await driver.apply(batch(.restore))
        #expect(repeated.succeeded && !repeated.changed)
    }

    @Test("one-line errors: a VNI on an interface that does not exist, VLANs on a routed port, VLANs with family netdev")
    func refusals() async throws {
        let missing = await NftablesCutDriver(port: "nosuch0", netns: sw2).apply(batch(.cut))
        #expect(missing.vniFailures[VNI(5000)!] == "nftables on port nosuch0 in netns \(sw2): no such interface: "
                + "neither a bridge port (bridge family) nor an interface to hook (netdev family)")
        let mixed = CutBatch(action: .cut, items: [(VLANID(20)!, 3)], vniItems: [(VNI(5000)!, 4)], tenant: "t")
        let routed = await NftablesCutDriver(port: "trunk", netns: sw2).apply(mixed)
        #expect(routed.failures[VLANID(20)!] == "nftables on port trunk in netns \(sw2): VLAN cuts need a bridge port and this is not one "
                + "(the netdev family cuts VNIs only)")
        let vlans = CutBatch(action: .cut, items: [(VLANID(20)!, 3)], tenant: "t")
        let forced = await NftablesCutDriver(port: "trunk", netns: sw2, family: .netdev).apply(vlans)
        #expect(forced.failures[VLANID(20)!] == "nftables on interface trunk in netns \(sw2): VLAN cuts need the bridge family (family netdev cuts VNIs only)")
        #expect(try netdevTable() == nil, "nothing was created")
    }
}

/// The netdev family over IPv4 and IPv6 outer headers: raw VXLAN packets sent into a plain veth
/// (no bridge) are dropped at its ingress hook for the cut VNI only, counted by a second nft
/// table at a later ingress priority (what passed) and by the rule itself (what was dropped).
@Suite(.serialized, .enabled(if: runningAsRoot, rootReason))
final class NftablesNetdevVethTests {
    let lab: VethLab

    init() throws {
        lab = try VethLab()
        do {
            try Nft.load(netns: lab.nsB, "table netdev rx { counter vxlan { }\n chain in { type filter hook ingress device \"\(lab.trunk)\" priority 0; "
                         + "udp dport 4789 counter name \"vxlan\"; }\n}\n")
        } catch {
            lab.destroy()
            throw error
        }
    }

    deinit { lab.destroy() }

    /// VXLAN packets that passed the cut on the trunk's ingress; throws when nft fails.
    func passed() throws -> Int { try Nft.packets(netns: lab.nsB, table: "rx", counter: "vxlan") }

    @Test("VNI 5000 dropped at a plain interface's ingress over IPv4 and IPv6 (13 by the rule), VNI 5001 passes (9)")
    func ipv4AndIPv6() async throws {
        let driver = NftablesCutDriver(port: lab.trunk, netns: lab.nsB)
        let cut = await driver.apply(CutBatch(action: .cut, items: [], vniItems: [(VNI(5000)!, 3)], tenant: "org-v"))
        #expect(cut.succeeded && cut.detail.hasPrefix("nftables: 2 rule(s) added on \(lab.trunk) (netdev ingress and egress)"), "\(cut.detail)")
        let before = try passed()
        try lab.send(["--vni", "5000", "--count", "10"])
        try lab.send(["--vni", "5000", "--ipv6", "--count", "3"])
        try lab.send(["--vni", "5001", "--count", "7"])
        try lab.send(["--vni", "5001", "--ipv6", "--count", "2"])
        _ = eventually(timeout: 5) { (try? self.passed()) == before + 9 }
        usleep(200_000)
        #expect(try passed() == before + 9, "only VNI 5001's 9 packets pass")
        let listing = try Shell.must(["ip", "netns", "exec", lab.nsB, "nft", "list", "chain", "netdev", "loopsentry", "in-\(lab.trunk)"])
        #expect(listing.contains("udp dport 4789 @th,96,24 0x1388 counter packets 13 bytes "), "\(listing)")
        let restore = await driver.apply(CutBatch(action: .restore, items: [], vniItems: [(VNI(5000)!, 3)], tenant: "org-v"))
        #expect(restore.succeeded && restore.changed)
        let after = try passed()
        try lab.send(["--vni", "5000", "--ipv6", "--count", "4"])
        _ = eventually(timeout: 5) { (try? self.passed()) == after + 4 }
        #expect(try passed() == after + 4, "VNI 5000 passes again after the restore")
    }

    @Test("a restore after the interface went away deletes the VNI's rules left at its hooks, and the chains")
    func restoreAfterTheInterfaceIsGone() async throws {
        let driver = NftablesCutDriver(port: lab.trunk, netns: lab.nsB)
        let batch = CutBatch(action: .cut, items: [], vniItems: [(VNI(5000)!, 3)], tenant: "org-v")
        #expect(await driver.apply(batch).succeeded)
        try Shell.must(["ip", "-n", lab.nsB, "link", "del", lab.trunk])
        let left = try Shell.must(["ip", "netns", "exec", lab.nsB, "nft", "list", "table", "netdev", "loopsentry"])
        #expect(left.components(separatedBy: "comment \"loopsentry port=\(lab.trunk) vni=5000 ").count - 1 == 2, "\(left)")
        var restore = batch
        restore.action = .restore
        let out = await driver.apply(restore)
        #expect(out.succeeded && out.detail.hasPrefix("nftables: 2 rule(s) deleted on \(lab.trunk) (netdev"), "\(out.detail)")
        let after = try Shell.must(["ip", "netns", "exec", lab.nsB, "nft", "list", "table", "netdev", "loopsentry"])
        #expect(after.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) } == ["table netdev loopsentry {", "}"], "\(after)")
        #expect(await driver.apply(restore).succeeded, "a second restore finds nothing to delete and succeeds")
    }
}
