import Foundation
import LoopSentryConfig
import LoopSentryCore
import Testing

/// A tenant with VNIs may cut with a playbook that says it cuts VNIs (`# loopsentry-cuts: vni`,
/// as linux-vxlan-vni.yml does) and with the nftables driver in any family; other playbooks, and
/// the netdev family for VLANs, are refused in one line naming the key.
@Suite struct ConfigVNIPlaybookTests {
    static let repositoryPlaybooks = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("playbooks").path

    func config(_ remediation: String, vlans: Bool = false) -> String {
        "interfaces:\n  - name: u\n    vnis: \"1-9\"\ntenants:\n  - name: a\n    policy: auto\n    vnis: [{ interface: u, vnis: \"1-5\" }]\n"
            + (vlans ? "    vlans: [{ interface: u, vlans: \"20\" }]\n" : "") + "    remediation: \(remediation)\n"
    }

    /// Loads `yaml` from a file beside the repository's playbooks; the errors, or [] and the configuration.
    func load(_ yaml: String) -> (errors: [String], config: Configuration?) {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("loopsentry-vnipb-\(UUID().uuidString.prefix(8)).yaml").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try? (yaml + "remediation: { playbook_dir: \(Self.repositoryPlaybooks) }\n").write(toFile: path, atomically: true, encoding: .utf8)
        do {
            return ([], try ConfigLoader.load(path: path))
        } catch {
            return (error.errors.map(\.description), nil)
        }
    }

    @Test("linux-vxlan-vni.yml cuts a tenant's VNIs; check-config's explanation says so")
    func vniPlaybookIsAccepted() throws {
        let (errors, config) = load(config("{ playbook: linux-vxlan-vni.yml, host: vtep1, port: eth1 }"))
        #expect(errors == [])
        let target = try #require(config?.tenants[0].remediation)
        #expect(target.playbookSegments == PlaybookSegments(vlans: false, vnis: true))
        #expect(config?.explanation().contains { $0.hasSuffix("via playbook linux-vxlan-vni.yml on vtep1 port eth1 (cuts VNIs)") } == true)
    }

    @Test("a VLAN playbook for a tenant with VNIs, and the VNI playbook for a tenant with VLANs, are refused")
    func wrongPlaybooksAreRefused() {
        #expect(load(config("{ playbook: linux-bridge-vlan.yml, host: h, port: p }")).errors == [
            "tenants[0].remediation.playbook (line 8): playbook 'linux-bridge-vlan.yml' does not cut VNIs (tenant 'a' has vnis; "
                + "a VNI playbook says `# loopsentry-cuts: vni`, e.g. linux-vxlan-vni.yml, or use driver nftables)"])
        #expect(load(config("{ playbook: linux-vxlan-vni.yml, host: h, port: p }", vlans: true)).errors == [
            "tenants[0].remediation.playbook (line 9): playbook 'linux-vxlan-vni.yml' cuts VNIs only "
                + "(tenant 'a' has vlans: give them a tenant with a VLAN playbook)"])
    }

    @Test("remediation.family: read with driver nftables (auto by default), refused elsewhere and for VLANs when netdev")
    func nftablesFamily() throws {
        #expect(try ConfigLoader.parse(config("{ driver: nftables, port: eth1 }")).tenants[0].remediation?.nftablesFamily == .auto)
        let netdev = try ConfigLoader.parse(config("{ driver: nftables, port: eth1, family: netdev }"))
        #expect(netdev.tenants[0].remediation?.nftablesFamily == .netdev)
        #expect(netdev.explanation().contains { $0.hasSuffix("via driver nftables (in-process nftables rules on the ingress and egress of eth1 (netdev family))") })
        #expect(ConfigLoaderTests().errors(config("{ driver: nftables, port: eth1, family: netdev }", vlans: true)) == [
            "tenants[0].remediation.family (line 8): family netdev cuts VNIs only (tenant 'a' has vlans: use bridge or auto)"])
        #expect(ConfigLoaderTests().errors(config("{ playbook: linux-vxlan-vni.yml, host: h, port: p, family: bridge }")) == [
            "tenants[0].remediation.family (line 8): is only read with driver nftables"])
        #expect(ConfigLoaderTests().errors(config("{ driver: nftables, port: eth1, family: inet }")).first?
            .hasPrefix("tenants[0].remediation.family (line 8): ") == true)
    }

    @Test("a playbook's segments come from its `# loopsentry-cuts:` line; without one it cuts VLANs")
    func segmentsFromText() {
        #expect(PlaybookSegments(playbookText: "---\n# loopsentry-cuts: vni\n- hosts: all\n") == PlaybookSegments(vlans: false, vnis: true))
        #expect(PlaybookSegments(playbookText: "# loopsentry-cuts: vlan, vni\n") == PlaybookSegments(vlans: true, vnis: true))
        #expect(PlaybookSegments(playbookText: "---\n# cuts vnis too, says this comment\n") == PlaybookSegments(vlans: true, vnis: false))
    }
}
