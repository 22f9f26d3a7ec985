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
