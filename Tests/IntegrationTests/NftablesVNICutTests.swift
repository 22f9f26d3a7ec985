import Foundation
import LoopSentryCore
import Remediate
import Testing

/// The native nftables driver cuts a VNI on a bridge port carrying a VXLAN underlay: raw VXLAN
/// packets of the cut VNI (IPv4 and IPv6 outer) are dropped at the port, the neighbouring VNI
/// passes, and a restore removes exactly the cut's rules. Packets are counted at the receiving
/// end (an nft counter of UDP 4789 on the receiving veth in the other namespace) and by the rules' own nft counters.
@Suite(.serialized, .enabled(if: runningAsRoot, rootReason))
final class NftablesVNICutTests {
    let lab: VethLab
    /// The bridge port on the far side of the bridge, and its peer in ns A that receives.
    let out = "lsvo0"
    let receiver = "lsvr0"

    init() throws {
        lab = try VethLab()
        do {
            for cmd in [["ip", "-n", lab.nsB, "link", "add", "br0", "type", "bridge"],
                        ["ip", "link", "add", out, "netns", lab.nsB, "mtu", "9000", "type", "veth",
                         "peer", "name", receiver, "netns", lab.nsA, "mtu", "9000"],
                        ["ip", "-n", lab.nsB, "link", "set", lab.trunk, "master", "br0"],
                        ["ip", "-n", lab.nsB, "link", "set", out, "master", "br0"],
                        ["ip", "-n", lab.nsB, "link", "set", out, "up"],
                        ["ip", "-n", lab.nsB, "link", "set", "br0", "up"],
                        ["ip", "-n", lab.nsA, "link", "set", receiver, "up"]] {
                try Shell.must(cmd)
            }
            let count = "table netdev rx { counter vxlan { }\n chain in { type filter hook ingress device \"\(receiver)\" priority 0; "
                + "udp dport 4789 counter name \"vxlan\"; }\n}\n"
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("\(lab.nsA).nft").path
            try count.write(toFile: file, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(atPath: file) }
            try Shell.must(["ip", "netns", "exec", lab.nsA, "nft", "-f", file])
        } catch {
            lab.destroy()
            throw error
        }
    }

    deinit { lab.destroy() }

    /// VXLAN packets (UDP 4789) the receiver got so far, by a named counter on its ingress in ns A
    /// (the bridge's own IGMP reports also reach it and are not counted); throws when nft fails.
    func received() throws -> Int {
        let out = try Shell.must(["ip", "netns", "exec", lab.nsA, "nft", "list", "counter", "netdev", "rx", "vxlan"])
        guard let r = out.range(of: #"packets (\d+)"#, options: .regularExpression),
              let n = Int(out[r].dropFirst("packets ".count)) else { throw ShellError("no packet count in \(out.prefix(200))") }
        return n
    }

    /// Waits until the receiver's counter stops at `expected` (or times out) and returns it.
    func receivedSettles(at expected: Int) throws -> Int {
        _ = eventually(timeout: 5) { (try? self.received()) == expected }
        usleep(200_000)
        return try received()
    }

    /// Our rules as `nft list chain` prints them in ns B; throws when nft fails.
    func ourRules() throws -> [String] {
        let listing = try Shell.must(["ip", "netns", "exec", lab.nsB, "nft", "list", "ruleset"])
        return listing.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { $0.contains("comment \"loopsentry ") }
    }

    @Test("a VNI cut drops that VNI's VXLAN packets (IPv4 and IPv6) at the port; the neighbour VNI passes; restore removes the rules")
    func cutDropsOneVNI() async throws {
        // The bridge forwards once its ports are up: wait for a first packet through.
        let forwarding = try eventually(timeout: 10) {
            let before = try received()
            try lab.send(["--vni", "5001", "--count", "1"])
            usleep(100_000)
            return try received() > before
        }
        #expect(forwarding, "no VXLAN packet crossed the bridge")
        let base = try received()
        try lab.send(["--vni", "5000", "5001", "--count", "5"])
        let firstRound = try receivedSettles(at: base + 10)
        #expect(firstRound == base + 10, "the bridge forwards all 10 before the cut: got \(firstRound - base)")

        let driver = NftablesCutDriver(port: lab.trunk, netns: lab.nsB)
        let cut = await driver.apply(CutBatch(action: .cut, items: [], vniItems: [(VNI(5000)!, 41)], tenant: "org-v"))
        #expect(cut.succeeded && cut.changed && cut.detail.hasPrefix("nftables: 2 rule(s) added on bridge port \(lab.trunk)"), "\(cut.detail)")
        let again = await driver.apply(CutBatch(action: .cut, items: [], vniItems: [(VNI(5000)!, 41)], tenant: "org-v"))
        #expect(again.succeeded && !again.changed)

        let before = try received()
        try lab.send(["--vni", "5000", "--count", "10"])
        try lab.send(["--vni", "5000", "--ipv6", "--count", "3"])
        try lab.send(["--vni", "5001", "--count", "7"])
        try lab.send(["--vni", "5001", "--ipv6", "--count", "2"])
        #expect(try receivedSettles(at: before + 9) == before + 9, "only VNI 5001's 9 packets pass")
        let rules = try ourRules()
        #expect(rules.count == 2)
        let cutIn = rules.first { $0.contains("comment \"loopsentry port=\(lab.trunk) vni=5000 dir=in incident=41 tenant=org-v\"") }
        #expect(cutIn?.hasPrefix("iifname \"\(lab.trunk)\" udp dport 4789 @th,96,24 0x1388 counter packets 13 bytes ") == true, "\(rules)")

        let restore = await driver.apply(CutBatch(action: .restore, items: [], vniItems: [(VNI(5000)!, 41)], tenant: "org-v"))
        #expect(restore.succeeded && restore.changed && restore.detail.hasPrefix("nftables: 2 rule(s) deleted"))
        #expect(try ourRules().isEmpty)
        let after = try received()
        try lab.send(["--vni", "5000", "--count", "4"])
        #expect(try receivedSettles(at: after + 4) == after + 4, "VNI 5000 passes again after the restore")
    }
}
