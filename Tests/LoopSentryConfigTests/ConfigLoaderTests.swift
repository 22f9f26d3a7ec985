import Foundation
import LoopSentryConfig
import LoopSentryCore
import Testing

@Suite struct ConfigLoaderTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    func errors(_ yaml: String) -> [String] {
        do {
            _ = try ConfigLoader.parse(yaml)
            return []
        } catch {
            return error.errors.map(\.description)
        }
    }

    @Test func theShippedExampleIsValid() throws {
        let text = try String(contentsOf: Self.root.appendingPathComponent("config/loopsentry.example.yaml"), encoding: .utf8)
        let c = try ConfigLoader.parse(text)
        #expect(c.interfaces.map(\.name) == ["eth1"])
        #expect(c.tenants.map(\.name) == ["org-a", "org-b"])
        #expect(c.tenants[1].policy == .ack && c.tenants[1].onDeadline == .keepWaiting && c.tenants[1].hardLimit == 50000)
        #expect(c.tenant(interface: "eth1", vlan: VLANID(25)!)?.name == "org-b")
        #expect(c.tenant(interface: "eth1", vlan: VLANID(30)!) == nil)
        #expect(c.detectionPolicy.thresholds(interface: "eth1", vlan: VLANID(150)!).broadcast.rising == 5000)
        #expect(c.detectionPolicy.thresholds(interface: "eth1", vlan: VLANID(20)!).broadcast.rising == 1000)
        #expect(c.snmp.enabled && c.syslog.count == 1)
    }

    static let minimal = """
    interfaces:
      - name: eth1
    """

    @Test func aMinimalFileGetsTheDefaults() throws {
        let c = try ConfigLoader.parse(Self.minimal)
        #expect(c.sensor.pollIntervalMilliseconds == 100 && c.sensor.dropTagged)
        #expect(c.tenants.isEmpty && !c.snmp.enabled && c.metrics == nil)
    }

    @Test("each kind of bad configuration is refused with the key and the line", arguments: [
        ("interfaces:\n  - name: eth1\nsensr: {}\n", "sensr (line 3): unknown key (allowed: sensor, interfaces, tenants, remediation, snmp, syslog, journal, control, metrics, portal, webhooks); did you mean 'sensor'?"),
        ("sensor:\n  poll_interval_ms: 5\ninterfaces:\n  - name: eth1\n", "sensor.poll_interval_ms (line 2): must be in 10-60000; got 5"),
        ("sensor:\n  drop_tagged: maybe\ninterfaces:\n  - name: eth1\n", "sensor.drop_tagged (line 2): must be true or false; got 'maybe'"),
        ("sensor: {}\n", "interfaces (line 1): is required"),
        ("interfaces:\n  - name: eth1\n    detection: { rising: 100, falling: 200 }\n", "interfaces[0].detection.falling (line 3): must be below rising (100.0); got 200.0"),
        ("interfaces:\n  - name: eth1\n    probe_vlans: \"10-5\"\n", "interfaces[0].probe_vlans (line 3): "),
        ("interfaces:\n  - name: eth1\ntenants:\n  - name: a\n    policy: maybe\n    vlans: [{interface: eth1, vlans: \"10\"}]\n",
         "tenants[0].policy (line 5): must be one of auto, ack, alarm; got 'maybe'"),
        ("interfaces:\n  - name: eth1\ntenants:\n  - name: a\n    policy: alarm\n    vlans: [{interface: eth2, vlans: \"10\"}]\n",
         "tenants[0].vlans[0].interface (line 6): interface 'eth2' is not in interfaces (eth1)"),
        ("interfaces:\n  - name: eth1\ntenants:\n  - name: a\n    policy: auto\n    vlans: [{interface: eth1, vlans: \"10\"}]\n",
         "tenants[0].remediation (line 4): is required for policy auto (a cut needs a target)"),
        ("interfaces:\n  - name: eth1\ntenants:\n  - name: a\n    policy: alarm\n    vlans: [{interface: eth1, vlans: \"10-20\"}]\n  - name: b\n    policy: alarm\n    vlans: [{interface: eth1, vlans: \"15\"}]\n",
         "tenants[1].vlans (line 9): VLAN 15 on eth1 belongs to both 'a' (line 6) and 'b': tenant VLANs must not overlap"),
        ("interfaces:\n  - name: eth1\ntenants:\n  - name: a\n    policy: alarm\n    vlans: [{interface: eth1, vlans: \"10\"}]\n    remediation: {playbook: ../x.sh, host: h, port: p}\n",
         "tenants[0].remediation.playbook (line 7): must be a file name ending in .yml in remediation.playbook_dir; got '../x.sh'"),
        ("interfaces:\n  - name: eth1\nsyslog:\n  - {transport: tls, address: \"c:6514\"}\n", "syslog[0].ca_file (line 4): is required for transport tls"),
        ("interfaces:\n  - name: eth1\nsnmp:\n  agentx_socket: tcp:1.2.3.4:705\n", "snmp.agentx_socket (line 4): must be an absolute Unix socket path; got 'tcp:1.2.3.4:705'"),
        ("interfaces:\n  - name: eth1\n  - name: eth1\n", "interfaces[1].name (line 3): interface 'eth1' is listed twice"),
        ("interfaces: [\n", "line 2: not valid YAML"),
        ("", "line 1: the file is empty"),
        ("interfaces:\n  - name: eth1\n    overrides:\n      - { vlans: \"10-20\", detection: { rising: 5000 } }\n      - { vlans: \"15\", detection: { rising: 6000 } }\n",
         "interfaces[0].overrides (line 2): VLANs 10-20 and 15 overlap at VLAN 15"),
    ])
    func badConfiguration(yaml: String, expected: String) {
        let found = errors(yaml)
        #expect(found.contains { $0.hasPrefix(expected) }, "expected '\(expected)' in \(found)")
    }

    @Test func everyProblemIsReportedNotJustTheFirst() {
        let found = errors("sensor:\n  poll_interval_ms: 5\n  sensor_id: 300\ninterfaces:\n  - name: eth1\n    bogus: 1\n")
        #expect(found == [
            "sensor.poll_interval_ms (line 2): must be in 10-60000; got 5",
            "sensor.sensor_id (line 3): must be in 0-255; got 300",
            "interfaces[0].bogus (line 6): unknown key (allowed: name, netns, count_inner, detection, overrides, probe_vlans, sensor_id, vnis, vxlan_port, vxlan_flood)",
        ])
    }

    @Test("an unknown playbook is refused at load with the line of the playbook key, not the tenant's")
    func unknownPlaybookNamesThePlaybookLine() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("loopsentry-config-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("c.yaml").path
        try "interfaces:\n  - name: eth1\ntenants:\n  - name: a\n    policy: auto\n    vlans: [{interface: eth1, vlans: \"10\"}]\n    remediation:\n      host: h\n      playbook: missing.yml\n      port: p\nremediation: { playbook_dir: . }\n"
            .write(toFile: path, atomically: true, encoding: .utf8)
        do {
            _ = try ConfigLoader.load(path: path)
            Issue.record("a missing playbook was accepted")
        } catch {
            #expect(error.errors.map(\.description)
                    == ["tenants[0].remediation.playbook (line 9): unknown playbook 'missing.yml': no such file \(dir.path)/missing.yml"])
        }
    }
}
