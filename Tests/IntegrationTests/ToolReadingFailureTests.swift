import Foundation
import Testing

/// The readings behind negative checks throw when their tool fails, instead of answering "no
/// rule", "no filter", "no report", "no process" or "empty status" (see `ToolReadings.swift`).
@Suite(.enabled(if: runningAsRoot, rootReason))
struct ToolReadingFailureTests {
    static let missingNetns = "lsneg-missing-\(getpid())"

    @Test("labCutRules throws when nft cannot run in the namespace")
    func cutRulesThrow() {
        #expect(throws: ShellError.self) { try labCutRules(netns: Self.missingNetns) }
    }

    @Test("ingressFilters throws once the lab's namespace is gone")
    func ingressFiltersThrow() throws {
        let lab = try VethLab()
        #expect(try lab.ingressFilters().isEmpty)
        lab.destroy()
        #expect(throws: ShellError.self) { try lab.ingressFilters() }
    }

    @Test("a monitor that could not start has no report and no delivered count: both throw")
    func monitorReadingsThrow() throws {
        let m = try BackgroundProcess([loopsentryBinary, "monitor", "--netns", Self.missingNetns, "--interface", "eth0",
                                       "--json", "--interval", "50"], name: "failed-monitor")
        #expect(m.wait(timeout: 10) != nil && m.process.terminationStatus != 0, "\(m.stderrText)")
        #expect(throws: ShellError.self) { try lastMonitorReport(m) }
        #expect(throws: ShellError.self) { try delivered(m, vlan: 20) }
    }

    @Test("status throws when no daemon answers on the socket")
    func statusThrows() {
        #expect(throws: ShellError.self) { try AbsentDaemon().status() }
    }

    @Test("pgrep throws when pgrep itself fails, and is empty when nothing matches")
    func pgrepThrows() throws {
        #expect(throws: ShellError.self) { try pgrep(["--no-such-option"]) }
        #expect(try pgrep(["-f", "lsneg-no-process-has-this-\(UUID().uuidString)"]).isEmpty)
    }
}

/// A daemon that is not running: its control socket does not exist.
private final class AbsentDaemon: DaemonUnderTest {
    var outputLines: [String] { [] }
    let socket = FileManager.default.temporaryDirectory.appendingPathComponent("lsneg-\(UUID().uuidString).sock").path
    let watchedInterface = "eth0"
}
