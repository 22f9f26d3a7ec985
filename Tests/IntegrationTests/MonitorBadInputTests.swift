import Foundation
import Testing

/// Bad input to `loopsentry monitor`: one line naming the problem, a non-zero exit, and
/// nothing left attached.
@Suite(.serialized, .enabled(if: runningAsRoot, rootReason))
final class MonitorBadInputTests {
    let lab: VethLab

    init() throws { lab = try VethLab() }
    deinit { lab.destroy() }

    func expectOneLineError(_ r: CommandResult, contains text: String, status: Int32 = 1) {
        #expect(r.status == status)
        let lines = r.stderr.split(separator: "\n")
        #expect(lines.count == 1, "expected one line, got: \(r.stderr)")
        #expect(r.stderr.hasPrefix("loopsentry: "))
        #expect(r.stderr.contains(text), "\(r.stderr)")
        #expect(r.stdout.isEmpty)
    }

    @Test("a missing interface is named")
    func missingInterface() throws {
        let r = try Shell.run([loopsentryBinary, "monitor", "--netns", lab.nsB, "--interface", "nosuch9"])
        expectOneLineError(r, contains: "interface 'nosuch9' not found")
        #expect(try !lab.ingressFilters().contains("ls_tc_ingress"))
    }

    @Test("a missing namespace is named")
    func missingNamespace() throws {
        let r = try Shell.run([loopsentryBinary, "monitor", "--netns", "lsit-no-such-ns", "--interface", lab.trunk])
        expectOneLineError(r, contains: "network namespace 'lsit-no-such-ns' not found")
    }

    @Test("without privileges: permission denied, nothing attached")
    func noPermission() throws {
        // Run as nobody with no capabilities; the interface exists in the root namespace (lo).
        let r = try Shell.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all",
                               loopsentryBinary, "monitor", "--interface", "lo"])
        expectOneLineError(r, contains: "permission denied")
        let filters = try Shell.run(["tc", "filter", "show", "dev", "lo", "ingress"]).stdout
        #expect(!filters.contains("ls_tc_ingress"))
    }

    @Test("another tool's filter in LoopSentry's own slot (handle and priority 0x4c53) is named and left alone, also for the service user")
    func foreignFilterInOurSlot() throws {
        let ns = ["ip", "netns", "exec", lab.nsB]
        _ = try Shell.run(ns + ["tc", "qdisc", "add", "dev", lab.trunk, "clsact"])
        try Shell.must(ns + ["tc", "filter", "add", "dev", lab.trunk, "ingress", "prio", String(0x4c53), "handle", String(0x4c53),
                             "bpf", "bytecode", "1,6 0 0 0,", "classid", "1:1"])
        try ServiceTestUser.ensure()
        for launcher in [ns, ns + ServiceTestUser.setpriv()] {
            let r = try Shell.run(launcher + [loopsentryBinary, "monitor", "--interface", lab.trunk, "--duration", "1"])
            expectOneLineError(r, contains: "tc ingress filter slot of LoopSentry on \(lab.trunk) is held by another program ('bpf')")
        }
        let after = try lab.ingressFilters()
        #expect(after.contains("bytecode") && !after.contains("ls_tc_ingress"), "\(after)")
    }

    @Test("bad arguments are refused before anything is loaded", arguments: [
        (["--interval", "5"], "--interval must be 10-60000 ms, got 5"),
        (["--top", "0"], "--top must be 1-4096, got 0"),
        (["--duration=-1"], "--duration must be positive, got -1.0"),
    ])
    func badArguments(extra: [String], message: String) throws {
        let r = try Shell.run([loopsentryBinary, "monitor", "--netns", lab.nsB, "--interface", lab.trunk] + extra)
        expectOneLineError(r, contains: message, status: 64)
        #expect(try !lab.ingressFilters().contains("ls_tc_ingress"))
    }
}
