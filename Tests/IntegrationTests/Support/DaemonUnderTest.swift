import Foundation

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
    /// Every event so far, as dictionaries.
    func events() -> [[String: Any]] {
        outputLines.compactMap { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any] }
    }

    func events(_ name: String, vlan: Int? = nil) -> [[String: Any]] {
        events().filter { $0["event"] as? String == name && (vlan == nil || $0["vlan"] as? Int == vlan) }
    }

    /// Notifications of `kind` (stormDetected, cutPending, cutApplied, cutFailed, ...) on `vlan`.
    func notifications(_ kind: String, vlan: Int) -> [[String: Any]] {
        events("notification", vlan: vlan).filter { ($0["detail"] as? String)?.hasPrefix("\(kind):") == true }
    }

    func waitFor(timeout: Double, _ what: String, _ pred: @escaping () -> Bool) throws {
        guard eventually(timeout: timeout, pred) else {
            throw ShellError("timed out waiting for \(what); events: \(events().map { "\($0["event"] ?? "") \($0["vlan"] ?? "") \($0["detail"] ?? "")" })")
        }
    }

    /// Runs `loopsentry <verb> --interface IF --vlan V --socket S [--by NAME]`.
    func control(_ verb: String, vlan: Int, by: String? = nil) throws -> CommandResult {
        try Shell.run([loopsentryBinary, verb, "--interface", watchedInterface, "--vlan", String(vlan), "--socket", socket]
                      + (by.map { ["--by", $0] } ?? []))
    }

    /// `loopsentry status --json`, as dictionaries; throws when the command fails or prints
    /// something other than a JSON array (an unreachable daemon is not an empty status board).
    func status() throws -> [[String: Any]] {
        let out = try Shell.must([loopsentryBinary, "status", "--json", "--socket", socket])
        guard let rows = try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [[String: Any]] else {
            throw ShellError("status --json printed no array: \(out.prefix(200))")
        }
        return rows
    }

    /// Frames the daemon counted on `vlan` (its status board's counters are the sensor's totals).
    func frames(vlan: Int) -> Int {
        guard let rows = try? status() else { return -1 }
        return rows.first { $0["vlan"] as? Int == vlan }?["framesTotal"] as? Int ?? -1
    }

    func state(vlan: Int) throws -> String? {
        try status().first { $0["vlan"] as? Int == vlan }?["state"] as? String
    }
}
