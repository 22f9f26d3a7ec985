import Foundation
import Testing

/// `status`, `ack`, `dismiss` and `restore` find the daemon from its configuration (`--config`
/// or `LOOPSENTRY_CONFIG`) as well as from `--socket`.
@Suite(.serialized, .enabled(if: runningAsRoot, rootReason))
final class ControlByConfigTests {
    let lab: VethLab

    init() throws { lab = try VethLab() }
    deinit { lab.destroy() }

    @Test("status by --config and by LOOPSENTRY_CONFIG reaches the same daemon as --socket; a refusal names the reason; bad uses are one line")
    func findsTheDaemon() throws {
        let d = try VethDaemon(lab: lab, playbooks: [:], target: "driver: nftables, port: trunk, netns: lsn-unused")
        try d.start()
        let bySocket = try Shell.run([loopsentryBinary, "status", "--socket", d.socket])
        let byConfig = try Shell.run([loopsentryBinary, "status", "--config", d.configPath])
        var env = ProcessInfo.processInfo.environment
        env["LOOPSENTRY_CONFIG"] = d.configPath
        let byEnv = try Shell.run([loopsentryBinary, "status"], environment: env)
        #expect(bySocket.status == 0 && byConfig.status == 0 && byEnv.status == 0, "\(byConfig.stderr) \(byEnv.stderr)")
        #expect(byConfig.stdout.hasPrefix("loopsentry: 1 interface(s), 0 open incident(s)"), "\(byConfig.stdout)")
        #expect(byEnv.stdout == byConfig.stdout)
        let ack = try Shell.run([loopsentryBinary, "ack", "--interface", lab.trunk, "--vlan", "20", "--config", d.configPath])
        #expect(ack.status == 1)
        #expect(ack.stderr == "loopsentry: VLAN 20 on \(lab.trunk) is normal, not pendingAck: nothing to acknowledge\n", "\(ack.stderr)")
        let both = try Shell.run([loopsentryBinary, "status", "--config", d.configPath, "--socket", d.socket])
        #expect(both.status == 64 && both.stderr.contains("give --socket or --config, not both"), "\(both.stderr)")
        let missing = try Shell.run([loopsentryBinary, "status", "--config", "/nonexistent/loopsentry.yaml"])
        #expect(missing.status == 1)
        #expect(missing.stderr == "loopsentry: /nonexistent/loopsentry.yaml: does not exist\n", "\(missing.stderr)")
        #expect(d.stop() == 0)
    }
}
