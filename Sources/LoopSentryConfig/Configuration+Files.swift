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
            if let playbook = r.playbook {
                let file = config.remediation.playbookDirectory + "/" + playbook
                if let text = try? String(contentsOfFile: file, encoding: .utf8) {
                    let segments = PlaybookSegments(playbookText: text)
                    config.tenants[i].remediation?.playbookSegments = segments
                    if let problem = Self.segmentProblem(t, r, segments) {
                        errors.append(ConfigError(path: "tenants[\(i)].remediation.playbook", line: r.playbookLine ?? t.line, message: problem))
                    }
                    if r.inventory == nil && RemediationTarget.targetsNetworkDevice(playbookText: text) {
                        errors.append(ConfigError(
                            path: "tenants[\(i)].remediation.inventory", line: r.line ?? t.line,
                            message: "is required for \(playbook): it talks to a network device, and only Linux hosts run with "
                                + "the implicit local inventory (give an inventory with the switch's address and credentials)"))
                    }
                } else {
                    errors.append(ConfigError(path: "tenants[\(i)].remediation.playbook", line: r.playbookLine ?? t.line,
                                              message: FileManager.default.fileExists(atPath: file)
                                                ? "playbook '\(playbook)' cannot be read: \(file)"
                                                : "unknown playbook '\(playbook)': no such file \(file)"))
                }
            }
            if let s = r.snmp {
                let file = s.credentialsFile.hasPrefix("/") ? s.credentialsFile : base.appendingPathComponent(s.credentialsFile).standardizedFileURL.path
                config.tenants[i].remediation?.snmp?.credentialsFile = file
                if let problem = Self.credentialsProblem(file) {
                    errors.append(ConfigError(path: "tenants[\(i)].remediation.snmp.credentials", line: r.credentialsLine ?? t.line,
                                              message: problem))
                }
            }
        }
        for (i, t) in config.tenants.enumerated() {
            for (w, hook) in t.webhooks.enumerated() {
                let file = hook.secretFile.hasPrefix("/") ? hook.secretFile : base.appendingPathComponent(hook.secretFile).standardizedFileURL.path
                config.tenants[i].webhooks[w].secretFile = file
                if let problem = Self.credentialsProblem(file, what: "secret file") ?? Self.emptySecretProblem(file) {
                    errors.append(ConfigError(path: "tenants[\(i)].webhooks[\(w)].secret_file", line: hook.secretLine ?? t.line,
                                              message: problem))
                }
                if let ca = hook.caFile {
                    let file = ca.hasPrefix("/") ? ca : base.appendingPathComponent(ca).standardizedFileURL.path
                    config.tenants[i].webhooks[w].caFile = file
                    if let problem = Self.caFileProblem(file) {
                        errors.append(ConfigError(path: "tenants[\(i)].webhooks[\(w)].ca_file", line: hook.caLine ?? t.line, message: problem))
                    }
                }
            }
        }
        if !errors.isEmpty { throw ConfigErrors(errors: errors) }
        return config
    }
}

extension ConfigLoader {
    /// Why tenant `t`'s playbook cannot cut its segments, or nil. A playbook the driver runs must
    /// cut every kind the tenant has; a fallback or persistence playbook runs for VLANs only.
    static func segmentProblem(_ t: TenantConfig, _ r: RemediationTarget, _ segments: PlaybookSegments) -> String? {
        guard t.policy != .alarm, r.driver == .ansible, let playbook = r.playbook else { return nil }
        if !t.vnis.isEmpty && !segments.vnis {
            return "playbook '\(playbook)' does not cut VNIs (tenant '\(t.name)' has vnis; a VNI playbook says `# loopsentry-cuts: vni`, "
                + "e.g. linux-vxlan-vni.yml, or use driver nftables)"
        }
        if !t.vlans.isEmpty && !segments.vlans {
            return "playbook '\(playbook)' cuts VNIs only (tenant '\(t.name)' has vlans: give them a tenant with a VLAN playbook)"
        }
        return nil
    }

    /// Why the credentials (or webhook secret) file at `path` cannot be used, or nil: it must
    /// exist, be readable, and not be readable by group or others (it holds secrets).
    static func credentialsProblem(_ path: String, what: String = "credentials file") -> String? {
        var st = stat()
        guard stat(path, &st) == 0 else { return "\(what) \(path) does not exist" }
        guard (st.st_mode & S_IFMT) == S_IFREG else { return "\(what) \(path) is not a regular file" }
        guard access(path, R_OK) == 0 else { return "\(what) \(path) cannot be read (permissions?)" }
        if st.st_mode & 0o077 != 0 {
            return "\(what) \(path) is readable by group or others (mode \(String(st.st_mode & 0o777, radix: 8))): chmod 600 it"
        }
        return nil
    }

    /// A webhook's CA file must be readable and hold at least one PEM certificate.
    static func caFileProblem(_ path: String) -> String? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return "CA file \(path) cannot be read" }
        return text.contains("-----BEGIN CERTIFICATE-----") ? nil : "CA file \(path) holds no PEM certificate"
    }

    /// A webhook secret file must hold a secret (surrounding white space is not part of it).
    static func emptySecretProblem(_ path: String) -> String? {
        (webhookSecret(path: path)?.isEmpty ?? true) ? "secret file \(path) is empty" : nil
    }

    /// The secret in a webhook's secret file: its text without surrounding white space, or nil
    /// when it cannot be read.
    public static func webhookSecret(path: String) -> [UInt8]? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        return Array(text.trimmingCharacters(in: .whitespacesAndNewlines).utf8)
    }
}

extension Configuration {
    /// A few lines that say what this configuration will do, for `loopsentry check-config`.
    public func explanation() -> [String] {
        var out: [String] = []
        let named = sensor.name == nil ? "\(sensor.effectiveName) (the host name)" : sensor.effectiveName
        out.append("sensor \(named): counters read every \(sensor.pollIntervalMilliseconds) ms; tagged frames "
                   + (sensor.dropTagged ? "dropped after counting" : "passed on")
                   + "; probes every \(sensor.probeIntervalMilliseconds) ms")
        for (index, i) in interfaces.enumerated() {
            let d = i.detection ?? DetectionThresholds()
            var line = "interface \(i.name)\(i.netns.map { " (netns \($0))" } ?? ""): storm at ≥\(Int(d.broadcast.rising)) broadcast/s"
                + " for \(Self.ms(d.sustain)) ms, over at ≤\(Int(d.broadcast.falling))/s for \(Self.ms(d.clear)) ms"
            if let m = d.multicast { line += "; multicast ≥\(Int(m.rising))/s" }
            if !i.overrides.isEmpty { line += "; overrides for VLANs " + i.overrides.map { "\($0.vlans)" }.joined(separator: " ") }
            line += i.probeVLANs.isEmpty ? (i.vxlanFlood.isEmpty ? "; no probes" : "; no VLAN probes") : "; probes on \(i.probeVLANs)"
            line += " (probe id \(probeID(ofInterfaceAt: index)))"
            if i.countInner { line += "; QinQ pairs counted" }
            if !i.vnis.isEmpty { line += "; VXLAN (UDP \(i.vxlanPort)) VNIs \(i.vnis) counted" }
            if !i.vniOverrides.isEmpty { line += "; overrides for VNIs " + i.vniOverrides.map { "\($0.vnis)" }.joined(separator: " ") }
            for f in i.vxlanFlood { line += "; VNI probes for \(f.vnis) to " + f.vteps.map(\.printed).joined(separator: ",") }
            out.append(line)
        }
        for t in tenants {
            let where_ = (t.vlans.map { "\($0.interface) VLANs \($0.vlans)" } + t.vnis.map { "\($0.interface) VNIs \($0.vnis)" })
                .joined(separator: ", ")
            var line = "tenant \(t.name) (\(t.policy)): \(where_)"
            switch t.policy {
            case .auto: line += " — cut at once"
            case .ack: line += " — cut after acknowledgement; after \(t.ackDeadlineSeconds) s: \(t.onDeadline == .cut ? "cut" : "keep waiting")"
                if let h = t.hardLimit { line += "; cut at once above \(Int(h)) broadcast/s" }
            case .alarm: line += " — notify only"
            }
            if let r = t.remediation { line += " " + Self.describe(r) }
            if !t.webhooks.isEmpty { line += "; webhooks to " + t.webhooks.map(\.url).joined(separator: ", ") }
            out.append(line)
        }
        out.append(snmp.enabled ? "snmp: AgentX subagent at \(snmp.agentxSocket), ping every \(snmp.pingIntervalSeconds) s"
                                : "snmp: off")
        out.append(syslog.isEmpty ? "syslog: off" : "syslog: " + syslog.map { "\($0.transport.rawValue) \($0.address)" }.joined(separator: ", "))
        out.append("journal: \(journal.path); control socket: \(control.socket)")
        if let metrics { out.append("metrics: http://\(metrics.host):\(metrics.port)/metrics") }
        if let p = portal {
            let nocTokens = p.tokens.filter { $0.scope == .noc }.count
            out.append("portal: \(p.tls ? "https" : "http")://\(p.host):\(p.port)/ with \(p.tokens.count) token(s) (\(nocTokens) NOC), "
                       + "\(p.requestsPerMinute) requests/min per token, burst \(p.burst)")
        }
        return out
    }

    /// How a tenant's VLANs are cut, in words, for check-config.
    static func describe(_ r: RemediationTarget) -> String {
        var line: String
        switch r.driver {
        case .ansible:
            line = "via playbook \(r.playbook ?? "?") on \(r.host) port \(r.port)" + (r.playbookSegments.vnis ? " (cuts VNIs)" : "")
        case .nftables:
            let place = switch r.nftablesFamily {
            case .auto: "bridge port \(r.port) (VNIs: netdev family where it is not a bridge port)"
            case .bridge: "bridge port \(r.port)"
            case .netdev: "the ingress and egress of \(r.port) (netdev family)"
            }
            line = "via driver nftables (in-process nftables rules on \(place)\(r.netns.map { " in netns \($0)" } ?? ""))"
        case .ovs:
            line = "via driver ovs (OVSDB transaction on \((r.ovs ?? OVSCutTarget()).database): trunks of port \(r.port))"
        case .snmp:
            let s = r.snmp
            line = "via driver snmp (SET of \(s?.mib == .qBridge ? "Q-BRIDGE-MIB dot1qVlanStaticEgressPorts" : "CISCO-VTP-MIB vlanTrunkPortVlansEnabled") "
                + "on \(s?.address ?? "?") port index \(s?.portIndex ?? 0) = \(r.port))"
        }
        if r.driver.isNative, let p = r.playbook {
            if r.persist { line += "; then \(p) on \(r.host) persists\(r.saveConfig ? " (saves the configuration)" : "") and audits" }
            if r.fallback != nil { line += "; \(p) takes over if the driver gives up" }
        }
        return line
    }

    static func ms(_ d: Duration) -> Int {
        Int(d.components.seconds * 1000 + d.components.attoseconds / 1_000_000_000_000_000)
    }
}
