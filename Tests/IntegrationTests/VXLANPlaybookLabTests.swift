import Foundation
import LabTestSupport
import LoopSentryCore
import Remediate
import Testing

/// linux-vxlan-vni.yml through `AnsibleRunner` on the VXLAN lab: a loop in VNI 5000 circulates
/// through the underlay until the playbook sets VTEP 1's `vx5000` down; VNI 5001 keeps
/// delivering; the restore sets it up again with its bridge and bridge port settings as they
/// were. The storm is counted by an nft counter of VNI 5000's VXLAN packets on switch 2's
/// underlay port (not by the sensor), deliveries by a counter on host B's `eth1` (VNI 5001).
@Suite(.serialized, .enabled(if: runningAsRoot && (try? AnsibleRunner().ansiblePlaybookExecutable()) != nil,
                             "needs root and ansible-playbook (scripts/setup.sh installs it)"))
final class VXLANPlaybookLabTests {
    let lab = SuiteLab(tag: "vp", binary: loopsentryBinary)
    var sw1: String { lab.names.switch1 }
    let stateDir = FileManager.default.temporaryDirectory.appendingPathComponent("ls-vni-state-\(getpid())").path

    init() throws {
        try lab.upVXLAN()
        do {
            try Nft.load(netns: lab.names.hostB, "table netdev rx { counter sender { }\n chain in { type filter hook ingress device \"eth1\" priority 0; "
                    + "ether saddr 02:00:00:00:00:01 counter name \"sender\"; }\n}\n")
            try Nft.load(netns: lab.names.switch2, "table netdev obs { counter vni5000 { }\n chain in { type filter hook ingress device \"trunk\" priority 0; "
                    + "udp dport 4789 @th,96,24 5000 counter name \"vni5000\"; }\n}\n")
        } catch {
            lab.down()
            throw error
        }
    }

    deinit {
        lab.down()
        try? FileManager.default.removeItem(atPath: stateDir)
    }

    func counter(_ netns: String, _ table: String, _ name: String) throws -> Int { try Nft.packets(netns: netns, table: table, counter: name) }

    /// VNI 5000 VXLAN packets switch 2 received from the underlay during one second.
    func vni5000PerSecond() throws -> Int {
        let before = try counter(lab.names.switch2, "obs", "vni5000")
        usleep(1_000_000)
        return try counter(lab.names.switch2, "obs", "vni5000") - before
    }

    /// `vx<vni>` in switch 1: whether it is up, its master, and its bridge port state and learning flag.
    func device(_ vni: Int) throws -> (up: Bool, master: String, state: String, learning: Bool) {
        let link = try Shell.must(["ip", "-n", sw1, "-d", "-j", "link", "show", "dev", "vx\(vni)"])
        guard let l = (try JSONSerialization.jsonObject(with: Data(link.utf8)) as? [[String: Any]])?.first,
              let flags = l["flags"] as? [String], let info = l["linkinfo"] as? [String: Any],
              let port = info["info_slave_data"] as? [String: Any] else { throw ShellError("unexpected ip -j output: \(link.prefix(200))") }
        return (flags.contains("UP"), l["master"] as? String ?? "", port["state"] as? String ?? "", port["learning"] as? Bool ?? true)
    }

    func playbook(_ action: PlaybookAction, check: Bool = false) async throws -> PlaybookResult {
        let vars = PlaybookVariables(action: action, vnis: [VNI(5000)!], vxlanPort: 4789, targetHost: sw1, port: "vtep",
                                     tenant: "org-v", incidentID: "INC-VNI-5000", netns: sw1,
                                     extra: ["state_dir": .string(stateDir)])
        let runner = AnsibleRunner(playbookDirectory: DaemonHarness.packageRoot.appendingPathComponent("playbooks").path)
        let r = try await runner.run(PlaybookRequest(
            playbook: "linux-vxlan-vni", variables: vars,
            inventory: .text("\(sw1) ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n"),
            check: check, timeout: .seconds(60)))
        #expect(r.succeeded, "\(action) check=\(check): \(r.error?.description ?? "") \(r.output.suffix(2000))")
        return r
    }

    @Test("the playbook sets vx5000 down: the VNI 5000 loop stops, VNI 5001 delivers ≥99 %; restore puts vx5000 back as it was; reruns change nothing")
    func playbookCutsTheLoopingVNI() async throws {
        // A bridge port setting the cut must keep: learning off on vx5000.
        try Shell.must(["bridge", "-n", sw1, "link", "set", "dev", "vx5000", "learning", "off"])
        let before = try device(5000)
        #expect(before == (true, "br5000", "forwarding", false), "\(before)")

        try lab.run(["loop", "--vni", "5000"])
        try Shell.must([loopsentryBinary, "lab", "send", "--netns", lab.names.hostA, "--interface", "eth0", "--vlan", "0", "--count", "3"])
        let storm = try vni5000PerSecond()
        print("VNI 5000 VXLAN packets per second on switch 2's underlay before the playbook cut: \(storm)")
        #expect(storm > 1000, "no VNI 5000 storm through the underlay before the cut: \(storm)/s")

        let preview = try await playbook(.cut, check: true)
        #expect(preview.changed >= 1, "check mode did not report the cut")
        #expect(try device(5000).up, "check mode set vx5000 down")
        // The loop only carries what was seeded (a ring: nothing multiplies), and a loaded machine
        // may drop some of it during a slow check run: seed again, then the storm must still flow.
        try Shell.must([loopsentryBinary, "lab", "send", "--netns", lab.names.hostA, "--interface", "eth0", "--vlan", "0", "--count", "3"])
        #expect(try vni5000PerSecond() > 1000, "the storm must go on after check mode")

        let sent = try counter(lab.names.hostB, "rx", "sender")
        let neighbour = try BackgroundProcess([loopsentryBinary, "lab", "send", "--netns", lab.names.hostA, "--interface", "eth1",
                                               "--vlan", "0", "--count", "1000", "--rate", "200"], name: "vni5001")
        usleep(500_000)
        let cut = try await playbook(.cut)
        #expect(cut.changed >= 1)
        let marker = try String(contentsOfFile: "\(stateDir)/\(sw1)/vx5000.json", encoding: .utf8)
        #expect(marker == "{\"device\": \"vx5000\", \"vni\": 5000, \"master\": \"br5000\", \"was\": \"up\", \"incident\": \"INC-VNI-5000\", \"tenant\": \"org-v\"}\n")
        #expect(try device(5000) == (false, "br5000", "disabled", false))
        #expect(try device(5001) == (true, "br5001", "forwarding", true), "the neighbour VNI's device is untouched")
        usleep(300_000)  // packets already in flight
        #expect(try vni5000PerSecond() == 0, "VNI 5000 still circulates after the cut")
        #expect(neighbour.wait(timeout: 15) == 0)
        _ = eventually(timeout: 5) { ((try? self.counter(self.lab.names.hostB, "rx", "sender")) ?? 0) - sent >= 1000 }
        let delivered = try counter(lab.names.hostB, "rx", "sender") - sent
        print("VNI 5001 frames delivered during the VNI 5000 storm and its playbook cut: \(delivered) of 1000")
        #expect(delivered >= 990, "VNI 5001 delivered \(delivered) of 1000")

        let again = try await playbook(.cut)
        #expect(again.changed == 0, "second cut changed \(again.changed)")

        try lab.run(["unloop", "--vni", "5000"])
        let restore = try await playbook(.restore)
        #expect(restore.changed >= 1)
        #expect(try device(5000) == before, "vx5000 is back with its bridge and its bridge port settings")
        #expect(!FileManager.default.fileExists(atPath: "\(stateDir)/\(sw1)/vx5000.json"))
        let restoreAgain = try await playbook(.restore)
        #expect(restoreAgain.changed == 0, "second restore changed \(restoreAgain.changed)")
    }

    @Test("a device an operator set down stays down: the cut changes nothing and the restore does not set it up")
    func operatorDownIsLeftAlone() async throws {
        try Shell.must(["ip", "-n", sw1, "link", "set", "dev", "vx5000", "down"])
        let cut = try await playbook(.cut)
        #expect(cut.changed == 0)
        #expect(!FileManager.default.fileExists(atPath: "\(stateDir)/\(sw1)/vx5000.json"))
        let restore = try await playbook(.restore)
        #expect(restore.changed == 0)
        #expect(try device(5000).up == false)
    }

    @Test("the daemon detects the VNI 5000 loop and cuts it with the VNI playbook, verified by the sensor; VNI 5001 delivers; the CLI restore sets vx5000 up")
    func daemonCutsWithThePlaybook() throws {
        // The shipped playbook, with the test's marker folder instead of /run.
        let wrapper = "# loopsentry-cuts: vni\n- ansible.builtin.import_playbook: linux-vxlan-vni.yml\n  vars:\n    state_dir: \(stateDir)\n"
        let tenants = """
              - name: org-v
                policy: auto
                vnis: [{ interface: trunk0, vnis: "5000" }]
                remediation: { playbook: vni-test.yml, host: \(sw1), port: vtep, netns: \(sw1) }
              - name: org-n
                policy: alarm
                vnis: [{ interface: trunk0, vnis: "5001" }]
            """
        let d = try DaemonHarness(lab: lab, tenants: tenants, probeVLANs: "", interfaceExtra: "vnis: \"5000-5001\"",
                                  playbooks: ["vni-test.yml": wrapper])
        let check = try Shell.run([loopsentryBinary, "check-config", d.configPath])
        #expect(check.status == 0, "\(check.stderr)")
        #expect(check.stdout.contains("via playbook vni-test.yml on \(sw1) port vtep (cuts VNIs)"), "\(check.stdout)")
        try d.start()
        func vniEvents(_ name: String, _ vni: Int) -> [EventRecord] { d.events().filter { $0.event == name && $0.vni == vni } }

        let sent = try counter(lab.names.hostB, "rx", "sender")
        let neighbour = try BackgroundProcess([loopsentryBinary, "lab", "send", "--netns", lab.names.hostA, "--interface", "eth1",
                                               "--vlan", "0", "--count", "1000", "--rate", "200"], name: "vni5001")
        usleep(300_000)
        try lab.run(["loop", "--vni", "5000"])
        try Shell.must([loopsentryBinary, "lab", "send", "--netns", lab.names.hostA, "--interface", "eth0", "--vlan", "0", "--count", "3"])
        try d.waitFor(timeout: 30, "stormDetected in VNI 5000") { !vniEvents("stormDetected", 5000).isEmpty }
        try d.waitFor(timeout: 60, "cutApplied in VNI 5000") {
            vniEvents("notification", 5000).contains { $0.notification == "cutApplied" }
        }
        let started = try #require(vniEvents("cutStarted", 5000).first?.detail)
        #expect(started == "cut via ansible vni-test.yml VNIs 5000 port vtep attempt 1", "\(started)")
        let finished = try #require(vniEvents("cutFinished", 5000).first?.detail)
        #expect(finished.hasPrefix("vni-test.yml: ok, "), "\(finished)")
        #expect(try device(5000) == (false, "br5000", "disabled", true))
        #expect(try d.status().first { $0.vni == 5000 }?.state == "cut")
        #expect(neighbour.wait(timeout: 15) == 0)
        _ = eventually(timeout: 5) { ((try? self.counter(self.lab.names.hostB, "rx", "sender")) ?? 0) - sent >= 1000 }
        let delivered = try counter(lab.names.hostB, "rx", "sender") - sent
        print("VNI 5001 frames delivered while the daemon detected and cut the VNI 5000 loop with the playbook: \(delivered) of 1000")
        #expect(delivered >= 990, "VNI 5001 delivered \(delivered) of 1000")
        #expect(try d.status().first { $0.vni == 5001 }?.state == "normal")

        try lab.run(["unloop", "--vni", "5000"])
        let restore = try Shell.run([loopsentryBinary, "restore", "--interface", "trunk0", "--vni", "5000", "--socket", d.socket, "--by", "bob"])
        #expect(restore.status == 0, "\(restore.stderr)")
        try d.waitFor(timeout: 60, "VNI 5000 restored") { try d.status().first { $0.vni == 5000 }?.state == "normal" }
        #expect(try device(5000) == (true, "br5000", "forwarding", true))
        #expect(!FileManager.default.fileExists(atPath: "\(stateDir)/\(sw1)/vx5000.json"))
        #expect(d.stop() == 0)
    }
}
