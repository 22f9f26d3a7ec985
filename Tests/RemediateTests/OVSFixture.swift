import Foundation
import Lab
import LoopSentryCore
import LoopSentrySystem
import Remediate

/// A real Open vSwitch (private ovsdb-server + ovs-vswitchd, userspace datapath) for the driver
/// and playbook tests: bridge `br0` in namespace `sw` with ports
/// - `trunk` (trunks 10,20,30), its peer `eth0` in namespace `tx` (the sender),
/// - `hb` (every VLAN), its peer `eth0` in namespace `rx` (the receiver),
/// - `allv` (every VLAN, empty trunks) and `acc` (access port, tag 10), peers left in `sw`.
/// IPv6 is off everywhere so the kernel sends nothing of its own. `close()` stops OVS and removes
/// the namespaces.
final class OVSFixture: @unchecked Sendable {
    let ovs: PrivateOVS
    let sw: String, tx: String, rx: String
    var database: String { ovs.database }

    static let unavailable: String? = geteuid() != 0 ? "needs root (network namespaces)" : PrivateOVS.unavailableReason
    static var canRun: Bool { unavailable == nil }

    init(tag: String) throws {
        let id = "\(tag)\(getpid() % 100_000)\(UInt32.random(in: 0...999))"
        sw = "lso-\(id)-sw"
        tx = "lso-\(id)-tx"
        rx = "lso-\(id)-rx"
        ovs = PrivateOVS(tag: id, netns: sw)
        do {
            for ns in [sw, tx, rx] {
                try AnsibleTestShell.must(["ip", "netns", "add", ns])
                try AnsibleTestShell.must(["ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1",
                                           "net.ipv6.conf.default.disable_ipv6=1"])
            }
            try AnsibleTestShell.must(["ip", "link", "add", "trunk", "netns", sw, "type", "veth", "peer", "name", "eth0", "netns", tx])
            try AnsibleTestShell.must(["ip", "link", "add", "hb", "netns", sw, "type", "veth", "peer", "name", "eth0", "netns", rx])
            for (a, b) in [("allv", "allv-p"), ("acc", "acc-p")] {
                try AnsibleTestShell.must(["ip", "-n", sw, "link", "add", a, "type", "veth", "peer", "name", b])
            }
            for (ns, dev) in [(sw, "trunk"), (sw, "hb"), (sw, "allv"), (sw, "allv-p"), (sw, "acc"), (sw, "acc-p"), (tx, "eth0"), (rx, "eth0")] {
                try AnsibleTestShell.must(["ip", "-n", ns, "link", "set", dev, "up"])
            }
            try ovs.start()
            try ovs.addBridge("br0")
            try ovs.addPort("trunk", to: "br0", trunks: [10, 20, 30])
            try ovs.addPort("hb", to: "br0")
            try ovs.addPort("allv", to: "br0")
            try ovs.vsctl(["add-port", "br0", "acc", "tag=10"])
        } catch {
            close()
            throw error
        }
    }

    func close() {
        ovs.stop()
        for ns in [sw, tx, rx] { _ = try? AnsibleTestShell.run(["ip", "netns", "del", ns]) }
    }

    /// `ovs-vsctl get Port PORT COLUMN`, trimmed; throws when ovs-vsctl fails.
    func get(_ port: String, _ column: String) throws -> String {
        try ovs.vsctl(["get", "Port", port, column]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Frames per VLAN that reached the receiver while `during` ran, counted by tcpdump from its
    /// capture (an oracle independent of LoopSentry): tcpdump listens on `rx`'s eth0 first (in
    /// immediate mode, so a frame is written when it arrives, not when a ring block retires),
    /// `during` runs, then it is stopped and its file read with a `vlan N` filter per VLAN.
    func delivered(_ vlans: [Int], during: () async throws -> Void) async throws -> [Int: Int] {
        let pcap = ovs.file("rx-\(UInt32.random(in: 0...999_999)).pcap"), log = pcap + ".log"
        let dump = try ChildProcess.spawn(.init(["ip", "netns", "exec", rx, "tcpdump", "-i", "eth0", "--immediate-mode", "-U", "-n", "-w", pcap],
                                                stdout: .file(log, append: false), stderr: .sameAsStdout, ownProcessGroup: true))
        defer { dump.stop(grace: .seconds(2)) }
        let clock = ContinuousClock()
        let until = clock.now.advanced(by: .seconds(10))
        while !((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").contains("listening on"), clock.now < until { usleep(20_000) }
        guard dump.isRunning else { throw AnsibleTestFailure("tcpdump in \(rx) ended: \((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")") }
        try await during()
        usleep(500_000)
        dump.signal(SIGINT)
        _ = dump.waitForExit()
        var counts: [Int: Int] = [:]
        for v in vlans {
            let r = try ChildProcess.run(["tcpdump", "-r", pcap, "-n", "vlan \(v)"])
            guard r.exit.status == 0 else { throw AnsibleTestFailure("tcpdump -r: \(r.text)") }
            // One line per frame starts with its timestamp; hex dumps of the payload are indented.
            counts[v] = r.text.split(separator: "\n").filter { $0.first?.isNumber == true }.count
        }
        return counts
    }

    /// Frames the receiver's eth0 has received so far (the kernel's counter); throws when `ip` fails.
    func receivedFrames() throws -> Int {
        let json = try AnsibleTestShell.must(["ip", "-n", rx, "-s", "-j", "link", "show", "eth0"])
        guard let links = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]],
              let stats = links.first?["stats64"] as? [String: Any], let rxStats = stats["rx"] as? [String: Any],
              let packets = rxStats["packets"] as? Int else { throw AnsibleTestFailure("no rx counter in: \(json)") }
        return packets
    }

    /// Waits until the receiver has received `more` frames beyond `from` (at most 60 s: the
    /// userspace datapath and the sender share two cores with whatever else runs).
    func waitForFrames(_ more: Int, from: Int) throws {
        let clock = ContinuousClock(), until = clock.now.advanced(by: .seconds(60))
        while try receivedFrames() < from + more {
            guard clock.now < until else { throw AnsibleTestFailure("the receiver got fewer than \(more) frames in 60 s") }
            usleep(20_000)
        }
    }

    /// Sends `count` broadcasts on each of `vlans` from the sender into port `trunk` (round robin).
    func send(_ vlans: [Int], count: Int, rate: Int = 1000) throws {
        try AnsibleTestShell.must([AnsibleTestEnv.loopsentry, "lab", "send", "--netns", tx, "--interface", "eth0", "--vlan"]
                                  + vlans.map(String.init) + ["--count", String(count), "--rate", String(rate)])
    }
}
