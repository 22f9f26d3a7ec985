import Foundation
import LoopSentryCore
import Remediate
import Testing

/// The playbooks themselves: every one passes `ansible-playbook --syntax-check`, and the device
/// playbooks (no switch reachable here) render exactly the commands a switch would receive,
/// given the running config they would have read (`running_config`, `render_only=true`).
@Suite(.enabled(if: AnsibleTestEnv.hasAnsible, AnsibleTestEnv.noAnsible))
struct AnsiblePlaybookTests {
    static let iosConfig = """
        Building configuration...

        Current configuration : 160 bytes
        !
        interface GigabitEthernet1/0/1
         switchport trunk allowed vlan 10,15-25
         switchport trunk allowed vlan add 100-110
         switchport mode trunk
        end
        """
    static let junosConfig = """
        set interfaces xe-0/0/1 unit 0 family ethernet-switching interface-mode trunk
        set interfaces xe-0/0/1 unit 0 family ethernet-switching vlan members 10
        set interfaces xe-0/0/1 unit 0 family ethernet-switching vlan members 20
        set interfaces xe-0/0/1 unit 0 family ethernet-switching vlan members 40-49
        """

    /// Runs a device playbook in render-only mode against a local host and returns the result.
    func render(_ playbook: String, _ action: PlaybookAction, vlan: Int, interface: String, config: String,
                save: Bool? = nil, extra: [String: PlaybookVariableValue] = [:]) async throws -> PlaybookResult {
        var vars = PlaybookVariables(action: action, vlan: AnsibleTestEnv.vlan(vlan), targetHost: "sw-dev",
                                     interface: interface, tenant: "acme corp", incidentID: "INC-42", saveConfig: save,
                                     extra: extra)
        vars.extra["render_only"] = .bool(true)
        vars.extra["running_config"] = .string(config)
        return try await AnsibleTestEnv.runner().run(
            PlaybookRequest(playbook: playbook, variables: vars, inventory: AnsibleTestEnv.localInventory("sw-dev")))
    }

    @Test("ansible-playbook --syntax-check passes for every playbook", arguments: AnsibleTestEnv.playbookNames)
    func syntaxCheck(_ name: String) throws {
        let r = try AnsibleTestShell.run(["ansible-playbook", "--syntax-check", "-i", "localhost,",
                                          "\(AnsibleTestEnv.playbooks)/\(name).yml"])
        #expect(r.status == 0, "\(r.stdout) \(r.stderr)")
        #expect(r.stdout.contains("playbook: \(AnsibleTestEnv.playbooks)/\(name).yml"))
    }

    @Test("IOS cut: interface line, then 'switchport trunk allowed vlan remove 20'; with save_config, copy run start")
    func iosCutRendersRemove() async throws {
        let r = try await render("cisco-ios-trunk-vlan", .cut, vlan: 20, interface: "Gi1/0/1", config: Self.iosConfig)
        #expect(r.succeeded, "\(r.error?.description ?? "")")
        #expect(AnsibleTestEnv.rendered(r) == ["interface Gi1/0/1", " switchport trunk allowed vlan remove 20"])
        let saved = try await render("cisco-ios-trunk-vlan", .cut, vlan: 105, interface: "Gi1/0/1",
                                     config: Self.iosConfig, save: true)
        #expect(AnsibleTestEnv.rendered(saved) == ["interface Gi1/0/1", " switchport trunk allowed vlan remove 105",
                                                   "copy running-config startup-config"])
    }

    @Test("IOS idempotence: cut of a VLAN not allowed, restore of one allowed (or of any when no list) send nothing")
    func iosNoChangeRendersNothing() async throws {
        let cut = try await render("cisco-ios-trunk-vlan", .cut, vlan: 30, interface: "Gi1/0/1", config: Self.iosConfig)
        #expect(cut.succeeded && AnsibleTestEnv.rendered(cut) == [])
        let restore = try await render("cisco-ios-trunk-vlan", .restore, vlan: 15, interface: "Gi1/0/1",
                                       config: Self.iosConfig)
        #expect(AnsibleTestEnv.rendered(restore) == [])
        let allAllowed = "interface Gi1/0/2\n switchport mode trunk\nend\n"
        let restoreAll = try await render("cisco-ios-trunk-vlan", .restore, vlan: 20, interface: "Gi1/0/2",
                                          config: allAllowed)
        #expect(AnsibleTestEnv.rendered(restoreAll) == [])
        let cutAll = try await render("cisco-ios-trunk-vlan", .cut, vlan: 20, interface: "Gi1/0/2", config: allAllowed)
        #expect(AnsibleTestEnv.rendered(cutAll) == ["interface Gi1/0/2", " switchport trunk allowed vlan remove 20"])
    }

    @Test("IOS restore: 'switchport trunk allowed vlan add 20' when 20 is missing (also from 'none')")
    func iosRestoreRendersAdd() async throws {
        let cutConfig = Self.iosConfig.replacingOccurrences(of: "15-25", with: "15-19,21-25")
        let r = try await render("cisco-ios-trunk-vlan", .restore, vlan: 20, interface: "Gi1/0/1", config: cutConfig)
        #expect(AnsibleTestEnv.rendered(r) == ["interface Gi1/0/1", " switchport trunk allowed vlan add 20"])
        let none = try await render("cisco-ios-trunk-vlan", .restore, vlan: 20, interface: "Gi1/0/1",
                                    config: "interface Gi1/0/1\n switchport trunk allowed vlan none\n switchport mode trunk\nend")
        #expect(AnsibleTestEnv.rendered(none) == ["interface Gi1/0/1", " switchport trunk allowed vlan add 20"])
    }

    @Test("Junos cut: delete the member and commit with the incident in the comment; absent member sends nothing")
    func junosCut() async throws {
        let r = try await render("junos-trunk-vlan", .cut, vlan: 20, interface: "xe-0/0/1", config: Self.junosConfig)
        #expect(r.succeeded, "\(r.error?.description ?? "")")
        #expect(AnsibleTestEnv.rendered(r) == [
            "delete interfaces xe-0/0/1 unit 0 family ethernet-switching vlan members 20",
            "commit comment \"loopsentry INC-42 cut vlan 20 tenant acme_corp\"",
        ])
        let absent = try await render("junos-trunk-vlan", .cut, vlan: 30, interface: "xe-0/0/1", config: Self.junosConfig)
        #expect(absent.succeeded && AnsibleTestEnv.rendered(absent) == [])
    }

    @Test("Junos restore: set the member when absent, nothing when present")
    func junosRestore() async throws {
        let r = try await render("junos-trunk-vlan", .restore, vlan: 30, interface: "xe-0/0/1", config: Self.junosConfig)
        #expect(AnsibleTestEnv.rendered(r) == [
            "set interfaces xe-0/0/1 unit 0 family ethernet-switching vlan members 30",
            "commit comment \"loopsentry INC-42 restore vlan 30 tenant acme_corp\"",
        ])
        let present = try await render("junos-trunk-vlan", .restore, vlan: 10, interface: "xe-0/0/1",
                                       config: Self.junosConfig)
        #expect(AnsibleTestEnv.rendered(present) == [])
    }

    @Test("Junos cut of a VLAN inside a range member: delete the range, set what is left of it, one commit")
    func junosRangeSplit() async throws {
        let r = try await render("junos-trunk-vlan", .cut, vlan: 45, interface: "xe-0/0/1", config: Self.junosConfig)
        #expect(r.succeeded, "\(r.error?.description ?? "")")
        #expect(AnsibleTestEnv.rendered(r) == [
            "delete interfaces xe-0/0/1 unit 0 family ethernet-switching vlan members 40-49",
            "set interfaces xe-0/0/1 unit 0 family ethernet-switching vlan members 40-44",
            "set interfaces xe-0/0/1 unit 0 family ethernet-switching vlan members 46-49",
            "commit comment \"loopsentry INC-42 cut vlan 45 tenant acme_corp\"",
        ])
        let edge = try await render("junos-trunk-vlan", .cut, vlan: 40, interface: "xe-0/0/1", config: Self.junosConfig)
        #expect(AnsibleTestEnv.rendered(edge)?.dropFirst().first == "set interfaces xe-0/0/1 unit 0 family ethernet-switching vlan members 41-49")
    }

    @Test("bad variables (a port name carrying nftables syntax) fail before any command runs")
    func linuxRejectsInjection() async throws {
        let vars = PlaybookVariables(action: .cut, vlan: AnsibleTestEnv.vlan(20), targetHost: "h",
                                     port: "trunk\" accept; #", incidentID: "INC-1")
        let r = try await AnsibleTestEnv.runner().run(
            PlaybookRequest(playbook: "linux-bridge-vlan", variables: vars, inventory: AnsibleTestEnv.localInventory("h")))
        #expect(!r.succeeded)
        #expect(r.error?.description.hasPrefix(
            "playbook linux-bridge-vlan.yml failed on h at task 'Check the variables': bad variables") == true,
            "\(r.error?.description ?? "")")
        #expect(r.tasks.count == 1)
    }

    @Test("a port that is not a bridge port is named in the error")
    func linuxMissingPort() async throws {
        let vars = PlaybookVariables(action: .cut, vlan: AnsibleTestEnv.vlan(20), targetHost: "h", port: "lsnope0")
        let r = try await AnsibleTestEnv.runner().run(
            PlaybookRequest(playbook: "linux-bridge-vlan", variables: vars, inventory: AnsibleTestEnv.localInventory("h")))
        #expect(r.error?.description.contains("lsnope0 is not a bridge port on h") == true, "\(r.error?.description ?? "")")
    }
}
