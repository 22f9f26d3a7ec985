import Foundation
import LoopSentryCore
import Remediate
import Testing

/// An IOS switch emulator (Tests/Emulators/ios_cli_emulator.py) with the configuration the IOS
/// tests start from, and cisco-ios-trunk-vlan.yml runs against it through `AnsibleRunner`.
final class IOSSwitch {
    /// Gi1/0/1 a trunk with ranges and an `add` line, Gi1/0/2 an access port in VLAN 20,
    /// Gi1/0/3 a trunk whose long list IOS continues on `add` lines (100-199 on the last).
    static let config = """
        hostname sw1
        !
        interface GigabitEthernet1/0/1
         description uplink to core
         switchport trunk allowed vlan 10,15-25
         switchport trunk allowed vlan add 100-110
         switchport mode trunk
        !
        interface GigabitEthernet1/0/2
         switchport access vlan 20
         switchport mode access
        !
        interface GigabitEthernet1/0/3
         switchport trunk allowed vlan \((1...30).map { String($0 * 2) }.joined(separator: ","))
         switchport trunk allowed vlan add 100-199
         switchport mode trunk
        !
        end

        """
    /// What network_cli (cisco.ios terminal and cliconf plugins) sends after login, as logged.
    static let login = ["enable", "show privilege", "terminal length 0", "terminal width 512", "terminal width 0",
                        "show version", "show vlan"]

    let emulator: SwitchEmulator

    init() throws {
        let file = "\(NSTemporaryDirectory())/loopsentry-ios-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).cfg"
        try Self.config.write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        emulator = try SwitchEmulator(script: "ios_cli_emulator.py", arguments: ["--config", file])
    }

    /// network_cli inventory for host sw1 on the emulator (`password` to try a wrong one, `port` a closed one).
    func inventory(password: String = SwitchEmulator.password, port: Int? = nil) -> PlaybookInventory {
        .text("""
            sw1 ansible_host=127.0.0.1 ansible_port=\(port ?? emulator.port) \
            ansible_connection=ansible.netcommon.network_cli ansible_network_os=cisco.ios.ios \
            ansible_user=\(SwitchEmulator.user) ansible_password=\(password) \
            ansible_become=true ansible_become_method=enable

            """)
    }

    /// Runs the IOS playbook for `vlans` on `interface`; the command log is emptied first.
    func run(_ action: PlaybookAction, _ vlans: [Int], interface: String = "Gi1/0/1", save: Bool? = nil,
             check: Bool = false, inventory: PlaybookInventory? = nil) async throws -> PlaybookResult {
        try emulator.clear("commands.log")
        let vars = PlaybookVariables(action: action, vlans: vlans.map(AnsibleTestEnv.vlan), targetHost: "sw1",
                                     interface: interface, tenant: "acme", incidentID: "INC-7", saveConfig: save)
        return try await emulator.runner().run(
            PlaybookRequest(playbook: "cisco-ios-trunk-vlan", variables: vars, inventory: inventory ?? self.inventory(),
                            check: check, timeout: .seconds(90)))
    }

    /// The commands of the last run after the login sequence (which is checked to be exactly `login`).
    func commands() -> [String] {
        let log = emulator.log("commands.log")
        #expect(Array(log.prefix(Self.login.count)) == Self.login, "login sequence: \(log)")
        return Array(log.dropFirst(Self.login.count))
    }

    /// `show running-config interface NAME` lines as the emulator's running (or startup) config holds them.
    func interfaceLines(_ name: String, startup: Bool = false) throws -> [String] {
        let text = try emulator.read(startup ? "startup-config.txt" : "running-config.txt")
        let lines = text.split(separator: "\n").map(String.init)
        guard let start = lines.firstIndex(of: "interface \(name)") else { throw AnsibleTestFailure("no \(name) in \(text)") }
        return Array(lines[start...].prefix { $0 != "!" })
    }

    /// The VLANs the port forwards in the running (or startup) config, as the emulator's state says.
    func flows(_ name: String, startup: Bool = false) throws -> String {
        let data = Data(try emulator.read("state.json").utf8)
        let doc = try #require(try JSONSerialization.jsonObject(with: data) as? [String: [String: [String: String]]])
        return try #require(doc[startup ? "startup" : "running"]?[name]?["flows"])
    }
}
