import LoopSentryCore
import Yams

/// Reads and validates a configuration file's text. Every problem is reported — unknown key,
/// missing key, wrong type, bad value, overlapping tenant VLANs — each naming the key and line.
public enum ConfigLoader {
    public static let topKeys = ["sensor", "interfaces", "tenants", "remediation", "snmp", "syslog",
                                 "journal", "control", "metrics", "portal", "webhooks"]

    public static func parse(_ text: String) throws(ConfigErrors) -> Configuration {
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: text) else {
                throw ConfigErrors(errors: [ConfigError(path: "", line: 1, message: "the file is empty")])
            }
            root = node
        } catch let e as ConfigErrors {
            throw e
        } catch let e as YamlError {
            throw ConfigErrors(errors: [yamlError(e)])
        } catch {
            throw ConfigErrors(errors: [ConfigError(path: "", line: nil, message: "not valid YAML: \(error)")])
        }
        let r = ConfigReader()
        var c = Configuration()
        guard let top = r.mapping(root, "", allowed: topKeys) else { throw ConfigErrors(errors: r.errors) }
        if let s = r.mapping(top["sensor"], "sensor", allowed: sensorKeys) { readSensor(s, r, &c.sensor) }
        c.interfaces = r.sequence(r.require(top, "interfaces", "", root), "interfaces").compactMap { readInterface($0.0, $0.1, r) }
        if top["interfaces"] != nil && c.interfaces.isEmpty && r.errors.isEmpty {
            r.fail("interfaces", top["interfaces"], "needs at least one interface")
        }
        c.tenants = r.sequence(top["tenants"], "tenants").compactMap { readTenant($0.0, $0.1, r) }
        if let m = r.mapping(top["remediation"], "remediation", allowed: remediationKeys) { readRemediation(m, r, &c.remediation) }
        if let m = r.mapping(top["snmp"], "snmp", allowed: snmpKeys) { readSNMP(m, r, &c.snmp) }
        c.syslog = r.sequence(top["syslog"], "syslog").compactMap { readSyslog($0.0, $0.1, r) }
        if let m = r.mapping(top["journal"], "journal", allowed: ["path"]) {
            if let p = r.string(m["path"], "journal.path") { c.journal.path = p }
        }
        if let m = r.mapping(top["webhooks"], "webhooks", allowed: ["retention_days"]),
           let days = r.int(m["retention_days"], "webhooks.retention_days", range: 1...3650) {
            c.webhooks.retentionDays = days
        }
        if let m = r.mapping(top["control"], "control", allowed: ["socket"]) {
            if let p = r.string(m["socket"], "control.socket") { c.control.socket = p }
        }
        if let m = r.mapping(top["metrics"], "metrics", allowed: ["listen"]) {
            c.metrics = readListen(m["listen"], "metrics.listen", r)
        }
        if let m = r.mapping(top["portal"], "portal", allowed: portalKeys) { c.portal = readPortal(m, top["portal"], r) }
        crossCheck(c, r)
        crossCheckPortal(c, r)
        crossCheckSensorIdentity(c, top["sensor"], r)
        if !r.errors.isEmpty {
            throw ConfigErrors(errors: r.errors.sorted { ($0.line ?? 0, $0.path) < ($1.line ?? 0, $1.path) })
        }
        return c
    }

    /// One line naming the line of the file: Yams's own descriptions span several lines and
    /// quote the document (a duplicate key's quotes all of it).
    static func yamlError(_ e: YamlError) -> ConfigError {
        switch e {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _), let .composer(context, problem, mark, _):
            return ConfigError(path: "", line: mark.line, message: "not valid YAML: \(problem)\(context.map { " \($0.text)" } ?? "")")
        case let .reader(problem, offset, _, yaml):
            let line = offset.map { yaml.prefix($0).reduce(1) { $1.isNewline ? $0 + 1 : $0 } } ?? 1
            return ConfigError(path: "", line: line, message: "not valid YAML: \(problem)")
        case let .duplicatedKeysInMapping(duplicates, context):
            let keys = duplicates.sorted().map { "'\($0)'" }.joined(separator: ", ")
            return ConfigError(path: "", line: context.mark.line, message: "not valid YAML: key \(keys) appears twice in one mapping")
        default:
            return ConfigError(path: "", line: nil, message: "not valid YAML: \(e)")
        }
    }

    // MARK: - Cross checks

    /// Tenants' interfaces must exist; no VLAN may belong to two tenants on one interface.
    static func crossCheck(_ c: Configuration, _ r: ConfigReader) {
        let names = Set(c.interfaces.map(\.name))
        var seenInterfaces: Set<String> = []
        for (i, iface) in c.interfaces.enumerated() {
            if !seenInterfaces.insert(iface.name).inserted {
                r.add(ConfigError(path: "interfaces[\(i)].name", line: iface.line, message: "interface '\(iface.name)' is listed twice"))
            }
        }
        var seenTenants: [String: Int] = [:]
        for (ti, t) in c.tenants.enumerated() {
            if let first = seenTenants[t.name] {
                r.add(ConfigError(path: "tenants[\(ti)].name", line: t.line, message: "tenant '\(t.name)' is already defined as tenants[\(first)]"))
            }
            seenTenants[t.name] = ti
            for (vi, v) in t.vlans.enumerated() where !names.contains(v.interface) {
                r.add(ConfigError(path: "tenants[\(ti)].vlans[\(vi)].interface", line: v.line,
                                            message: "interface '\(v.interface)' is not in interfaces (\(names.sorted().joined(separator: ", ")))"))
            }
            for (vi, v) in t.vnis.enumerated() {
                guard let iface = c.interfaces.first(where: { $0.name == v.interface }) else {
                    r.add(ConfigError(path: "tenants[\(ti)].vnis[\(vi)].interface", line: v.line,
                                      message: "interface '\(v.interface)' is not in interfaces (\(names.sorted().joined(separator: ", ")))"))
                    continue
                }
                // Watched ranges are merged: a tenant range is watched when one of them holds both ends.
                let unwatched = v.vnis.ranges.first { want in
                    !iface.vnis.ranges.contains { $0.contains(want.lowerBound) && $0.contains(want.upperBound) }
                }
                if let unwatched {
                    r.add(ConfigError(path: "tenants[\(ti)].vnis[\(vi)].vnis", line: v.line,
                                      message: "VNIs \(VNISet([unwatched])) are not all watched on \(v.interface) (add them to interfaces[].vnis)"))
                }
            }
            // A VNI is cut by the nftables driver (rules on the underlay port's UDP payload) or a
            // VNI playbook (checked against its text when the file is loaded).
            if t.policy != .alarm, let v = t.vnis.first, let driver = t.remediation?.driver, driver != .nftables, driver != .ansible {
                r.add(ConfigError(path: "tenants[\(ti)].remediation.driver", line: v.line ?? t.line,
                                  message: "VNI cuts need driver nftables or a VNI playbook (tenant '\(t.name)' has vnis and driver \(driver))"))
            }
            if let target = t.remediation, target.driver == .nftables, target.nftablesFamily == .netdev, let v = t.vlans.first {
                r.add(ConfigError(path: "tenants[\(ti)].remediation.family", line: v.line ?? t.line,
                                  message: "family netdev cuts VNIs only (tenant '\(t.name)' has vlans: use bridge or auto)"))
            }
            if t.policy != .alarm && t.remediation == nil {
                r.add(ConfigError(path: "tenants[\(ti)].remediation", line: t.line,
                                            message: "is required for policy \(t.policy) (a cut needs a target)"))
            }
        }
        // Two tenants never share a segment: VLANs per interface, VNIs per interface.
        for (a, b) in c.tenants.indices.flatMap({ a in (a + 1..<c.tenants.count).map { (a, $0) } }) {
            let (ta, tb) = (c.tenants[a], c.tenants[b])
            func clash(_ kind: String, _ key: String, _ iface: String, _ shared: String, _ lineA: Int?, _ lineB: Int?) {
                r.add(ConfigError(
                    path: "tenants[\(b)].\(key)", line: lineB,
                    message: "\(kind) \(shared) on \(iface) belongs to both '\(ta.name)' (line \(lineA ?? 0)) and '\(tb.name)': tenant \(kind)s must not overlap"))
            }
            for va in ta.vlans {
                for vb in tb.vlans where va.interface == vb.interface {
                    if let shared = va.vlans.firstCommonVLAN(with: vb.vlans) { clash("VLAN", "vlans", vb.interface, "\(shared)", va.line, vb.line) }
                }
            }
            for va in ta.vnis {
                for vb in tb.vnis where va.interface == vb.interface {
                    if let shared = va.vnis.firstCommonVNI(with: vb.vnis) { clash("VNI", "vnis", vb.interface, "\(shared)", va.line, vb.line) }
                }
            }
        }
        for (i, iface) in c.interfaces.enumerated() {
            let policy = InterfaceDetectionPolicy(defaults: iface.detection, overrides: iface.overrides,
                                                  vniOverrides: iface.vniOverrides)
            // Threshold values were checked where they were read; what is left is overlap between
            // a interface's VLAN overrides.
            for e in DetectionPolicy(defaults: DetectionThresholds(), interfaces: [iface.name: policy]).validationErrors()
            where e.field.hasSuffix("overrides") {
                r.add(ConfigError(path: "interfaces[\(i)].overrides", line: iface.line, message: e.message))
            }
        }
    }
}

