import Foundation
import Remediate

/// Playbook runs started by a daemon that was killed: `ansible-playbook` runs in its own
/// process group, so it outlives a kill -9 of the daemon and finishes its work. Before open
/// incidents resume, the new daemon waits for such runs, so a resumed cut is verified only
/// after the old run ended and two cuts never overlap.
enum LeftoverPlaybooks {
    /// Pids of running `ansible-playbook` processes whose variables file lies in a folder of a
    /// runner with `owner` (this daemon's journal: its predecessor's runs, no other daemon's).
    static func find(owner: String) -> [Int32] {
        let prefix = AnsibleRunner.folderPrefix(owner: owner)
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        return entries.compactMap { Int32($0) }.filter { pid in
            guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
            let args = data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            return args.contains { $0.hasSuffix("ansible-playbook") } && args.contains { $0.contains(prefix) }
        }
    }

    /// Waits up to `timeout` seconds for every leftover run to end; returns those still running.
    static func wait(owner: String, timeout: Double, log: (String) -> Void) -> [Int32] {
        var pids = find(owner: owner)
        guard !pids.isEmpty else { return [] }
        log("waiting for playbook run(s) started before the restart to finish: pid \(pids.map(String.init).joined(separator: ", "))")
        let deadline = Date().addingTimeInterval(timeout)
        while !pids.isEmpty && Date() < deadline {
            usleep(100_000)
            pids = find(owner: owner)
        }
        return pids
    }
}
