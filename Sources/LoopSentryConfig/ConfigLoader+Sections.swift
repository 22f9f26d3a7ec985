import Foundation
import LoopSentryCore
import Yams

extension ConfigLoader {
    static let sensorKeys = ["poll_interval_ms", "drop_tagged", "probe_interval_ms", "sensor_id",
                             "probe_sender_ip", "probe_target_ip", "name"]
    static let interfaceKeys = ["name", "netns", "count_inner", "detection", "overrides", "probe_vlans", "sensor_id", "vnis", "vxlan_port",
                                 "vxlan_flood"]
    static let detectionKeys = ["rising", "falling", "multicast_rising", "multicast_falling", "sustain_ms", "clear_ms"]
    static let tenantKeys = ["name", "contact", "policy", "ack_deadline_s", "on_deadline", "hard_limit_pps",
                             "vlans", "vnis", "remediation", "webhooks"]
    static let webhookKeys = ["url", "secret_file", "timeout_s", "ca_file"]
    static let targetKeys = ["driver", "fallback", "persist", "playbook", "host", "port", "netns", "inventory", "save_config",
                             "timeout_s", "snmp", "ovs", "family"]
    static let ovsTargetKeys = ["database", "timeout_ms"]
    static let snmpTargetKeys = ["address", "credentials", "mib", "port_index", "timeout_ms", "retries"]
    static let remediationKeys = ["playbook_dir", "verify_window_ms", "max_attempts", "retry_backoff_ms",
                                  "dismiss_hold_down_s", "max_concurrent_playbooks", "playbook_batch_window_ms"]
    static let snmpKeys = ["enabled", "agentx_socket", "ping_interval_s", "notifications_per_minute", "notification_burst",
                           "notifications_per_vlan_per_minute", "notification_vlan_burst", "queue_limit"]
    static let syslogKeys = ["transport", "address", "ca_file", "cert_file", "key_file", "queue_limit"]

    static func readSensor(_ m: [String: Node], _ r: ConfigReader, _ s: inout SensorConfig) {
        if let v = r.int(m["poll_interval_ms"], "sensor.poll_interval_ms", range: 10...60_000) { s.pollIntervalMilliseconds = v }
        if let v = r.bool(m["drop_tagged"], "sensor.drop_tagged") { s.dropTagged = v }
        if let v = r.int(m["probe_interval_ms"], "sensor.probe_interval_ms", range: 100...60_000) { s.probeIntervalMilliseconds = v }
        if let v = r.int(m["sensor_id"], "sensor.sensor_id", range: 0...255) { s.sensorID = UInt8(v) }
        if let v = ipv4(m["probe_sender_ip"], "sensor.probe_sender_ip", r) { s.probeSenderIP = v }
        if let v = ipv4(m["probe_target_ip"], "sensor.probe_target_ip", r) { s.probeTargetIP = v }
        readSensorName(m, r, &s)
    }

    static func readInterface(_ node: Node, _ path: String, _ r: ConfigReader) -> InterfaceConfig? {
        guard let m = r.mapping(node, path, allowed: interfaceKeys) else { return nil }
        guard let name = r.string(r.require(m, "name", path, node), "\(path).name") else { return nil }
        if !InterfaceName.isValid(name) { r.fail("\(path).name", m["name"], InterfaceName.message(for: "'\(name)'")) }
        var i = InterfaceConfig(name: name)
        i.line = node.mark?.line
        i.netns = r.string(m["netns"], "\(path).netns")
        if let v = r.bool(m["count_inner"], "\(path).count_inner") { i.countInner = v }
        if let d = m["detection"] { i.detection = readDetection(d, "\(path).detection", r) }
        for (o, opath) in r.sequence(m["overrides"], "\(path).overrides") {
            guard let om = r.mapping(o, opath, allowed: ["vlans", "vnis", "detection"]) else { continue }
            if om["vnis"] != nil && om["vlans"] != nil {
                r.fail(opath, o, "an override names either vlans or vnis, not both")
                continue
            }
            if let vnis = om["vnis"] {
                guard let set = vniSet(vnis, "\(opath).vnis", r),
                      let d = readDetection(r.require(om, "detection", opath, o), "\(opath).detection", r) else { continue }
                i.vniOverrides.append(VNIThresholdOverride(vnis: set, thresholds: d))
                continue
            }
            guard let set = vlanSet(r.require(om, "vlans", opath, o), "\(opath).vlans", r),
                  let d = readDetection(r.require(om, "detection", opath, o), "\(opath).detection", r) else { continue }
            i.overrides.append(VLANThresholdOverride(vlans: set, thresholds: d))
        }
        if let p = m["probe_vlans"], let set = vlanSet(p, "\(path).probe_vlans", r) { i.probeVLANs = set }
        if let v = r.int(m["sensor_id"], "\(path).sensor_id", range: 0...255) { i.sensorID = UInt8(v) }
        if let v = m["vnis"], let set = vniSet(v, "\(path).vnis", r) {
            if set.count > maxWatchedVNIs {
                r.fail("\(path).vnis", v, "\(set.count) VNIs; at most \(maxWatchedVNIs) can be watched on one interface")
            } else {
                i.vnis = set
            }
        }
        if let p = r.int(m["vxlan_port"], "\(path).vxlan_port", range: 1...65535) { i.vxlanPort = UInt16(p) }
        i.vxlanFlood = readVXLANFlood(m["vxlan_flood"], "\(path).vxlan_flood", watched: i.vnis, r)
        return i
    }

    static func readDetection(_ node: Node?, _ path: String, _ r: ConfigReader) -> DetectionThresholds? {
        guard let m = r.mapping(node, path, allowed: detectionKeys) else { return nil }
        var t = DetectionThresholds()
        let rising = r.double(m["rising"], "\(path).rising")
        let falling = r.double(m["falling"], "\(path).falling")
        t.broadcast = RateThreshold(rising: rising ?? t.broadcast.rising, falling: falling ?? min(t.broadcast.falling, (rising ?? 1000) / 2))
        if t.broadcast.falling >= t.broadcast.rising {
            r.fail("\(path).falling", m["falling"] ?? node, "must be below rising (\(t.broadcast.rising)); got \(t.broadcast.falling)")
        }
        let mr = r.double(m["multicast_rising"], "\(path).multicast_rising")
        let mf = r.double(m["multicast_falling"], "\(path).multicast_falling")
        if let mr {
            let f = mf ?? mr / 2
            if f >= mr { r.fail("\(path).multicast_falling", m["multicast_falling"], "must be below multicast_rising (\(mr)); got \(f)") }
            t.multicast = RateThreshold(rising: mr, falling: f)
        } else if mf != nil {
            r.fail("\(path).multicast_falling", m["multicast_falling"], "needs multicast_rising")
        }
        if let v = r.int(m["sustain_ms"], "\(path).sustain_ms", range: 0...600_000) { t.sustain = .milliseconds(v) }
        if let v = r.int(m["clear_ms"], "\(path).clear_ms", range: 0...3_600_000) { t.clear = .milliseconds(v) }
        return t
    }

    static func readTenant(_ node: Node, _ path: String, _ r: ConfigReader) -> TenantConfig? {
        guard let m = r.mapping(node, path, allowed: tenantKeys) else { return nil }
        guard let name = r.string(r.require(m, "name", path, node), "\(path).name") else { return nil }
        if !name.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }) || name.count > 64 {
            r.fail("\(path).name", m["name"], "'\(name)' must be 1-64 letters, digits, '-', '_' or '.'")
        }
        var t = TenantConfig(name: name)
        t.line = node.mark?.line
        if let c = r.string(m["contact"], "\(path).contact", nonEmpty: false) { t.contact = c }
        if let p = r.choice(r.require(m, "policy", path, node), "\(path).policy",
                            [("auto", RemediationPolicy.auto), ("ack", .ack), ("alarm", .alarm)]) { t.policy = p }
        if let v = r.int(m["ack_deadline_s"], "\(path).ack_deadline_s", range: 1...604_800) { t.ackDeadlineSeconds = v }
        if let v = r.choice(m["on_deadline"], "\(path).on_deadline", [("cut", DeadlineAction.cut), ("keep-waiting", .keepWaiting)]) {
            t.onDeadline = v
        }
        t.hardLimit = r.double(m["hard_limit_pps"], "\(path).hard_limit_pps", min: 1)
        for (v, vpath) in r.sequence(m["vnis"] == nil ? r.require(m, "vlans", path, node) : m["vlans"], "\(path).vlans") {
            guard let vm = r.mapping(v, vpath, allowed: ["interface", "vlans"]),
                  let iface = r.string(r.require(vm, "interface", vpath, v), "\(vpath).interface"),
                  let set = vlanSet(r.require(vm, "vlans", vpath, v), "\(vpath).vlans", r) else { continue }
            t.vlans.append(TenantVLANs(interface: iface, vlans: set, line: v.mark?.line))
        }
        for (v, vpath) in r.sequence(m["vnis"], "\(path).vnis") {
            guard let vm = r.mapping(v, vpath, allowed: ["interface", "vnis"]),
                  let iface = r.string(r.require(vm, "interface", vpath, v), "\(vpath).interface"),
                  let set = vniSet(r.require(vm, "vnis", vpath, v), "\(vpath).vnis", r) else { continue }
            t.vnis.append(TenantVNIs(interface: iface, vnis: set, line: v.mark?.line))
        }
        if let tm = r.mapping(m["remediation"], "\(path).remediation", allowed: targetKeys) {
            t.remediation = readTarget(tm, "\(path).remediation", m["remediation"], r)
        }
        t.webhooks = r.sequence(m["webhooks"], "\(path).webhooks").compactMap { readWebhook($0.0, $0.1, r) }
        return t
    }

    /// A tenant's webhook: an http(s) URL with a host, the secret's file, a timeout, and for https
    /// an optional CA file.
    static func readWebhook(_ node: Node, _ path: String, _ r: ConfigReader) -> WebhookConfig? {
        guard let m = r.mapping(node, path, allowed: webhookKeys) else { return nil }
        let url = r.string(r.require(m, "url", path, node), "\(path).url")
        let secret = r.string(r.require(m, "secret_file", path, node), "\(path).secret_file")
        guard let url, let secret else { return nil }
        if !isWebhookURL(url) {
            r.fail("\(path).url", m["url"], "'\(url)' is not an http:// or https:// URL with a host")
        }
        var w = WebhookConfig(url: url, secretFile: secret)
        w.secretLine = m["secret_file"]?.mark?.line
        if let v = r.int(m["timeout_s"], "\(path).timeout_s", range: 1...300) { w.timeoutSeconds = v }
        if let ca = r.string(m["ca_file"], "\(path).ca_file") {
            w.caFile = ca
            w.caLine = m["ca_file"]?.mark?.line
            if URLComponents(string: url)?.scheme?.lowercased() != "https" {
                r.fail("\(path).ca_file", m["ca_file"], "applies to https:// URLs only, and '\(url)' is not one")
            }
        }
        return w
    }

    /// True for `http://HOST[:PORT][/PATH]` and `https://...` with no spaces or user info.
    static func isWebhookURL(_ text: String) -> Bool {
        guard !text.contains(where: { $0.isWhitespace }), let c = URLComponents(string: text),
              let scheme = c.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = c.host, !host.isEmpty, c.user == nil, c.password == nil else { return false }
        return c.port.map { (1...65535).contains($0) } ?? true
    }

    /// A tenant's `remediation`: which driver cuts, where, and the playbook that cuts, persists or
    /// takes over. Every requirement names the key that is missing.
    static func readTarget(_ tm: [String: Node], _ tp: String, _ node: Node?, _ r: ConfigReader) -> RemediationTarget? {
        let driver = r.choice(tm["driver"], "\(tp).driver", CutDriverKind.allCases.map { ($0.rawValue, $0) }) ?? .ansible
        let playbook = r.string(driver == .ansible ? r.require(tm, "playbook", tp, node) : tm["playbook"], "\(tp).playbook")
        let port = r.string(r.require(tm, "port", tp, node), "\(tp).port")
        let host = r.string(playbook != nil ? r.require(tm, "host", tp, node) : tm["host"], "\(tp).host") ?? "localhost"
        guard let port else { return nil }
        if let playbook, playbook.contains("/") || !playbook.hasSuffix(".yml") {
            r.fail("\(tp).playbook", tm["playbook"], "must be a file name ending in .yml in remediation.playbook_dir; got '\(playbook)'")
        }
        var target = RemediationTarget(playbook: playbook, host: host, port: port, driver: driver)
        target.playbookLine = tm["playbook"]?.mark?.line
        target.line = node?.mark?.line
        target.netns = r.string(tm["netns"], "\(tp).netns")
        target.inventory = r.string(tm["inventory"], "\(tp).inventory")
        if let v = r.bool(tm["save_config"], "\(tp).save_config") { target.saveConfig = v }
        if let v = r.int(tm["timeout_s"], "\(tp).timeout_s", range: 1...3600) { target.timeoutSeconds = v }
        if let f = r.choice(tm["fallback"], "\(tp).fallback", [("ansible", CutDriverKind.ansible)]) {
            if driver == .ansible {
                r.fail("\(tp).fallback", tm["fallback"], "is for native drivers (nftables, snmp); driver ansible has nothing to fall back from")
            } else if playbook == nil {
                r.fail("\(tp).fallback", tm["fallback"], "fallback ansible needs remediation.playbook")
            }
            target.fallback = f
        }
        target.persist = driver.isNative && playbook != nil
        if let v = r.bool(tm["persist"], "\(tp).persist") {
            if v && !driver.isNative {
                r.fail("\(tp).persist", tm["persist"], "is for native drivers: with driver ansible the playbook itself saves")
            } else if v && playbook == nil {
                r.fail("\(tp).persist", tm["persist"], "persist needs remediation.playbook (the playbook saves and audits the cut)")
            }
            target.persist = v && driver.isNative
        }
        if tm["ovs"] != nil || driver == .ovs {
            if driver != .ovs && driver != .ansible {
                r.fail("\(tp).ovs", tm["ovs"], "is only read with driver ovs (or ansible, for the playbook's database)")
            } else {
                target.ovs = readOVSTarget(tm["ovs"], "\(tp).ovs", r)
            }
        }
        if tm["family"] != nil && driver != .nftables {
            r.fail("\(tp).family", tm["family"], "is only read with driver nftables")
        }
        switch driver {
        case .ansible:
            if tm["snmp"] != nil { r.fail("\(tp).snmp", tm["snmp"], "is only read with driver snmp") }
        case .ovs:
            if tm["snmp"] != nil { r.fail("\(tp).snmp", tm["snmp"], "is only read with driver snmp") }
            if !InterfaceName.isValid(port) || port.contains("\"") {
                r.fail("\(tp).port", tm["port"], "'\(port)' is not an Open vSwitch port name (\(InterfaceName.rule); no quotes)")
            }
        case .nftables:
            if tm["snmp"] != nil { r.fail("\(tp).snmp", tm["snmp"], "is only read with driver snmp") }
            if !InterfaceName.isValid(port) || port.contains("\"") {
                r.fail("\(tp).port", tm["port"], "'\(port)' is not a Linux interface name (\(InterfaceName.rule); no quotes)")
            }
            if let f = r.choice(tm["family"], "\(tp).family", NftablesFamily.allCases.map { ($0.rawValue, $0) }) {
                target.nftablesFamily = f
            }
        case .snmp:
            guard let sm = r.mapping(r.require(tm, "snmp", tp, node), "\(tp).snmp", allowed: snmpTargetKeys) else { break }
            let sp = "\(tp).snmp"
            let address = r.string(r.require(sm, "address", sp, tm["snmp"]), "\(sp).address")
            let credentials = r.string(r.require(sm, "credentials", sp, tm["snmp"]), "\(sp).credentials")
            let mib = r.choice(r.require(sm, "mib", sp, tm["snmp"]), "\(sp).mib", SNMPCutMIB.allCases.map { ($0.rawValue, $0) })
            let index = r.int(r.require(sm, "port_index", sp, tm["snmp"]), "\(sp).port_index", range: 1...2_147_483_647)
            if let mib, let index, mib == .qBridge, index > 4096 {
                r.fail("\(sp).port_index", sm["port_index"], "a dot1dBasePort number is at most 4096 for q-bridge; got \(index)")
            }
            if let address, let credentials, let mib, let index {
                var s = SNMPCutTarget(address: address, credentialsFile: credentials, mib: mib, portIndex: index)
                if let v = r.int(sm["timeout_ms"], "\(sp).timeout_ms", range: 10...60_000) { s.timeoutMilliseconds = v }
                if let v = r.int(sm["retries"], "\(sp).retries", range: 0...10) { s.retries = v }
                target.snmp = s
                target.credentialsLine = sm["credentials"]?.mark?.line
            }
        }
        return target
    }

    /// A tenant's `remediation.ovs`: the database socket (`unix:/PATH`) and the driver's timeout;
    /// absent, the system's socket and 5000 ms.
    static func readOVSTarget(_ node: Node?, _ path: String, _ r: ConfigReader) -> OVSCutTarget {
        var o = OVSCutTarget()
        guard let node, let m = r.mapping(node, path, allowed: ovsTargetKeys) else { return o }
        if let db = r.string(m["database"], "\(path).database") {
            let ok = db.hasPrefix("unix:/") && db.count <= 200 && db.dropFirst(5).unicodeScalars.allSatisfy {
                ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || "_./-".unicodeScalars.contains($0)
            }
            if ok { o.database = db } else {
                r.fail("\(path).database", m["database"], "must be unix:/PATH (the ovsdb-server socket; letters, digits, _ . / -); got '\(db)'")
            }
        }
        if let v = r.int(m["timeout_ms"], "\(path).timeout_ms", range: 100...60_000) { o.timeoutMilliseconds = v }
        return o
    }

    static func readRemediation(_ m: [String: Node], _ r: ConfigReader, _ c: inout RemediationConfig) {
        if let v = r.string(m["playbook_dir"], "remediation.playbook_dir") { c.playbookDirectory = v }
        if let v = r.int(m["verify_window_ms"], "remediation.verify_window_ms", range: 100...600_000) { c.verifyWindowMilliseconds = v }
        if let v = r.int(m["max_attempts"], "remediation.max_attempts", range: 1...10) { c.maxAttempts = v }
        if let v = r.int(m["retry_backoff_ms"], "remediation.retry_backoff_ms", range: 0...600_000) { c.retryBackoffMilliseconds = v }
        if let v = r.int(m["dismiss_hold_down_s"], "remediation.dismiss_hold_down_s", range: 0...604_800) { c.dismissHoldDownSeconds = v }
        if let v = r.int(m["max_concurrent_playbooks"], "remediation.max_concurrent_playbooks", range: 1...64) {
            c.maxConcurrentPlaybooks = v
        }
        if let v = r.int(m["playbook_batch_window_ms"], "remediation.playbook_batch_window_ms", range: 0...10_000) {
            c.playbookBatchWindowMilliseconds = v
        }
    }

    static func readSNMP(_ m: [String: Node], _ r: ConfigReader, _ c: inout SNMPConfig) {
        if let v = r.bool(m["enabled"], "snmp.enabled") { c.enabled = v }
        if let v = r.string(m["agentx_socket"], "snmp.agentx_socket") {
            if !v.hasPrefix("/") { r.fail("snmp.agentx_socket", m["agentx_socket"], "must be an absolute Unix socket path; got '\(v)'") }
            c.agentxSocket = v
        }
        if let v = r.int(m["ping_interval_s"], "snmp.ping_interval_s", range: 1...60) { c.pingIntervalSeconds = v }
        if let v = r.int(m["notifications_per_minute"], "snmp.notifications_per_minute", range: 1...60_000) { c.notificationsPerMinute = v }
        if let v = r.int(m["notification_burst"], "snmp.notification_burst", range: 1...10_000) { c.notificationBurst = v }
        if let v = r.int(m["notifications_per_vlan_per_minute"], "snmp.notifications_per_vlan_per_minute", range: 1...600) {
            c.notificationsPerVLANPerMinute = v
        }
        if let v = r.int(m["notification_vlan_burst"], "snmp.notification_vlan_burst", range: 1...100) { c.notificationVLANBurst = v }
        if let v = r.int(m["queue_limit"], "snmp.queue_limit", range: 1...100_000) { c.queueLimit = v }
    }

    static func readSyslog(_ node: Node, _ path: String, _ r: ConfigReader) -> SyslogTargetConfig? {
        guard let m = r.mapping(node, path, allowed: syslogKeys) else { return nil }
        guard let transport = r.choice(r.require(m, "transport", path, node), "\(path).transport",
                                       [("local", SyslogTransport.local), ("udp", .udp), ("tcp", .tcp), ("tls", .tls)]),
              let address = r.string(r.require(m, "address", path, node), "\(path).address") else { return nil }
        if transport == .local && !address.hasPrefix("/") {
            r.fail("\(path).address", m["address"], "must be a socket path for transport local; got '\(address)'")
        } else if transport != .local && readListenText(address) == nil {
            r.fail("\(path).address", m["address"], "must be HOST:PORT for transport \(transport.rawValue); got '\(address)'")
        }
        var t = SyslogTargetConfig(transport: transport, address: address)
        t.caFile = r.string(m["ca_file"], "\(path).ca_file")
        t.certFile = r.string(m["cert_file"], "\(path).cert_file")
        t.keyFile = r.string(m["key_file"], "\(path).key_file")
        if transport == .tls && t.caFile == nil { r.fail("\(path).ca_file", node, "is required for transport tls") }
        if (t.certFile == nil) != (t.keyFile == nil) { r.fail("\(path).key_file", node, "cert_file and key_file go together") }
        if let v = r.int(m["queue_limit"], "\(path).queue_limit", range: 1...1_000_000) { t.queueLimit = v }
        return t
    }

    static func readListen(_ node: Node?, _ path: String, _ r: ConfigReader) -> MetricsConfig? {
        guard let s = r.string(node, path) else { return nil }
        guard let (h, p) = readListenText(s) else { r.fail(path, node, "must be HOST:PORT; got '\(s)'"); return nil }
        let numeric = h.split(separator: ".").count == 4 && h.split(separator: ".").allSatisfy { UInt8($0) != nil }
        guard numeric || h.contains(":") else {
            r.fail(path, node, "must name a numeric IPv4 or IPv6 address (e.g. 127.0.0.1:9464); got '\(s)'")
            return nil
        }
        return MetricsConfig(host: h, port: p)
    }

    static func readListenText(_ s: String) -> (String, Int)? {
        guard let colon = s.lastIndex(of: ":"), let port = Int(s[s.index(after: colon)...]), (1...65535).contains(port),
              colon != s.startIndex else { return nil }
        return (String(s[..<colon]), port)
    }

    static func vlanSet(_ node: Node?, _ path: String, _ r: ConfigReader) -> VLANSet? {
        guard let node else { return nil }
        guard let text = node.scalar?.string else { r.fail(path, node, "must be a VLAN list like \"10,20-30\""); return nil }
        do { return try VLANSet(parsing: text) } catch { r.fail(path, node, "\(error)"); return nil }
    }

    /// The most VNIs one interface's sensor map is sized for.
    static let maxWatchedVNIs = 65536

    static func vniSet(_ node: Node?, _ path: String, _ r: ConfigReader) -> VNISet? {
        guard let node else { return nil }
        guard let text = node.scalar?.string else { r.fail(path, node, "must be a VNI list like \"5000,6000-6099\""); return nil }
        do { return try VNISet(parsing: text) } catch { r.fail(path, node, "\(error)"); return nil }
    }

    static func ipv4(_ node: Node?, _ path: String, _ r: ConfigReader) -> [UInt8]? {
        guard let s = r.string(node, path) else { return nil }
        let parts = s.split(separator: ".", omittingEmptySubsequences: false).map { UInt8($0) }
        guard parts.count == 4, parts.allSatisfy({ $0 != nil }) else { r.fail(path, node, "must be an IPv4 address; got '\(s)'"); return nil }
        return parts.map { $0! }
    }
}
