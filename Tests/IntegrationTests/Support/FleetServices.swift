import Foundation
import Lab

/// The monitoring side of a fleet test: a real Prometheus (Debian `prometheus`) scraping the
/// sensors with the shipped rules, a real Alertmanager (`prometheus-alertmanager`) with a
/// configuration derived from the shipped example, both on free loopback ports with their data
/// in a temporary folder, and stopped (SIGKILL if need be) when released.
final class FleetServices {
    static let prometheusBinary = "/usr/bin/prometheus"
    static let alertmanagerBinary = "/usr/bin/prometheus-alertmanager"
    static let shippedRules = DaemonHarness.packageRoot.appendingPathComponent("deploy/prometheus/loopsentry.rules.yml").path
    static let shippedAlertmanager = DaemonHarness.packageRoot.appendingPathComponent("deploy/alertmanager/alertmanager.yml").path

    /// Why the fleet test cannot run here, or nil.
    static var missing: String? {
        for tool in [prometheusBinary, alertmanagerBinary] where !FileManager.default.isExecutableFile(atPath: tool) {
            return "\(tool) is missing (Debian prometheus / prometheus-alertmanager, scripts/setup.sh)"
        }
        return nil
    }

    let dir: URL
    let prometheusPort = LabServices.freePort(udp: false)
    let alertmanagerPort = LabServices.freePort(udp: false)
    private var prometheus: BackgroundProcess?
    private var alertmanager: BackgroundProcess?

    /// Starts Alertmanager, then Prometheus scraping `targets` (host:port of each sensor's
    /// /metrics) every `interval` seconds and evaluating the rules as often; alerts are POSTed to
    /// `receiverURL` + `/tenant-<name>` or `/noc`. Returns once both answer /-/ready.
    init(targets: [String], receiverURL: String, interval: Int = 1, groupWait: Int = 5) throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("loopsentry-fleet-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let amConfig = dir.appendingPathComponent("alertmanager.yml").path
        try Self.alertmanagerConfig(receiverURL: receiverURL, groupWait: groupWait).write(toFile: amConfig, atomically: true, encoding: .utf8)
        alertmanager = try BackgroundProcess([Self.alertmanagerBinary, "--config.file=\(amConfig)",
                                              "--storage.path=\(dir.appendingPathComponent("am").path)",
                                              "--web.listen-address=127.0.0.1:\(alertmanagerPort)",
                                              "--cluster.listen-address="], name: "alertmanager")
        let promConfig = dir.appendingPathComponent("prometheus.yml").path
        try """
            global: { scrape_interval: \(interval)s, evaluation_interval: \(interval)s }
            rule_files: ["\(Self.shippedRules)"]
            alerting:
              alertmanagers: [{ static_configs: [{ targets: ["127.0.0.1:\(alertmanagerPort)"] }] }]
            scrape_configs:
              - job_name: loopsentry
                static_configs: [{ targets: [\(targets.map { "\"\($0)\"" }.joined(separator: ", "))] }]
            """.write(toFile: promConfig, atomically: true, encoding: .utf8)
        prometheus = try BackgroundProcess([Self.prometheusBinary, "--config.file=\(promConfig)",
                                            "--storage.tsdb.path=\(dir.appendingPathComponent("tsdb").path)",
                                            "--web.listen-address=127.0.0.1:\(prometheusPort)"], name: "prometheus")
        for (name, port, process) in [("alertmanager", alertmanagerPort, alertmanager), ("prometheus", prometheusPort, prometheus)] {
            guard eventually(timeout: 60, { (try? Self.get("http://127.0.0.1:\(port)/-/ready"))?.status == 200 }) else {
                throw ShellError("\(name) did not become ready: \(process?.stderrText.suffix(1500) ?? "")")
            }
        }
    }

    deinit {
        for p in [prometheus, alertmanager].compactMap({ $0 }) {
            p.signal(SIGTERM)
            if p.wait(timeout: 10) == nil { p.signal(SIGKILL); _ = p.wait(timeout: 5) }
        }
        try? FileManager.default.removeItem(at: dir)
    }

    /// The shipped Alertmanager example with its receivers pointed at the local webhook receiver
    /// (`/tenant-org-a`, `/tenant-org-b`, and the NOC's e-mail replaced by `/noc`) and a short
    /// group_wait; routing, grouping and inhibition stay as shipped. Throws when the example no
    /// longer has what is replaced.
    static func alertmanagerConfig(receiverURL: String, groupWait: Int) throws -> String {
        var text = try String(contentsOfFile: shippedAlertmanager, encoding: .utf8)
        let replacements = [
            ("https://hooks.org-a.example/alertmanager", "\(receiverURL)/tenant-org-a"),
            ("https://hooks.org-b.example/alertmanager", "\(receiverURL)/tenant-org-b"),
            ("    email_configs:\n      - to: \"noc@example.net\"\n", "    webhook_configs:\n      - url: \"\(receiverURL)/noc\"\n"),
            ("  group_wait: 10s ", "  group_wait: \(groupWait)s "),
        ]
        for (old, new) in replacements {
            guard text.contains(old) else { throw ShellError("the shipped alertmanager.yml no longer contains \(old.debugDescription)") }
            text = text.replacingOccurrences(of: old, with: new)
        }
        return text
    }

    /// A Prometheus instant query's result vector: each sample's labels.
    func query(_ promql: String) throws -> [[String: String]] {
        let q = promql.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        let r = try Self.get("http://127.0.0.1:\(prometheusPort)/api/v1/query?query=\(q)")
        guard r.status == 200, let o = try JSONSerialization.jsonObject(with: Data(r.body.utf8)) as? [String: Any],
              let data = o["data"] as? [String: Any], let result = data["result"] as? [[String: Any]] else {
            throw ShellError("query \(promql): HTTP \(r.status) \(r.body.prefix(300))")
        }
        return result.compactMap { $0["metric"] as? [String: String] }
    }

    /// GET with curl (status and body); throws when curl cannot run.
    static func get(_ url: String) throws -> (status: Int, body: String) {
        let r = try Shell.run(["/usr/bin/curl", "-s", "-m", "5", "-w", "\n%{http_code}", url])
        let lines = r.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        return (Int(lines.last ?? "") ?? 0, lines.dropLast().joined(separator: "\n"))
    }

    var diagnostics: String {
        "prometheus:\n\(prometheus?.stderrText.suffix(2000) ?? "")\nalertmanager:\n\(alertmanager?.stderrText.suffix(2000) ?? "")"
    }
}
