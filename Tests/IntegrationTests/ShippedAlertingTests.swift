import Foundation
import Testing

/// The shipped Prometheus rules and Alertmanager example (deploy/) are valid for the real tools,
/// and the rules' unit tests (input series → expected alerts) pass under `promtool test rules`.
/// The tools come from Debian's prometheus and prometheus-alertmanager (scripts/setup.sh).
@Suite struct ShippedAlertingTests {
    static let deploy = DaemonHarness.packageRoot.appendingPathComponent("deploy")
    static let rules = deploy.appendingPathComponent("prometheus/loopsentry.rules.yml").path
    static let alertmanager = deploy.appendingPathComponent("alertmanager/alertmanager.yml").path

    /// The tool's path, or nil after printing why the test does not run.
    static func tool(_ name: String, package: String) -> String? {
        let path = "/usr/bin/\(name)"
        if FileManager.default.isExecutableFile(atPath: path) { return path }
        print("skipped: \(path) is missing (Debian package \(package), installed by scripts/setup.sh)")
        return nil
    }

    @Test func promtoolAcceptsTheRulesAndEveryUnitTestPasses() throws {
        guard let promtool = Self.tool("promtool", package: "prometheus") else { return }
        let check = try Shell.run([promtool, "check", "rules", Self.rules])
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        #expect(check.stdout.contains("SUCCESS: 9 rules found"), "\(check.stdout)")

        let testDir = Self.deploy.appendingPathComponent("prometheus/tests")
        let files = try FileManager.default.contentsOfDirectory(atPath: testDir.path).filter { $0.hasSuffix(".yml") }.sorted()
        #expect(files == ["sensors.test.yml", "vlans.test.yml"])
        let test = try Shell.run([promtool, "test", "rules"] + files.map { testDir.appendingPathComponent($0).path })
        #expect(test.status == 0, "\(test.stdout)\(test.stderr)")
        #expect(test.stdout.components(separatedBy: "SUCCESS").count - 1 == files.count, "\(test.stdout)")
    }

    @Test func promtoolTestRulesFailsWhenAnExpectedAlertIsMissing() throws {
        guard let promtool = Self.tool("promtool", package: "prometheus") else { return }
        // The same series as a shipped test, expecting a storm alert the rules cannot raise:
        // proves `promtool test rules` above really compares alerts.
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("loopsentry-promtool-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let wrong = """
            rule_files: [\(Self.rules)]
            evaluation_interval: 15s
            tests:
              - interval: 15s
                input_series:
                  - series: 'loopsentry_vlan_incident_state{sensor="s",interface="i",vlan="20",tenant="t",policy="alarm",state="normal"}'
                    values: '1x4'
                alert_rule_test:
                  - eval_time: 30s
                    alertname: LoopSentryStorm
                    exp_alerts:
                      - exp_labels: {severity: warning, sensor: s, interface: i, vlan: "20", tenant: t, policy: alarm}
            """
        let file = dir.appendingPathComponent("wrong.test.yml").path
        try wrong.write(toFile: file, atomically: true, encoding: .utf8)
        let r = try Shell.run([promtool, "test", "rules", file])
        #expect(r.status != 0 && (r.stdout + r.stderr).contains("FAILED"), "\(r.stdout)\(r.stderr)")
    }

    @Test func amtoolAcceptsTheAlertmanagerExampleAndRoutesByTenant() throws {
        guard let amtool = Self.tool("amtool", package: "prometheus-alertmanager") else { return }
        let check = try Shell.run([amtool, "check-config", Self.alertmanager])
        #expect(check.status == 0 && check.stdout.contains("SUCCESS"), "\(check.stdout)\(check.stderr)")
        #expect(check.stdout.contains(" - 2 inhibit rules") && check.stdout.contains(" - 3 receivers"), "\(check.stdout)")

        func route(_ labels: [String]) throws -> String {
            let r = try Shell.run([amtool, "config", "routes", "test", "--config.file", Self.alertmanager] + labels)
            #expect(r.status == 0, "\(r.stderr)")
            return r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        #expect(try route(["alertname=LoopSentryStorm", "tenant=org-b", "vlan=20", "sensor=edge-1"]) == "tenant-org-b,noc-email")
        #expect(try route(["alertname=LoopSentryStorm", "tenant=org-a", "vlan=10"]) == "tenant-org-a,noc-email")
        #expect(try route(["alertname=LoopSentryStorm", "tenant=org-z", "vlan=10"]) == "noc-email")
        #expect(try route(["alertname=LoopSentrySensorDown", "sensor=edge-1"]) == "noc-email")
        // A wrong expectation fails: the routing answers are really checked.
        let wrong = try Shell.run([amtool, "config", "routes", "test", "--config.file", Self.alertmanager,
                                   "--verify.receivers=tenant-org-a", "tenant=org-b"])
        #expect(wrong.status != 0)
    }
}
