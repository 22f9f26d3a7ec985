import Foundation
import LoopSentryCore
import Remediate
import Testing

/// ovs-trunk-vlan.yml against a real Open vSwitch: cut, restore, idempotency, check mode, a port
/// of every VLAN, and the failures (bad port, access port, database down), each read back with
/// `ovs-vsctl`.
@Suite(.serialized, .enabled(if: OVSFixture.canRun && AnsibleTestEnv.hasAnsible,
                             "\(OVSFixture.unavailable ?? "ansible-playbook is not installed")"))
final class OVSPlaybookTests {
    let ovs: OVSFixture

    init() throws { ovs = try OVSFixture(tag: "p") }

    deinit { ovs.close() }

    /// One run of ovs-trunk-vlan.yml on `port` with the repository's variable contract.
    static func play(_ action: PlaybookAction, _ vlans: [Int], port: String = "trunk", database: String,
                     check: Bool = false) async throws -> PlaybookResult {
        try await AnsibleTestEnv.runner().run(PlaybookRequest(
            playbook: "ovs-trunk-vlan.yml",
            variables: PlaybookVariables(action: action, vlans: vlans.map { VLANID($0)! }, targetHost: "hv", port: port,
                                         tenant: "acme", incidentID: "7", extra: ["ovsdb": .string(database)]),
            inventory: AnsibleTestEnv.localInventory("hv"), check: check, timeout: .seconds(60)))
    }

    func play(_ action: PlaybookAction, _ vlans: [Int], port: String = "trunk", check: Bool = false) async throws -> PlaybookResult {
        try await Self.play(action, vlans, port: port, database: ovs.database, check: check)
    }

    func message(_ r: PlaybookResult, _ task: String) -> String {
        r.tasks.first { $0.task == task }?.messages.joined(separator: " ") ?? ""
    }

    @Test("check mode shows the planned trunks and changes nothing; the cut applies them; a second run changes nothing; restore gives back exactly 10,20,30")
    func checkCutRepeatRestore() async throws {
        let preview = try await play(.cut, [20], check: true)
        #expect(preview.succeeded && preview.changed == 1, "\(preview.output.suffix(400))")
        #expect(message(preview, "Show the trunks change").hasPrefix("port trunk trunks 10,20,30 -> 10,30 (cut VLAN 20)"))
        #expect(try ovs.get("trunk", "trunks") == "[10, 20, 30]")
        #expect(try ovs.get("trunk", "external_ids") == "{}")
        let cut = try await play(.cut, [20])
        #expect(cut.succeeded && cut.changed == 1)
        #expect(try ovs.get("trunk", "trunks") == "[10, 30]")
        #expect(try ovs.get("trunk", "external_ids") == "{loopsentry-cut-vlans=\"20\", loopsentry-original-trunks=\"10,20,30\"}")
        let again = try await play(.cut, [20])
        #expect(again.succeeded && again.changed == 0)
        #expect(message(again, "Show the trunks change") == "no change: VLAN 20 already cut from port trunk (trunks 10,30)")
        let restore = try await play(.restore, [20])
        #expect(restore.succeeded && restore.changed == 1)
        #expect(try ovs.get("trunk", "trunks") == "[10, 20, 30]")
        #expect(try ovs.get("trunk", "external_ids") == "{}")
        let twice = try await play(.restore, [20])
        #expect(twice.succeeded && twice.changed == 0)
    }

    @Test("a port of every VLAN (empty trunks): the cut says so and writes the rest; the restore gives back empty trunks")
    func everyVLANPort() async throws {
        let cut = try await play(.cut, [20], port: "allv")
        #expect(cut.succeeded && cut.changed == 1)
        #expect(message(cut, "Show the trunks change").contains("trunks all -> 0-19,21-4095 (cut VLAN 20); it carried every VLAN (empty trunks)"))
        #expect(try ovs.get("allv", "trunks").split(separator: ",").count == 4095)
        #expect(try ovs.get("allv", "external_ids") == "{loopsentry-cut-vlans=\"20\", loopsentry-original-trunks=all}")
        #expect(try await play(.restore, [20], port: "allv").changed == 1)
        #expect(try ovs.get("allv", "trunks") == "[]")
        #expect(try ovs.get("allv", "external_ids") == "{}")
    }

    @Test("a missing port, an access port and a missing database socket fail with one line each and change nothing")
    func failures() async throws {
        let missing = try await play(.cut, [20], port: "nope")
        #expect(!missing.succeeded)
        #expect(missing.failures.first?.message == "port nope not found in Open vSwitch database \(ovs.database) on hv; nothing changed")
        let access = try await play(.cut, [10], port: "acc")
        #expect(access.failures.first?.message == "acc is an access port (tag 10): its trunks do not decide what it forwards; nothing changed")
        #expect(try ovs.get("acc", "trunks") == "[]" && ovs.get("acc", "external_ids") == "{}")
        let down = try await Self.play(.cut, [20], database: "unix:\(ovs.ovs.directory)/missing.sock")
        #expect(down.failures.first?.message
                == "Open vSwitch database unix:\(ovs.ovs.directory)/missing.sock on hv: ovsdb-client: failed to connect to \"unix:\(ovs.ovs.directory)/missing.sock\" (No such file or directory)")
        #expect(try ovs.get("trunk", "trunks") == "[10, 20, 30]")
    }
}
