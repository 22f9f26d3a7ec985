import Foundation
import LoopSentryCore
import Remediate
import Testing

/// cisco-ios-trunk-vlan.yml through `AnsibleRunner` and network_cli against the IOS emulator:
/// exact configuration and command log after cut, repeat, restore, check mode and saves.
@Suite(.serialized, .enabled(if: SwitchEmulator.available, SwitchEmulator.unavailable))
struct IOSPlaybookEmulatorTests {
    static let cut20 = ["interface GigabitEthernet1/0/1", " description uplink to core",
                        " switchport trunk allowed vlan 10,15-19,21-25,100-110", " switchport mode trunk"]
    static let original = ["interface GigabitEthernet1/0/1", " description uplink to core",
                           " switchport trunk allowed vlan 10,15-25,100-110", " switchport mode trunk"]

    @Test("cut sends one remove under the interface and no full show running-config; a repeat changes nothing; restore gives the original list back")
    func cutRepeatRestore() async throws {
        let sw = try IOSSwitch()
        let cut = try await sw.run(.cut, [20])
        #expect(cut.succeeded && cut.changed == 1, "\(cut.error?.description ?? "") \(cut.output)")
        #expect(sw.commands() == ["show running-config interface Gi1/0/1", "configure terminal", "interface Gi1/0/1",
                                  "switchport trunk allowed vlan remove 20", "end"])
        #expect(try sw.interfaceLines("GigabitEthernet1/0/1") == Self.cut20)
        #expect(try sw.flows("GigabitEthernet1/0/1") == "10,15-19,21-25,100-110")

        let again = try await sw.run(.cut, [20])
        #expect(again.succeeded && again.changed == 0, "\(again.error?.description ?? "")")
        #expect(sw.commands() == ["show running-config interface Gi1/0/1"])

        let restore = try await sw.run(.restore, [20])
        #expect(restore.succeeded && restore.changed == 1, "\(restore.error?.description ?? "")")
        #expect(sw.commands().suffix(3) == ["interface Gi1/0/1", "switchport trunk allowed vlan add 20", "end"])
        #expect(try sw.interfaceLines("GigabitEthernet1/0/1") == Self.original)
        let restoreAgain = try await sw.run(.restore, [20])
        #expect(restoreAgain.succeeded && restoreAgain.changed == 0)
    }

    @Test("check mode reports the cut and sends no configuration command")
    func checkModeChangesNothing() async throws {
        let sw = try IOSSwitch()
        let preview = try await sw.run(.cut, [20], check: true)
        #expect(preview.succeeded && preview.changed == 1, "\(preview.error?.description ?? "")")
        #expect(sw.commands() == ["show running-config interface Gi1/0/1"])
        #expect(try sw.interfaceLines("GigabitEthernet1/0/1") == Self.original)
        #expect(try sw.flows("GigabitEthernet1/0/1") == "10,15-25,100-110")
    }

    @Test("save_config saves when startup differs from running, also on a run that changes nothing else; a reload then keeps the cut")
    func saveSemantics() async throws {
        let sw = try IOSSwitch()
        let unsaved = try await sw.run(.cut, [20])
        #expect(unsaved.succeeded && unsaved.changed == 1)
        #expect(try sw.interfaceLines("GigabitEthernet1/0/1", startup: true) == Self.original)

        let save = try await sw.run(.cut, [20], save: true)
        #expect(save.succeeded && save.changed == 1, "\(save.error?.description ?? "") \(save.output)")
        #expect(sw.commands() == ["show running-config interface Gi1/0/1", "show running-config",
                                  "show startup-config", "copy running-config startup-config"])
        #expect(try sw.interfaceLines("GigabitEthernet1/0/1", startup: true) == Self.cut20)

        let nothing = try await sw.run(.cut, [20], save: true)
        #expect(nothing.succeeded && nothing.changed == 0)
        #expect(!sw.commands().contains("copy running-config startup-config"))

        // Reload: the running config comes back from startup, without VLAN 20.
        FileManager.default.createFile(atPath: "\(sw.emulator.state)/reload", contents: nil)
        let afterReload = try await sw.run(.cut, [20])
        #expect(afterReload.succeeded && afterReload.changed == 0)
        #expect(sw.emulator.log("events.log").contains("reload"))
        #expect(try sw.flows("GigabitEthernet1/0/1") == "10,15-19,21-25,100-110")
    }

    @Test("a cut with save_config sends the change and then saves once; check mode with save_config saves nothing")
    func cutAndSaveInOneRun() async throws {
        let sw = try IOSSwitch()
        let preview = try await sw.run(.cut, [20], save: true, check: true)
        #expect(preview.succeeded && preview.changed == 1)
        #expect(!sw.commands().contains("copy running-config startup-config"))
        #expect(try sw.interfaceLines("GigabitEthernet1/0/1", startup: true) == Self.original)

        let r = try await sw.run(.cut, [20], save: true)
        #expect(r.succeeded && r.changed == 2, "the change and the save are two changed tasks")
        #expect(sw.commands() == ["show running-config interface Gi1/0/1", "configure terminal", "interface Gi1/0/1",
                                  "switchport trunk allowed vlan remove 20", "end", "show running-config",
                                  "show startup-config", "copy running-config startup-config"])
        #expect(try sw.flows("GigabitEthernet1/0/1", startup: true) == "10,15-19,21-25,100-110")
    }
}
