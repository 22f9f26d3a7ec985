import Foundation
import LoopSentryCore

/// What tests read from a running `loopsentry run`: its JSON event lines and its control socket.
/// `DaemonHarness` (the lab) and `VethDaemon` (a private veth pair) share these helpers.
protocol DaemonUnderTest: AnyObject {
    /// Every stdout line the daemon (and any earlier run of it in the same test) printed.
    var outputLines: [String] { get }
    var socket: String { get }
    /// The interface the daemon watches, used by `control`.
    var watchedInterface: String { get }
}

extension DaemonUnderTest {
    /// Every event so far, decoded (a line that is not an event record is skipped).
    func events() -> [EventRecord] {
        let decoder = JSONDecoder()
        return outputLines.compactMap { try? decoder.decode(EventRecord.self, from: Data($0.utf8)) }
    }

    func events(_ name: String, vlan: Int? = nil) -> [EventRecord] {
        events().filter { $0.event == name && (vlan == nil || $0.vlan == vlan) }
    }

    /// Notifications of `kind` (stormDetected, cutPending, cutApplied, cutFailed, ...) on `vlan`.
    func notifications(_ kind: String, vlan: Int) -> [EventRecord] {
        events("notification", vlan: vlan).filter { $0.notification == kind }
    }

    /// Waits for `pred`; an error it throws (a tool that failed to read) ends the wait at once.
    func waitFor(timeout: Double, _ what: String, _ pred: @escaping () throws -> Bool) throws {
        guard try eventually(timeout: timeout, pred) else {
            throw ShellError("timed out waiting for \(what); events: \(events().map { "\($0.event) \($0.vlan.map(String.init) ?? "") \($0.detail ?? "")" })")
        }
    }

    /// Runs `loopsentry <verb> --interface IF --vlan V --socket S [--by NAME]`.
    func control(_ verb: String, vlan: Int, by: String? = nil) throws -> CommandResult {
        try Shell.run([loopsentryBinary, verb, "--interface", watchedInterface, "--vlan", String(vlan), "--socket", socket]
                      + (by.map { ["--by", $0] } ?? []))
    }

    /// `loopsentry status --json`, decoded; throws when the command fails or prints something
    /// other than an array of rows (an unreachable daemon is not an empty status board).
    func status() throws -> [ControlStatusRow] {
        let out = try Shell.must([loopsentryBinary, "status", "--json", "--socket", socket])
        guard let rows = try? JSONDecoder().decode([ControlStatusRow].self, from: Data(out.utf8)) else {
            throw ShellError("status --json printed no array of rows: \(out.prefix(200))")
        }
        return rows
    }

    /// Frames the daemon counted on `vlan` (its status board's counters are the sensor's totals).
    func frames(vlan: Int) -> Int {
        guard let rows = try? status() else { return -1 }
        return rows.first { $0.vlan == vlan }.map { Int($0.framesTotal) } ?? -1
    }

    func state(vlan: Int) throws -> String? {
        try status().first { $0.vlan == vlan }?.state
    }
}
