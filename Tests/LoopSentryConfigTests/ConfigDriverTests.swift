import Foundation
import LoopSentryConfig
import LoopSentryCore
import Testing

/// `remediation.driver` and what each driver needs; every refusal names the key and line.
@Suite struct ConfigDriverTests {
    func config(_ remediation: String, top: String = "") -> String {
        """
        interfaces:
          - name: eth1
        tenants:
          - name: a
            policy: auto
            vlans: [{ interface: eth1, vlans: "10" }]
            remediation: \(remediation)
        \(top)
        """
    }

    func errors(_ yaml: String) -> [String] { ConfigLoaderTests().errors(yaml) }

    @Test("driver nftables needs only the port; persistence is on by default when a playbook is given")
    func nftables() throws {
        let bare = try ConfigLoader.parse(config("{ driver: nftables, port: trunk, netns: sw1 }"))
        let r = try #require(bare.tenants[0].remediation)
        #expect(r.driver == .nftables && r.playbook == nil && r.netns == "sw1" && !r.persist && r.host == "localhost")
        let with = try ConfigLoader.parse(config("{ driver: nftables, port: trunk, playbook: linux-bridge-vlan.yml, host: sw1 }"))
        #expect(with.tenants[0].remediation?.persist == true)
        let off = try ConfigLoader.parse(config("{ driver: nftables, port: trunk, playbook: linux-bridge-vlan.yml, host: sw1, persist: false }"))
        #expect(off.tenants[0].remediation?.persist == false)
    }

    @Test("the default driver is ansible and needs playbook, host and port")
    func ansibleNeedsPlaybook() throws {
        let c = try ConfigLoader.parse(config("{ playbook: linux-bridge-vlan.yml, host: h, port: p }"))
        #expect(c.tenants[0].remediation?.driver == .ansible && c.tenants[0].remediation?.persist == false)
        #expect(errors(config("{ host: h, port: p }")) == ["tenants[0].remediation.playbook (line 7): is required"])
    }

    @Test("refusals name the key: unknown driver, fallback without playbook or on ansible, persist without playbook, snmp keys")
    func refusals() {
        #expect(errors(config("{ driver: netconf, port: p }")).first?.hasPrefix("tenants[0].remediation.driver (line 7): ") == true)
        #expect(errors(config("{ driver: nftables, port: p, fallback: ansible }"))
                == ["tenants[0].remediation.fallback (line 7): fallback ansible needs remediation.playbook"])
        #expect(errors(config("{ playbook: x.yml, host: h, port: p, fallback: ansible }"))
                == ["tenants[0].remediation.fallback (line 7): is for native drivers (nftables, snmp); driver ansible has nothing to fall back from"])
        #expect(errors(config("{ driver: nftables, port: p, persist: true }"))
                == ["tenants[0].remediation.persist (line 7): persist needs remediation.playbook (the playbook saves and audits the cut)"])
        #expect(errors(config("{ driver: snmp, port: p }")) == ["tenants[0].remediation.snmp (line 7): is required"])
        #expect(errors(config("{ driver: snmp, port: p, snmp: { address: 127.0.0.1, mib: cisco-vtp, port_index: 5 } }"))
                == ["tenants[0].remediation.snmp.credentials (line 7): is required"])
        #expect(errors(config("{ driver: snmp, port: p, snmp: { address: a, credentials: c, mib: q-bridge, port_index: 5000 } }"))
                == ["tenants[0].remediation.snmp.port_index (line 7): a dot1dBasePort number is at most 4096 for q-bridge; got 5000"])
        #expect(errors(config("{ driver: nftables, port: \"a b\" }"))
                == ["tenants[0].remediation.port (line 7): 'a b' is not a Linux interface name (1-15 characters, no '/', ':' or spaces; no quotes)"])
        #expect(errors(config("{ driver: nftables, port: p, snmp: {} }")) == ["tenants[0].remediation.snmp (line 7): is only read with driver snmp"])
        #expect(errors(config("{ driver: nftables, port: p }", top: "remediation: { max_concurrent_playbooks: 0 }"))
                .first?.hasPrefix("remediation.max_concurrent_playbooks") == true)
    }

    @Test("load: a switch playbook without inventory is refused naming the key; a Linux one runs locally; credentials must be private")
    func files() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("loopsentry-drv-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try "- hosts: all\n  tasks:\n    - cisco.ios.ios_config: { lines: [x] }\n".write(toFile: dir.path + "/sw.yml", atomically: true, encoding: .utf8)
        try "- hosts: all\n  tasks:\n    - ansible.builtin.command: nft list ruleset\n".write(toFile: dir.path + "/linux-x.yml", atomically: true, encoding: .utf8)
        try "version: 2c\ncommunity: private\n".write(toFile: dir.path + "/creds", atomically: true, encoding: .utf8)
        func load(_ remediation: String) -> [String] {
            let path = dir.path + "/c.yaml"
            try? (config(remediation) + "remediation: { playbook_dir: . }\n").write(toFile: path, atomically: true, encoding: .utf8)
            do {
                _ = try ConfigLoader.load(path: path)
                return []
            } catch {
                return error.errors.map(\.description)
            }
        }
        #expect(load("{ playbook: sw.yml, host: h, port: p }") == [
            "tenants[0].remediation.inventory (line 7): is required for sw.yml: it talks to a network device, and only Linux hosts "
                + "run with the implicit local inventory (give an inventory with the switch's address and credentials)"])
        #expect(load("{ playbook: sw.yml, host: h, port: p, inventory: inv.ini }").isEmpty)
        #expect(load("{ playbook: linux-x.yml, host: h, port: p }").isEmpty)
        chmod(dir.path + "/creds", 0o644)
        let snmp = "{ driver: snmp, port: p, snmp: { address: 127.0.0.1, credentials: creds, mib: cisco-vtp, port_index: 7 } }"
        #expect(load(snmp) == ["tenants[0].remediation.snmp.credentials (line 7): credentials file \(dir.path)/creds is readable "
                               + "by group or others (mode 644): chmod 600 it"])
        chmod(dir.path + "/creds", 0o600)
        #expect(load(snmp).isEmpty)
        #expect(load(snmp.replacingOccurrences(of: "creds", with: "nope"))
                == ["tenants[0].remediation.snmp.credentials (line 7): credentials file \(dir.path)/nope does not exist"])
    }
}
