import Foundation

/// Two network namespaces joined by one veth pair: `sender` (ns A) → `trunk` (ns B).
/// IPv6 off so the kernel sends nothing of its own; MTU 9000 for jumbo frames.
/// Names are unique per instance, so suites can run side by side; `destroy()` (also in
/// deinit) deletes both namespaces, which removes the veth pair.
final class VethLab {
    let nsA: String
    let nsB: String
    let sender = "lsit0"
    let trunk = "lsit1"
    private var destroyed = false

    init() throws {
        let tag = "\(getpid() % 100000)x\(UInt32.random(in: 0..<100000))"
        nsA = "lsitA\(tag)"
        nsB = "lsitB\(tag)"
        do {
            for ns in [nsA, nsB] {
                try Shell.must(["ip", "netns", "add", ns])
                try Shell.must(["ip", "netns", "exec", ns, "sysctl", "-qw",
                                "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1"])
            }
            try Shell.must(["ip", "link", "add", sender, "netns", nsA, "mtu", "9000", "type", "veth",
                            "peer", "name", trunk, "netns", nsB, "mtu", "9000"])
            try Shell.must(["ip", "-n", nsA, "link", "set", sender, "up"])
            try Shell.must(["ip", "-n", nsB, "link", "set", trunk, "up"])
        } catch {
            destroy()
            throw error
        }
    }

    deinit { destroy() }

    func destroy() {
        guard !destroyed else { return }
        destroyed = true
        for ns in [nsA, nsB] { _ = try? Shell.run(["ip", "netns", "del", ns]) }
    }

    /// `tc filter show dev trunk ingress` inside ns B (empty, status 0, when nothing is attached);
    /// throws when tc fails, so "no filter" cannot come from a missing namespace or device.
    func ingressFilters() throws -> String {
        try Shell.must(["ip", "netns", "exec", nsB, "tc", "filter", "show", "dev", trunk, "ingress"])
    }

    /// Adds a foreign classic-BPF filter (another tool's) at priority 1 on the trunk.
    func addForeignFilter() throws {
        _ = try? Shell.run(["ip", "netns", "exec", nsB, "tc", "qdisc", "add", "dev", trunk, "clsact"])
        try Shell.must(["ip", "netns", "exec", nsB, "tc", "filter", "add", "dev", trunk, "ingress", "prio", "1",
                        "handle", "1", "bpf", "bytecode", "1,6 0 0 0,", "classid", "1:1"])
    }

    /// Sends tagged frames from ns A with `loopsentry lab send`.
    func send(_ extra: [String]) throws {
        try Shell.must([loopsentryBinary, "lab", "send", "--netns", nsA, "--interface", sender] + extra)
    }
}
