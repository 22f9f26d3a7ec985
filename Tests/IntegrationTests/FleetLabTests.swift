import Foundation
import Lab
import LabTestSupport
import LoopSentryCore
import Testing

/// A fleet on the lab: two `loopsentry run` daemons, `edge-1` on switch 1's sensor port (trunk0)
/// and `edge-2` on switch 2's (trunk1), both watching VLANs 10 (org-a) and 20 (org-b, policy
/// alarm, so the storm stays visible); a real Prometheus scrapes both with the shipped rules and
/// a real Alertmanager routes with the shipped example, to a local webhook receiver.
@Suite(.serialized, .enabled(if: runningAsRoot, rootReason))
final class FleetLabTests {
    let lab = SuiteLab(tag: "fl", binary: loopsentryBinary)

    init() throws { try lab.up(trafficRate: 20, secondSensor: true) }
    deinit { lab.down() }

    /// One sensor daemon of the fleet: its own configuration, journal, control socket and
    /// metrics port, all in a temporary folder.
    final class Sensor {
        let name: String
        let metricsPort = LabServices.freePort(udp: false)
        let dir: URL
        let process: BackgroundProcess

        init(name: String, interface: String, probeID: Int, lab: SuiteLab) throws {
            self.name = name
            dir = FileManager.default.temporaryDirectory.appendingPathComponent("loopsentry-\(name)-\(UUID().uuidString.prefix(8))")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            let config = dir.appendingPathComponent("loopsentry.yaml").path
            try """
                sensor: { name: \(name), sensor_id: \(probeID) }
                interfaces:
                  - name: \(interface)
                    netns: \(lab.names.sensor)
                tenants:
                  - { name: org-a, policy: alarm, vlans: [{ interface: \(interface), vlans: "10" }] }
                  - { name: org-b, policy: alarm, vlans: [{ interface: \(interface), vlans: "20" }] }
                journal: { path: \(dir.appendingPathComponent("journal.sqlite").path) }
                control: { socket: \(dir.appendingPathComponent("control.sock").path) }
                metrics: { listen: "127.0.0.1:\(metricsPort)" }
                """.write(toFile: config, atomically: true, encoding: .utf8)
            process = try BackgroundProcess([loopsentryBinary, "run", "--config", config], name: name)
            guard eventually(timeout: 60, { self.process.stdoutLines.contains { $0.contains("\"event\":\"started\"") } }) else {
                throw ShellError("\(name) did not start: \(process.stderrText)")
            }
        }

        deinit {
            if process.process.isRunning {
                process.signal(SIGTERM)
                if process.wait(timeout: 10) == nil { process.signal(SIGKILL); _ = process.wait(timeout: 5) }
            }
            try? FileManager.default.removeItem(at: dir)
        }

        var target: String { "127.0.0.1:\(metricsPort)" }

        /// The daemon's event log lines for VLAN `vlan` named `event`.
        func events(_ event: String, vlan: Int) -> [EventRecord] {
            process.stdoutLines.compactMap { try? JSONDecoder().decode(EventRecord.self, from: Data($0.utf8)) }
                .filter { $0.event == event && $0.vlan == vlan }
        }
    }

    /// The Alertmanager notifications the receiver got on `path`.
    static func notifications(_ receiver: WebhookReceiver, path: String) throws -> [[String: Any]] {
        try receiver.requests().filter { $0["path"] as? String == path }.compactMap { $0["body"] as? [String: Any] }
    }

    static func alerts(_ notification: [String: Any]) -> [[String: String]] {
        (notification["alerts"] as? [[String: Any]] ?? []).compactMap { $0["labels"] as? [String: String] }
    }

    @Test("one loop seen by two sensors: one notification to the tenant naming both; a killed sensor: the sensor-down alert")
    func oneLoopTwoSensorsOneNotification() throws {
        if let why = FleetServices.missing {
            print("skipped: \(why)")
            return
        }
        let receiver = try WebhookReceiver(secret: nil)
        let base = "http://127.0.0.1:\(receiver.port)"
        let edge1 = try Sensor(name: "edge-1", interface: LabPlan.sensorInterface, probeID: 1, lab: lab)
        let edge2 = try Sensor(name: "edge-2", interface: LabPlan.secondSensorInterface, probeID: 2, lab: lab)
        let services = try FleetServices(targets: [edge1.target, edge2.target], receiverURL: base)

        // Both sensors scraped, each under its own name, before the loop opens.
        let scraped = eventually(timeout: 30) {
            Set(((try? services.query("loopsentry_sensor_info")) ?? []).compactMap { $0["sensor"] }) == ["edge-1", "edge-2"]
        }
        try #require(scraped, "Prometheus did not scrape both sensors\n\(services.diagnostics)")
        #expect(try Self.notifications(receiver, path: "/tenant-org-b").isEmpty)

        let opened = Date()
        _ = try lab.run(["loop", "20"])
        defer { _ = try? lab.run(["unloop", "20"]) }
        let arrived = eventually(timeout: 90) { ((try? Self.notifications(receiver, path: "/tenant-org-b")) ?? []).count >= 1 }
        try #require(arrived, "no notification reached org-b's receiver\n\(services.diagnostics)")
        print("fleet: loop opened → org-b's webhook in \(String(format: "%.1f", Date().timeIntervalSince(opened))) s "
              + "(scrape and evaluation 1 s, group_wait 5 s)")
        #expect(!edge1.events("stormDetected", vlan: 20).isEmpty && !edge2.events("stormDetected", vlan: 20).isEmpty)

        let first = try #require(try Self.notifications(receiver, path: "/tenant-org-b").first)
        #expect(first["receiver"] as? String == "tenant-org-b" && first["status"] as? String == "firing")
        #expect(first["groupLabels"] as? [String: String] == ["tenant": "org-b", "vlan": "20"])
        let storms = Self.alerts(first).filter { $0["alertname"] == "LoopSentryStorm" }
        #expect(Set(storms.compactMap { $0["sensor"] }) == ["edge-1", "edge-2"], "alerts: \(Self.alerts(first))")
        #expect(storms.count == 2 && storms.allSatisfy { $0["tenant"] == "org-b" && $0["vlan"] == "20" && $0["policy"] == "alarm" })
        #expect(Set(storms.compactMap { $0["interface"] }) == ["trunk0", "trunk1"])

        // A sensor goes away: the NOC hears that it is down (the `for: 30s` of the rule included).
        edge2.process.signal(SIGKILL)
        _ = edge2.process.wait(timeout: 5)
        let killed = Date()
        let down = eventually(timeout: 120) {
            ((try? Self.notifications(receiver, path: "/noc")) ?? []).contains {
                Self.alerts($0).contains { $0["alertname"] == "LoopSentrySensorDown" && $0["sensor"] == "edge-2" }
            }
        }
        try #require(down, "no LoopSentrySensorDown for edge-2 at the NOC\n\(services.diagnostics)")
        print("fleet: edge-2 killed → LoopSentrySensorDown at the NOC in \(String(format: "%.1f", Date().timeIntervalSince(killed))) s")
        let downAlerts = try Self.notifications(receiver, path: "/noc").flatMap(Self.alerts).filter { $0["alertname"] == "LoopSentrySensorDown" }
        #expect(Set(downAlerts.compactMap { $0["sensor"] }) == ["edge-2"])

        // Over the whole run (well over a minute): exactly one notification reached org-b, none
        // reached org-a (its VLAN never looped), and the NOC got the storm too.
        #expect(try Self.notifications(receiver, path: "/tenant-org-b").count == 1)
        #expect(try Self.notifications(receiver, path: "/tenant-org-a").isEmpty)
        #expect(try Self.notifications(receiver, path: "/noc").contains { ($0["groupLabels"] as? [String: String])?["vlan"] == "20" })
        #expect(try receiver.requests().allSatisfy { $0["status"] as? Int == 200 })
    }
}
