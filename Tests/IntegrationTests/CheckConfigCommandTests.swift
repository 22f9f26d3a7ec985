import Foundation
import Testing

/// `loopsentry check-config`: each kind of bad configuration is refused with a message naming
/// the key and the line, exit status 1; a valid file is explained, exit status 0.
@Suite struct CheckConfigCommandTests {
    func check(_ yaml: String) throws -> CommandResult {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("loopsentry-cc-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("c.yaml").path
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        var r = try Shell.run([loopsentryBinary, "check-config", path])
        r.stderr = r.stderr.replacingOccurrences(of: path, with: "FILE")
        return r
    }

    @Test("bad configurations: one line per problem naming key and line, exit 1", arguments: [
        ("interfaces:\n  - name: eth1\n    detection: { rising: 10, falling: 20 }\n",
         "loopsentry: FILE: interfaces[0].detection.falling (line 3): must be below rising (10.0); got 20.0\n"),
        ("interfaces:\n  - name: eth1\nsnmp:\n  enabled: maybe\n",
         "loopsentry: FILE: snmp.enabled (line 4): must be true or false; got 'maybe'\n"),
        ("interfaces:\n  - name: eth1\ntenants:\n  - { name: a, policy: alarm, vlans: [{interface: eth1, vlans: \"1-10\"}] }\n  - { name: b, policy: alarm, vlans: [{interface: eth1, vlans: \"10-20\"}] }\n",
         "loopsentry: FILE: tenants[1].vlans (line 5): VLAN 10 on eth1 belongs to both 'a' (line 4) and 'b': tenant VLANs must not overlap\n"),
        ("interfaces:\n  - name: eth1\n    extra: 1\n",
         "loopsentry: FILE: interfaces[0].extra (line 3): unknown key (allowed: name, netns, count_inner, detection, overrides, probe_vlans, sensor_id, vnis, vxlan_port, vxlan_flood)\n"),
        ("interfaces:\n  - name: eth1\n  - { name: eth2, sensor_id: 1 }\n",
         "loopsentry: FILE: interfaces[1].sensor_id (line 3): probe id 1 is also interface 'eth1''s (interfaces[0]): give each interface of one daemon its own sensor_id\n"),
        ("metrics:\n  listen: localhost:9464\ninterfaces:\n  - name: eth1\n",
         "loopsentry: FILE: metrics.listen (line 2): must name a numeric IPv4 or IPv6 address (e.g. 127.0.0.1:9464); got 'localhost:9464'\n"),
    ])
    func bad(yaml: String, expected: String) throws {
        let r = try check(yaml)
        #expect(r.status == 1)
        #expect(r.stderr == expected)
        #expect(r.stdout.isEmpty)
    }

    @Test("a missing file is named")
    func missingFile() throws {
        let r = try Shell.run([loopsentryBinary, "check-config", "/nonexistent/loopsentry.yaml"])
        #expect(r.status == 1)
        #expect(r.stderr == "loopsentry: /nonexistent/loopsentry.yaml: does not exist\n")
    }

    @Test("the shipped lab configuration is valid and explained")
    func labConfig() throws {
        let path = DaemonHarness.packageRoot.appendingPathComponent("config/lab.yaml").path
        let r = try Shell.run([loopsentryBinary, "check-config", path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("tenant org-b (ack): trunk0 VLANs 20 — cut after acknowledgement"))
    }
}
