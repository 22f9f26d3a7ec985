import Foundation
import LoopSentryCore
import Remediate
import Testing

/// The runner against real ansible-playbook runs that go wrong: a playbook that hangs, a target
/// that cannot be reached, a target that is not in the inventory.
@Suite(.enabled(if: AnsibleTestEnv.hasAnsible, AnsibleTestEnv.noAnsible))
struct AnsibleRunnerTests {
    static let vars = PlaybookVariables(action: .cut, vlan: VLANID(20)!, targetHost: "far", port: "trunk",
                                        incidentID: "INC-1")

    @Test("a hanging playbook is killed with its process group at the timeout: 'playbook hang.yml timed out after 2 s'")
    func hangingPlaybookTimesOut() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ls-hang-\(getpid())-\(UInt32.random(in: 0...999_999))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let marker = "sleep 297.\(UInt32.random(in: 100_000...999_999))"  // unique, so pgrep finds only ours
        try """
            - hosts: "{{ target_host }}"
              gather_facts: false
              tasks:
                - ansible.builtin.command: \(marker)
            """.write(to: dir.appendingPathComponent("hang.yml"), atomically: true, encoding: .utf8)
        let runner = AnsibleRunner(playbookDirectory: dir.path)
        let r = try await runner.run(PlaybookRequest(playbook: "hang", variables: Self.vars,
                                                     inventory: AnsibleTestEnv.localInventory("far"), timeout: .seconds(2)))
        #expect(r.timedOut && !r.succeeded)
        #expect(r.error?.description == "playbook hang.yml timed out after 2 s")
        // Killed at the timeout, long before the command would end by itself. How soon after 2 s
        // is not asserted: other suites' blocking tests share this process's concurrency threads,
        // and the runner's wait resumes on one of them.
        #expect(r.duration >= .seconds(2) && r.duration < .seconds(297), "took \(r.duration)")
        let left = try LabReadings.pgrep(["-f", marker])
        #expect(left.isEmpty, "the module's sleep survived the timeout: \(left)")
    }

    @Test("a pause in the playbook also times out")
    func pauseTimesOut() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ls-pause-\(getpid())-\(UInt32.random(in: 0...999_999))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try """
            - hosts: "{{ target_host }}"
              gather_facts: false
              tasks:
                - ansible.builtin.pause:
                    seconds: 120
            """.write(to: dir.appendingPathComponent("pause.yml"), atomically: true, encoding: .utf8)
        let r = try await AnsibleRunner(playbookDirectory: dir.path).run(
            PlaybookRequest(playbook: "pause.yml", variables: Self.vars, inventory: AnsibleTestEnv.localInventory("far"),
                            timeout: .milliseconds(2500)))
        #expect(r.error?.description == "playbook pause.yml timed out after 2.5 s")
    }

    @Test("an unreachable target gives 'target far unreachable: ...' and nothing else ran")
    func unreachableTarget() async throws {
        let inventory = PlaybookInventory.text(
            "far ansible_host=127.0.0.1 ansible_port=1 ansible_connection=ssh ansible_ssh_common_args='-o ConnectTimeout=3'\n")
        let r = try await AnsibleTestEnv.runner().run(
            PlaybookRequest(playbook: "linux-bridge-vlan", variables: Self.vars, inventory: inventory))
        #expect(!r.succeeded && r.unreachable == 1 && r.changed == 0)
        #expect(r.error?.description.hasPrefix("target far unreachable: Failed to connect to the host via ssh") == true,
                "\(r.error?.description ?? "")")
    }

    @Test("a target_host missing from the inventory is an error, not a silent success")
    func targetNotInInventory() async throws {
        let r = try await AnsibleTestEnv.runner().run(
            PlaybookRequest(playbook: "linux-bridge-vlan", variables: Self.vars,
                            inventory: AnsibleTestEnv.localInventory("other")))
        #expect(!r.succeeded)
        #expect(r.error?.description == "playbook linux-bridge-vlan.yml: no host in the inventory matches 'far'")
    }

    @Test("the vars file is 0600 in a 0700 directory while the playbook runs, and removed afterwards")
    func varsFileIsPrivateAndRemoved() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ls-stat-\(getpid())-\(UInt32.random(in: 0...999_999))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        // The runner points ANSIBLE_LOCAL_TEMP at DIR/tmp, beside DIR/vars.json.
        try """
            - hosts: "{{ target_host }}"
              gather_facts: false
              tasks:
                - name: modes
                  ansible.builtin.debug:
                    msg: "{{ lookup('ansible.builtin.pipe', 'stat -c %a ' ~ run_dir ~ ' ' ~ run_dir ~ '/vars.json') }}"
                  vars:
                    run_dir: "{{ lookup('ansible.builtin.env', 'ANSIBLE_LOCAL_TEMP') | dirname }}"
                - name: where
                  ansible.builtin.debug:
                    msg: "{{ lookup('ansible.builtin.env', 'ANSIBLE_LOCAL_TEMP') | dirname }}"
            """.write(to: dir.appendingPathComponent("modes.yml"), atomically: true, encoding: .utf8)
        let r = try await AnsibleRunner(playbookDirectory: dir.path).run(
            PlaybookRequest(playbook: "modes", variables: Self.vars, inventory: AnsibleTestEnv.localInventory("far")))
        #expect(r.succeeded, "\(r.error?.description ?? "") \(r.output)")
        #expect(r.tasks.first { $0.task == "modes" }?.messages == ["700\n600"])
        let runDir = try #require(r.tasks.first { $0.task == "where" }?.messages.first)
        #expect(runDir.contains("loopsentry-ansible-"))
        #expect(!FileManager.default.fileExists(atPath: runDir), "\(runDir) left behind")
    }
}
