import Foundation
import LoopSentryCore
import Remediate
import Testing

/// junos-trunk-vlan.yml through `AnsibleRunner` and ncclient (netconf) against the Junos emulator:
/// exact committed members and RPC log for cut, repeat, restore, check mode, ranges and names.
@Suite(.serialized, .enabled(if: SwitchEmulator.available, SwitchEmulator.unavailable))
struct JunosPlaybookEmulatorTests {
    static let path = "interfaces xe-0/0/1 unit 0 family ethernet-switching vlan members"

    @Test("vlans [20, 45]: one load and one commit delete 20 and split 40-49; a repeat commits nothing; restore gives the same VLANs back")
    func cutRangeRepeatRestore() async throws {
        let sw = try JunosSwitch()
        let cut = try await sw.run(.cut, [20, 45])
        #expect(cut.succeeded && cut.changed == 1, "\(cut.error?.description ?? "") \(cut.output)")
        #expect(sw.rpcs() == JunosSwitch.reads("xe-0/0/1") + [
            "get-software-information", "lock", "get-configuration format=set",
            "load-configuration action=set format=text: delete \(Self.path) 20 | delete \(Self.path) 40-49 | "
                + "set \(Self.path) 40-44 | set \(Self.path) 46-49",
            "validate", "get-configuration format=text compare=rollback rollback=0",
            "commit-configuration log=loopsentry INC-9 cut vlan 20,45 tenant acme", "unlock"])
        #expect(try sw.committed("xe-0/0/1") == (["10", "40-44", "46-49"], "10,40-44,46-49"))

        let again = try await sw.run(.cut, [20, 45])
        #expect(again.succeeded && again.changed == 0)
        #expect(sw.rpcs() == JunosSwitch.reads("xe-0/0/1"))

        let restore = try await sw.run(.restore, [20, 45])
        #expect(restore.succeeded && restore.changed == 1, "\(restore.error?.description ?? "")")
        #expect(try sw.committed("xe-0/0/1").vlans == "10,20,40-49")
        #expect(try sw.commits() == ["loopsentry INC-9 cut vlan 20,45 tenant acme",
                                     "loopsentry INC-9 restore vlan 20,45 tenant acme"])
        let restoreAgain = try await sw.run(.restore, [20, 45])
        #expect(restoreAgain.succeeded && restoreAgain.changed == 0)
    }

    @Test("check mode loads, diffs and discards: changed=1, no commit, committed members unchanged")
    func checkModeDiscards() async throws {
        let sw = try JunosSwitch()
        let preview = try await sw.run(.cut, [20], check: true)
        #expect(preview.succeeded && preview.changed == 1, "\(preview.error?.description ?? "")")
        let rpcs = sw.rpcs()
        #expect(rpcs.contains("discard-changes") && !rpcs.contains { $0.hasPrefix("commit-configuration") }, "\(rpcs)")
        #expect(try sw.committed("xe-0/0/1") == (["10", "20", "40-49"], "10,20,40-49"))
        #expect(try sw.emulator.read("candidate.conf") == sw.emulator.read("committed.conf"))
    }

    @Test("named VLANs: cutting 20 deletes member v20, restoring 20 sets v20 again; NETCONF 1.0 framing works too")
    func namedVLANs() async throws {
        let sw = try JunosSwitch(base10Only: true)
        let cut = try await sw.run(.cut, [20], interface: "xe-0/0/2")
        #expect(cut.succeeded && cut.changed == 1, "\(cut.error?.description ?? "")")
        #expect(sw.rpcs(framing: "1.0-eom").contains(
            "load-configuration action=set format=text: delete interfaces xe-0/0/2 unit 0 family ethernet-switching vlan members v20"))
        #expect(try sw.committed("xe-0/0/2") == (["v30"], "30"))
        let restore = try await sw.run(.restore, [20], interface: "xe-0/0/2")
        #expect(restore.succeeded && restore.changed == 1)
        #expect(try sw.committed("xe-0/0/2") == (["v30", "v20"], "20,30"))
    }
}
