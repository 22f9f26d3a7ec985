import Foundation
import LoopSentryCore

extension ConfigLoader {
    /// Reads `path` and validates it, then checks what the file points at: every tenant's
    /// playbook must exist in `remediation.playbook_dir` (relative paths are relative to the
    /// configuration file's folder, which is also where the result's playbook_dir points).
    public static func load(path: String) throws(ConfigErrors) -> Configuration {
        guard let data = FileManager.default.contents(atPath: path) else {
            let why = FileManager.default.fileExists(atPath: path) ? "cannot be read (permissions?)" : "does not exist"
            throw ConfigErrors(errors: [ConfigError(path: "", line: nil, message: why)])
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigErrors(errors: [ConfigError(path: "", line: nil, message: "is not UTF-8 text")])
        }
        var config = try parse(text)
        let base = URL(fileURLWithPath: path).deletingLastPathComponent()
        if !config.remediation.playbookDirectory.hasPrefix("/") {
            config.remediation.playbookDirectory = base.appendingPathComponent(config.remediation.playbookDirectory)
                .standardizedFileURL.path
        }
        var errors: [ConfigError] = []
        for (i, t) in config.tenants.enumerated() {
            guard let r = t.remediation else { continue }
            let file = config.remediation.playbookDirectory + "/" + r.playbook
            if !FileManager.default.fileExists(atPath: file) {
                errors.append(ConfigError(path: "tenants[\(i)].remediation.playbook", line: r.playbookLine ?? t.line,
                                          message: "unknown playbook '\(r.playbook)': no such file \(file)"))
            }
        }
        if !errors.isEmpty { throw ConfigErrors(errors: errors) }
        return config
    }
}

extension Configuration {
    /// A few lines that say what this configuration will do, for `loopsentry check-config`.
    public func explanation() -> [String] {
        var out: [String] = []
        out.append("sensor: counters read every \(sensor.pollIntervalMilliseconds) ms; tagged frames "
                   + (sensor.dropTagged ? "dropped after counting" : "passed on")
                   + "; probes every \(sensor.probeIntervalMilliseconds) ms as sensor \(sensor.sensorID)")
        for i in interfaces {
            let d = i.detection ?? DetectionThresholds()
            var line = "interface \(i.name)\(i.netns.map { " (netns \($0))" } ?? ""): storm at ≥\(Int(d.broadcast.rising)) broadcast/s"
                + " for \(Self.ms(d.sustain)) ms, over at ≤\(Int(d.broadcast.falling))/s for \(Self.ms(d.clear)) ms"
            if let m = d.multicast { line += "; multicast ≥\(Int(m.rising))/s" }
            if !i.overrides.isEmpty { line += "; overrides for VLANs " + i.overrides.map { "\($0.vlans)" }.joined(separator: " ") }
            line += i.probeVLANs.isEmpty ? "; no probes" : "; probes on \(i.probeVLANs)"
            if i.countInner { line += "; QinQ pairs counted" }
            out.append(line)
        }
        for t in tenants {
            let where_ = t.vlans.map { "\($0.interface) VLANs \($0.vlans)" }.joined(separator: ", ")
            var line = "tenant \(t.name) (\(t.policy)): \(where_)"
            switch t.policy {
            case .auto: line += " — cut at once"
            case .ack: line += " — cut after acknowledgement; after \(t.ackDeadlineSeconds) s: \(t.onDeadline == .cut ? "cut" : "keep waiting")"
                if let h = t.hardLimit { line += "; cut at once above \(Int(h)) broadcast/s" }
            case .alarm: line += " — notify only"
            }
            if let r = t.remediation { line += " via \(r.playbook) on \(r.host) port \(r.port)" }
            out.append(line)
        }
        out.append(snmp.enabled ? "snmp: AgentX subagent at \(snmp.agentxSocket), ping every \(snmp.pingIntervalSeconds) s"
                                : "snmp: off")
        out.append(syslog.isEmpty ? "syslog: off" : "syslog: " + syslog.map { "\($0.transport.rawValue) \($0.address)" }.joined(separator: ", "))
        out.append("journal: \(journal.path); control socket: \(control.socket)")
        if let metrics { out.append("metrics: http://\(metrics.host):\(metrics.port)/metrics") }
        return out
    }

    static func ms(_ d: Duration) -> Int {
        Int(d.components.seconds * 1000 + d.components.attoseconds / 1_000_000_000_000_000)
    }
}
