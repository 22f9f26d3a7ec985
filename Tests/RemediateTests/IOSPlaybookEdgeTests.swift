import Foundation
import LoopSentryCore
import Remediate
import Testing

/// cisco-ios-trunk-vlan.yml against the IOS emulator: access ports, unknown interfaces, several
/// VLANs in one run, and a VLAN inside a range on an `add` continuation line.
@Suite(.serialized, .enabled(if: SwitchEmulator.available, SwitchEmulator.unavailable))
struct IOSPlaybookEdgeTests {
    @Test("an access port is refused with the reason and nothing is sent; its VLAN keeps flowing")
    func accessPortRefused() async throws {
        let sw = try IOSSwitch()
        let r = try await sw.run(.cut, [20], interface: "Gi1/0/2")
        #expect(!r.succeeded && r.changed == 0 && r.failed == 1)
        #expect(r.error?.description == "playbook cisco-ios-trunk-vlan.yml failed on sw1 at task 'Refuse a port that is not a trunk': "
                + "Gi1/0/2 on sw1 is not a trunk (switchport mode access): its allowed VLAN list does not decide what it forwards; nothing changed")
        #expect(sw.commands() == ["show running-config interface Gi1/0/2"])
        #expect(try sw.flows("GigabitEthernet1/0/2") == "20")
    }

    @Test("an unknown interface fails naming it, with the switch's answer, and sends nothing else")
    func unknownInterface() async throws {
        let sw = try IOSSwitch()
        let r = try await sw.run(.cut, [20], interface: "Gi1/0/99")
        #expect(!r.succeeded && r.failed == 1 && r.unreachable == 0)
        #expect(r.error?.description.hasPrefix(
            "playbook cisco-ios-trunk-vlan.yml failed on sw1 at task 'Require Gi1/0/99 to exist': interface Gi1/0/99 not found on sw1:") == true,
            "\(r.error?.description ?? "")")
        #expect(r.error?.description.contains("Invalid input detected") == true)
        #expect(sw.commands() == ["show running-config interface Gi1/0/99"])
    }

    @Test("vlans [20, 21, 105, 300]: one remove for the three allowed, one add restores them; 300 was never allowed")
    func severalVLANsOneCommand() async throws {
        let sw = try IOSSwitch()
        let cut = try await sw.run(.cut, [20, 21, 105, 300])
        #expect(cut.succeeded && cut.changed == 1, "\(cut.error?.description ?? "")")
        #expect(sw.commands().filter { $0.hasPrefix("switchport") } == ["switchport trunk allowed vlan remove 20,21,105"])
        #expect(try sw.flows("GigabitEthernet1/0/1") == "10,15-19,22-25,100-104,106-110")
        let restore = try await sw.run(.restore, [20, 21, 105])
        #expect(restore.succeeded && restore.changed == 1)
        #expect(sw.commands().filter { $0.hasPrefix("switchport") } == ["switchport trunk allowed vlan add 20,21,105"])
        #expect(try sw.flows("GigabitEthernet1/0/1") == "10,15-25,100-110")
    }

    @Test("VLAN 150 inside 100-199 on an add continuation line is cut alone and restored to the same lines")
    func rangeOnContinuationLine() async throws {
        let sw = try IOSSwitch()
        let before = try sw.interfaceLines("GigabitEthernet1/0/3")
        #expect(before.contains { $0.hasPrefix(" switchport trunk allowed vlan add ") && $0.hasSuffix(",100-199") },
                "\(before)")
        let cut = try await sw.run(.cut, [150], interface: "Gi1/0/3")
        #expect(cut.succeeded && cut.changed == 1, "\(cut.error?.description ?? "")")
        let even = (1...30).map { String($0 * 2) }.joined(separator: ",")
        #expect(try sw.flows("GigabitEthernet1/0/3") == even + ",100-149,151-199")
        let again = try await sw.run(.cut, [150], interface: "Gi1/0/3")
        #expect(again.succeeded && again.changed == 0)
        let restore = try await sw.run(.restore, [150], interface: "Gi1/0/3")
        #expect(restore.succeeded && restore.changed == 1)
        #expect(try sw.interfaceLines("GigabitEthernet1/0/3") == before)
        // A VLAN on the first line, beside the continuation lines, is found too.
        let cut4 = try await sw.run(.cut, [4], interface: "Gi1/0/3")
        #expect(cut4.changed == 1 && sw.commands().contains("switchport trunk allowed vlan remove 4"))
    }
}
