import Foundation
import LabTestSupport
import LoopSentryCore

/// Readings that negative checks ("no rule", "no filter", "no process", "zero frames") rely on.
/// Each throws when the tool it reads fails, so a broken tool cannot pass for an empty answer.

/// The nftables ruleset of `netns`. `nft list ruleset` succeeds with empty output when no table
/// exists, so any failure throws.
func labCutRules(netns: String) throws -> String {
    try Shell.must(["ip", "netns", "exec", netns, "nft", "list", "ruleset"])
}

extension SuiteLab {
    /// The ruleset of switch 1, where the Linux playbook and the nftables driver cut.
    func cutRules() throws -> String { try labCutRules(netns: names.switch1) }
}

/// The last report a `loopsentry monitor --json` printed; throws when it printed none or the
/// last line is not a report (a monitor that failed to start reports nothing, not zero frames).
func lastMonitorReport(_ monitor: BackgroundProcess) throws -> MonitorReport {
    guard let line = monitor.stdoutLines.last else {
        throw ShellError("monitor printed no report: \(monitor.stderrText)")
    }
    do {
        return try JSONDecoder().decode(MonitorReport.self, from: Data(line.utf8))
    } catch {
        throw ShellError("monitor's last line is not a report (\(error)): \(line.prefix(200))")
    }
}

/// Frames of `vlan` in the monitor's last report; 0 only when a real report has no row for it.
func delivered(_ monitor: BackgroundProcess, vlan: Int) throws -> UInt64 {
    try lastMonitorReport(monitor).vlans.first { $0.vlan == vlan }?.framesTotal ?? 0
}

/// `pgrep ARGS` output: empty when nothing matches (status 1); throws when pgrep itself fails.
func pgrep(_ args: [String]) throws -> String {
    let r = try Shell.run(["pgrep"] + args)
    guard r.status == 0 || r.status == 1 else { throw ShellError("pgrep \(args) exited \(r.status): \(r.stderr)") }
    return r.stdout
}
