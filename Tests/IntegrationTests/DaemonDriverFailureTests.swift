import Foundation
import Remediate
import Testing

/// A native driver that cannot cut (its network namespace does not exist) under a VLAN 20 flood:
/// each attempt fails with one line naming the reason; with `fallback: ansible` the playbook makes
/// the last attempt.
@Suite(.serialized, .enabled(if: runningAsRoot, rootReason))
final class DaemonDriverFailureTests {
    let lab: VethLab

    init() throws { lab = try VethLab() }
    deinit { lab.destroy() }

    static let noopPlaybook = """
        - name: Succeed without changing anything
          hosts: "{{ target_host }}"
          gather_facts: false
          tasks:
            - name: Nothing to do
              ansible.builtin.debug: { msg: "vlans {{ vlans }}" }

        """
    static let reason = "nftables on bridge port trunk in netns lsn-missing: network namespace lsn-missing does not exist"

    @Test("driver nftables, namespace missing: both attempts fail with one line, cutFailed, no playbook runs")
    func nativeFailure() throws {
        let d = try VethDaemon(lab: lab, playbooks: [:], target: "driver: nftables, port: trunk, netns: lsn-missing")
        try d.start()
        let flood = try startFlood(lab, vlan: 20, rate: 3000)
        defer { flood.signal(SIGTERM); _ = flood.wait(timeout: 5) }
        try d.waitFor(timeout: 40, "cutFailed on VLAN 20") { !d.notifications("cutFailed", vlan: 20).isEmpty }
        let detail = d.notifications("cutFailed", vlan: 20).first?.detail ?? ""
        #expect(detail == "cutFailed: cut attempt 2 failed: \(Self.reason); giving up after 2 attempts", "\(detail)")
        #expect(d.events("cutFinished", vlan: 20).map { $0.detail ?? "" } == [Self.reason, Self.reason])
        let runs = try d.playbookRuns()
        #expect(runs.map { "\($0["playbook"] ?? "") \($0["action"] ?? "") \($0["succeeded"] ?? "")" }
                == ["nftables cut 0", "nftables cut 0"])
        #expect(d.stop() == 0)
    }

    @Test("fallback ansible: after the native driver's last attempt fails, the playbook cuts within that attempt; its result is the attempt's")
    func fallbackToPlaybook() throws {
        let d = try VethDaemon(lab: lab, playbooks: ["noop.yml": Self.noopPlaybook],
                               target: "driver: nftables, port: trunk, netns: lsn-missing, fallback: ansible, persist: false, "
                                   + "playbook: noop.yml, host: fallback-host")
        try d.start()
        let flood = try startFlood(lab, vlan: 20, rate: 3000)
        defer { flood.signal(SIGTERM); _ = flood.wait(timeout: 5) }
        try d.waitFor(timeout: 40, "the fallback's result") {
            d.events("transition", vlan: 20).contains { ($0.detail ?? "").contains("succeeded: fallback noop.yml: ok") }
        }
        let fallback = d.events("fallback", vlan: 20)
        #expect(fallback.count == 1)
        #expect(fallback.first?.detail == "nftables gave up (\(Self.reason)); running noop.yml")
        // The flood is not stopped by a playbook that changes nothing: verification fails the last attempt.
        try d.waitFor(timeout: 20, "cutFailed") { !d.notifications("cutFailed", vlan: 20).isEmpty }
        let runs = try d.playbookRuns()
        #expect(runs.map { "\($0["playbook"] ?? "") \($0["action"] ?? "") \($0["attempt"] ?? "") \($0["succeeded"] ?? "")" }
                == ["nftables cut 1 0", "nftables cut 2 0", "noop.yml cut 2 1"])
        #expect(d.stop() == 0)
    }
}
