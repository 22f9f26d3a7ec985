import Foundation
import LoopSentryCore
import Remediate
import Testing

/// Pure parts of the runner: the vars file, the json callback and PLAY RECAP parsers, and the
/// one-line errors built from them.
@Suite struct AnsibleParsingTests {
    static let jsonOK = """
        {"custom_stats": {}, "global_custom_stats": {}, "plays": [{"play": {"name": "p"}, "tasks": [
          {"hosts": {"lsl-sw1": {"action": "ansible.builtin.debug", "changed": false,
                                 "msg": ["add table bridge loopsentry", "add rule x"]}},
           "task": {"name": "Show the nftables change"}},
          {"hosts": {"lsl-sw1": {"action": "ansible.builtin.command", "changed": true, "rc": 0}},
           "task": {"name": "Apply the nftables change"}}]}],
         "stats": {"lsl-sw1": {"changed": 1, "failures": 0, "ignored": 0, "ok": 11, "rescued": 0,
                               "skipped": 4, "unreachable": 0}}}
        """
    static let jsonUnreachable = """
        {"plays": [{"play": {"name": "p"}, "tasks": [
          {"hosts": {"far": {"changed": false, "msg": "All assertions passed"}}, "task": {"name": "Check the variables"}},
          {"hosts": {"far": {"changed": false, "unreachable": true,
             "msg": "Failed to connect to the host via ssh: ssh: connect to host 127.0.0.1 port 1: Connection refused"}},
           "task": {"name": "Read port trunk"}}]}],
         "stats": {"far": {"changed": 0, "failures": 0, "ignored": 0, "ok": 1, "rescued": 0, "skipped": 0, "unreachable": 1}}}
        """

    func result(_ stdout: String, stderr: String = "", exit: Int32? = 0, timedOut: Bool = false) -> PlaybookResult {
        PlaybookOutputParser.result(playbook: "linux-bridge-vlan.yml", targetHost: "lsl-sw1", exitStatus: exit,
                                    timedOut: timedOut, timeout: .seconds(30), stdout: stdout, stderr: stderr,
                                    duration: .milliseconds(900))
    }

    @Test("vars JSON has the playbooks' names, sorted keys, no unset optionals, slashes unescaped")
    func varsJSONExactBytes() throws {
        let v = PlaybookVariables(action: .cut, vlan: AnsibleTestEnv.vlan(20), targetHost: "core-sw1",
                                  interface: "Gi1/0/1", tenant: "acme \"corp\"", incidentID: "INC-7", saveConfig: true)
        #expect(String(decoding: try v.jsonData(), as: UTF8.self) == """
            {"action":"cut","incident_id":"INC-7","interface":"Gi1/0/1","save_config":true,\
            "target_host":"core-sw1","tenant":"acme \\"corp\\"","vlan":20,"vlans":[20]}
            """)
    }

    @Test("extra variables are added, but never override the named fields")
    func extraCannotOverride() throws {
        let v = PlaybookVariables(action: .restore, vlan: AnsibleTestEnv.vlan(30), targetHost: "lsl-sw1", port: "trunk",
                                  netns: "lsl-sw1", extra: ["action": .string("cut"), "render_only": .bool(true),
                                                            "unit": .int(5)])
        let d = v.dictionary
        #expect(d["action"] == .string("restore"))
        #expect(d["render_only"] == .bool(true) && d["unit"] == .int(5) && d["netns"] == .string("lsl-sw1"))
        #expect(d["interface"] == nil && d["save_config"] == nil)
    }

    @Test("json callback: stats summed, task messages kept, success has no error")
    func parsesJSONCallback() {
        let r = result(Self.jsonOK)
        #expect(r.succeeded && r.error == nil)
        #expect(r.ok == 11 && r.changed == 1 && r.failed == 0 && r.unreachable == 0 && !r.timedOut)
        #expect(r.hosts["lsl-sw1"]?.skipped == 4)
        #expect(r.tasks.first?.messages == ["add table bridge loopsentry", "add rule x"])
        #expect(r.tasks.last?.changed == true)
        #expect(r.duration == .milliseconds(900))
    }

    @Test("an unreachable host gives 'target HOST unreachable: reason'")
    func unreachableError() {
        let r = result(Self.jsonUnreachable, stderr: "[WARNING]: Found variable using reserved name: action\n", exit: 4)
        #expect(!r.succeeded && r.unreachable == 1)
        #expect(r.error?.description ==
                "target far unreachable: Failed to connect to the host via ssh: ssh: connect to host 127.0.0.1 port 1: Connection refused")
        #expect(r.output.contains("reserved name"))
    }

    @Test("a switch task failed by its connection (network_cli, netconf) counts as unreachable, not failed")
    func connectionFailureIsUnreachable() {
        let json = """
            {"plays": [{"tasks": [{"hosts": {"sw1": {"failed": true, "msg": "Failed to authenticate: Authentication failed."}},
              "task": {"name": "Read the running config of Gi1/0/1"}}]}],
             "stats": {"sw1": {"ok": 1, "changed": 0, "failures": 1, "unreachable": 0}}}
            """
        let r = result(json, exit: 2)
        #expect(r.unreachable == 1 && r.failed == 0 && r.hosts["sw1"]?.failed == 0)
        #expect(r.error == .unreachable(host: "sw1", message: "Failed to authenticate: Authentication failed."))
        #expect(r.failures.first?.unreachable == true)
        #expect(!PlaybookOutputParser.isConnectionFailure("interface Gi1/0/99 not found on sw1: % Invalid input detected"))
    }

    @Test("a failed task names host, task and its message on one line")
    func failedTaskError() {
        let json = """
            {"plays": [{"tasks": [{"hosts": {"lsl-sw1": {"failed": true, "msg": "nope0 is not a bridge port\\non lsl-sw1"}},
              "task": {"name": "Require nope0 to be a bridge port"}}]}],
             "stats": {"lsl-sw1": {"ok": 2, "changed": 0, "failures": 1, "unreachable": 0}}}
            """
        let r = result(json, exit: 2)
        #expect(r.error?.description ==
                "playbook linux-bridge-vlan.yml failed on lsl-sw1 at task 'Require nope0 to be a bridge port': nope0 is not a bridge port on lsl-sw1")
    }

    @Test("timeout: 'playbook linux-bridge-vlan.yml timed out after 30 s', even with partial output")
    func timeoutError() {
        let r = result("", exit: nil, timedOut: true)
        #expect(!r.succeeded && r.timedOut)
        #expect(r.error?.description == "playbook linux-bridge-vlan.yml timed out after 30 s")
        #expect(PlaybookError.timedOut(playbook: "x.yml", after: .milliseconds(1500)).description ==
                "playbook x.yml timed out after 1.5 s")
    }

    @Test("no host matched: exit 0 with empty stats is not a success")
    func noHostMatched() {
        let r = result(#"{"plays": [{"tasks": []}], "stats": {}}"#)
        #expect(!r.succeeded)
        #expect(r.error?.description == "playbook linux-bridge-vlan.yml: no host in the inventory matches 'lsl-sw1'")
    }

    @Test("an ansible ERROR! before any play is the message")
    func ansibleErrorLine() {
        let r = result("", stderr: "[WARNING]: x\nERROR! the playbook: nope.yml could not be found\n", exit: 1)
        #expect(r.error?.description ==
                "playbook linux-bridge-vlan.yml failed: ansible-playbook exited 1: ERROR! the playbook: nope.yml could not be found")
    }

    @Test("PLAY RECAP text of the default callback parses per host")
    func parsesRecap() {
        let text = """
            TASK [x] ***
            ok: [sw1]

            PLAY RECAP *********************************************************************
            sw1                        : ok=11   changed=1    unreachable=0    failed=0    skipped=4    rescued=0    ignored=0
            sw2                        : ok=1    changed=0    unreachable=1    failed=2    skipped=0    rescued=0    ignored=0

            """
        let stats = PlaybookOutputParser.stats(recap: text)
        #expect(stats?["sw1"] == PlaybookHostStats(ok: 11, changed: 1, skipped: 4))
        #expect(stats?["sw2"] == PlaybookHostStats(ok: 1, unreachable: 1, failed: 2))
        #expect(PlaybookOutputParser.stats(recap: "no recap here") == nil)
        let r = result(text, exit: 4)
        #expect(r.changed == 1 && r.unreachable == 1 && r.failed == 2 && !r.succeeded)
    }

    @Test("unknown playbook: \"unknown playbook 'x': no such file playbooks/x.yml\"; paths are refused")
    func unknownPlaybook() throws {
        let runner = AnsibleRunner(playbookDirectory: "playbooks")
        #expect(throws: PlaybookError.unknownPlaybook(name: "x", path: "playbooks/x.yml")) { try runner.playbookPath("x") }
        #expect((try? runner.playbookPath("x")) == nil)
        #expect(PlaybookError.unknownPlaybook(name: "x", path: "playbooks/x.yml").description ==
                "unknown playbook 'x': no such file playbooks/x.yml")
        let repo = AnsibleRunner(playbookDirectory: AnsibleTestEnv.playbooks)
        #expect(throws: PlaybookError.self) { try repo.playbookPath("../playbooks/linux-bridge-vlan") }
        #expect(try repo.playbookPath("linux-bridge-vlan.yml") == "\(AnsibleTestEnv.playbooks)/linux-bridge-vlan.yml")
    }

    @Test("ansible-playbook missing from PATH is a clear error before anything runs")
    func ansibleMissing() async {
        let runner = AnsibleRunner(playbookDirectory: AnsibleTestEnv.playbooks, environment: ["PATH": "/nonexistent"])
        let request = PlaybookRequest(playbook: "linux-bridge-vlan",
                                      variables: PlaybookVariables(action: .cut, vlan: AnsibleTestEnv.vlan(20),
                                                                   targetHost: "h", port: "trunk"),
                                      inventory: .text("h\n"))
        await #expect(throws: PlaybookError.ansiblePlaybookMissing(searched: "PATH=/nonexistent")) {
            try await runner.run(request)
        }
        #expect(PlaybookError.ansiblePlaybookMissing(searched: "PATH=/nonexistent").description ==
                "ansible-playbook not found (PATH=/nonexistent): install ansible-core")
    }
}
