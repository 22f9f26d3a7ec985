import Foundation
import LoopSentryCore
import Testing

/// A `loopsentry monitor --json` on a `VethLab`'s trunk and what tests read from it: the last
/// report, its rows by VLAN, and a report taken once the counts have settled.
struct MonitorUnderTest {
    let process: BackgroundProcess

    /// Starts the monitor (behind `launcher`, e.g. `ip netns exec` + `setpriv`) and waits for its
    /// first report.
    init(lab: VethLab, launcher: [String] = [], extra: [String] = []) throws {
        process = try BackgroundProcess(launcher + [loopsentryBinary, "monitor", "--netns", lab.nsB, "--interface", lab.trunk,
                                                    "--json", "--interval", "50", "--top", "4096"] + extra, name: "monitor")
        let m = process
        let attached = eventually(timeout: 10) { !m.stdoutLines.isEmpty }
        #expect(attached, "monitor printed nothing: \(m.stderrText)")
    }

    /// The last report; throws when there is none (see `lastMonitorReport`).
    func lastReport() throws -> MonitorReport { try lastMonitorReport(process) }

    /// Waits until the reported frame totals reach `expectedFrames`, then one more interval.
    func settled(expectedFrames: UInt64) throws -> MonitorReport {
        _ = try eventually(timeout: 10) {
            try lastReport().vlans.reduce(0) { $0 + $1.framesTotal } >= expectedFrames
        }
        usleep(300_000)
        return try lastReport()
    }

    /// Sends SIGTERM and returns the exit status (nil when still running after 5 s).
    func stop(_ signal: Int32 = SIGTERM) -> Int32? {
        process.signal(signal)
        return process.wait(timeout: 5)
    }
}

/// A report's rows by VLAN.
func totals(_ r: MonitorReport) -> [Int: MonitorReport.Row] {
    Dictionary(uniqueKeysWithValues: r.vlans.map { ($0.vlan ?? -1, $0) })
}

extension VethLab {
    /// The LoopSentry filters on the trunk (lines of `tc filter show` naming our program).
    func loopSentryFilterCount() throws -> Int {
        try ingressFilters().split(separator: "\n").filter { $0.contains("ls_tc_ingress") }.count
    }
}
