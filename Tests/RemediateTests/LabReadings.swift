import Foundation
import LabTestSupport
import LoopSentryCore

/// Lab readings that the Ansible tests' negative checks ("no rule", "nothing crossed", "no
/// process left") rely on; each throws when its tool fails instead of answering zero.
enum LabReadings {
    /// Cut rules for `vlan` on `port` in `netns` (a lab's switch 1), counted in `nft list ruleset`
    /// (which succeeds with no LoopSentry table, so any failure throws).
    static func nftRuleCount(netns: String, port: String = "trunk", vlan: Int = 20) throws -> Int {
        let ruleset = try AnsibleTestShell.must(["ip", "netns", "exec", netns, "nft", "list", "ruleset"])
        return ruleset.components(separatedBy: "comment \"loopsentry port=\(port) vlan=\(vlan) ").count - 1
    }

    /// Sends `count` broadcasts on `vlan` from the lab's host A (on sw2) and returns how many
    /// reached `receiver` (default: host B, on sw1), counted by `loopsentry monitor` there. Throws
    /// when the monitor reports nothing before the send or leaves no report after it.
    static func delivered(_ lab: SuiteLab, vlan: Int, count: Int, receiver: String? = nil) throws -> UInt64 {
        let receiver = receiver ?? lab.names.hostB
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("ls-lab-rx-\(getpid())-\(UInt32.random(in: 0...999_999)).json")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: out) }
        let monitor = Process()
        monitor.executableURL = URL(fileURLWithPath: lab.binary)
        monitor.arguments = ["monitor", "--netns", receiver, "--interface", "eth0", "--json", "--top", "4096"]
        monitor.standardOutput = try FileHandle(forWritingTo: out)
        monitor.standardError = FileHandle.nullDevice
        try monitor.run()
        defer { if monitor.isRunning { monitor.terminate() }; monitor.waitUntilExit() }
        let text = { (try? String(contentsOf: out, encoding: .utf8)) ?? "" }
        for _ in 0..<500 where text().isEmpty && monitor.isRunning { usleep(20_000) }  // attached once it reports
        guard !text().isEmpty else {
            throw AnsibleTestFailure("monitor in \(receiver) reported nothing (running: \(monitor.isRunning))")
        }
        try lab.sendFromHostA(["--vlan", String(vlan), "--count", String(count)])
        usleep(700_000)
        monitor.terminate()
        monitor.waitUntilExit()
        guard let line = text().split(separator: "\n").last,
              let last = try? JSONDecoder().decode(MonitorReport.self, from: Data(line.utf8)) else {
            throw AnsibleTestFailure("monitor in \(receiver) left no report: \(text().suffix(200))")
        }
        return last.vlans.first { $0.vlan == vlan }?.framesTotal ?? 0
    }

    /// `pgrep ARGS` output: empty when nothing matches (status 1); throws when pgrep fails.
    static func pgrep(_ args: [String]) throws -> String {
        let r = try AnsibleTestShell.run(["pgrep"] + args)
        guard r.status == 0 || r.status == 1 else { throw AnsibleTestFailure("pgrep \(args) exited \(r.status): \(r.stderr)") }
        return r.stdout
    }
}
