import Foundation
import LoopSentryCore
import Remediate
import Testing

/// A Junos NETCONF emulator (Tests/Emulators/junos_netconf_emulator.py) with the configuration the
/// Junos tests start from, and junos-trunk-vlan.yml runs against it through `AnsibleRunner`.
final class JunosSwitch {
    /// xe-0/0/1: members 10, 20 and the range 40-49; xe-0/0/2: the named VLANs v20 and v30.
    static let config = """
        set vlans v20 vlan-id 20
        set vlans v30 vlan-id 30
        set interfaces xe-0/0/1 unit 0 family ethernet-switching interface-mode trunk
        set interfaces xe-0/0/1 unit 0 family ethernet-switching vlan members 10
        set interfaces xe-0/0/1 unit 0 family ethernet-switching vlan members 20
        set interfaces xe-0/0/1 unit 0 family ethernet-switching vlan members 40-49
        set interfaces xe-0/0/2 unit 0 family ethernet-switching interface-mode trunk
        set interfaces xe-0/0/2 unit 0 family ethernet-switching vlan members v20
        set interfaces xe-0/0/2 unit 0 family ethernet-switching vlan members v30

        """
    /// What the playbook's read sends for xe-0/0/1 (after the hello and the facts RPC).
    static func reads(_ interface: String) -> [String] {
        ["get-software-information",
         "command format=set: show configuration interfaces \(interface) unit 0 family ethernet-switching vlan",
         "command format=set: show configuration vlans"]
    }

    let emulator: SwitchEmulator

    /// `base10Only`: the emulator offers only NETCONF 1.0 (end-of-message framing).
    init(base10Only: Bool = false) throws {
        let file = "\(NSTemporaryDirectory())/loopsentry-junos-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).conf"
        try Self.config.write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        emulator = try SwitchEmulator(script: "junos_netconf_emulator.py",
                                      arguments: ["--config", file] + (base10Only ? ["--base10-only"] : []))
    }

    /// netconf inventory for host qfx1 on the emulator.
    func inventory(password: String = SwitchEmulator.password, port: Int? = nil) -> PlaybookInventory {
        .text("""
            qfx1 ansible_host=127.0.0.1 ansible_port=\(port ?? emulator.port) \
            ansible_connection=ansible.netcommon.netconf ansible_network_os=junipernetworks.junos.junos \
            ansible_user=\(SwitchEmulator.user) ansible_password=\(password)

            """)
    }

    /// Runs the Junos playbook for `vlans` on `interface`; the RPC log is emptied first.
    func run(_ action: PlaybookAction, _ vlans: [Int], interface: String = "xe-0/0/1", check: Bool = false,
             inventory: PlaybookInventory? = nil) async throws -> PlaybookResult {
        try emulator.clear("rpc.log")
        let vars = PlaybookVariables(action: action, vlans: vlans.map(AnsibleTestEnv.vlan), targetHost: "qfx1",
                                     interface: interface, tenant: "acme", incidentID: "INC-9")
        return try await emulator.runner().run(
            PlaybookRequest(playbook: "junos-trunk-vlan", variables: vars, inventory: inventory ?? self.inventory(),
                            check: check, timeout: .seconds(90)))
    }

    /// The RPCs of the last run, without the hello line (checked to name `framing`) and close-session.
    func rpcs(framing: String = "1.1-chunked") -> [String] {
        var log = emulator.log("rpc.log")
        #expect(log.first == "hello framing=\(framing)", "\(log)")
        #expect(log.last == "close-session", "\(log)")
        log = log.filter { !$0.hasPrefix("hello ") && $0 != "close-session" }
        return log
    }

    /// The committed members of `interface` unit 0, as configured, and the VLAN IDs they allow.
    func committed(_ interface: String) throws -> (members: [String], vlans: String) {
        let data = Data(try emulator.read("state.json").utf8)
        let doc = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let entry = try #require((doc["committed"] as? [String: [String: Any]])?["\(interface) unit 0"])
        return (entry["members"] as? [String] ?? [], entry["vlans"] as? String ?? "")
    }

    /// Commit comments, oldest first.
    func commits() throws -> [String] {
        let data = Data(try emulator.read("state.json").utf8)
        return (try JSONSerialization.jsonObject(with: data) as? [String: Any])?["commits"] as? [String] ?? []
    }
}
