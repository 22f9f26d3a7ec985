import LoopSentryCore

/// Random configuration files for the loader fuzz tests: YAML trees built from the real key
/// names with valid or hostile values (huge, negative, float, unicode, control characters,
/// deep nesting, anchors and aliases, tags, long strings, duplicate and unknown keys), and
/// line/character mutations of the shipped example.
struct ConfigFuzzGenerator {
    /// A YAML tree to emit.
    indirect enum Tree {
        case scalar(String)          // emitted as written (plain) — may itself be invalid YAML
        case quoted(String)          // emitted double-quoted with escapes
        case seq([Tree])
        case map([(String, Tree)])
        case alias(String)
        case anchored(String, Tree)
    }

    var rng: SeededGenerator
    /// True while writing a near-valid document: values are valid for their key but now and then.
    private var nearValid = false
    private var anchors: [String] = []

    init(rng: SeededGenerator) { self.rng = rng }

    static let sections: [(String, [String])] = [
        ("sensor", ["poll_interval_ms", "drop_tagged", "probe_interval_ms", "sensor_id", "probe_sender_ip", "probe_target_ip"]),
        ("remediation", ["playbook_dir", "verify_window_ms", "max_attempts", "retry_backoff_ms", "dismiss_hold_down_s"]),
        ("snmp", ["enabled", "agentx_socket", "ping_interval_s", "notifications_per_minute", "notification_burst",
                  "notifications_per_vlan_per_minute", "notification_vlan_burst", "queue_limit"]),
        ("journal", ["path"]), ("control", ["socket"]), ("metrics", ["listen"]), ("portal", ["listen", "burst"]),
    ]
    static let interfaceKeys = ["name", "netns", "count_inner", "probe_vlans"]
    static let detectionKeys = ["rising", "falling", "multicast_rising", "multicast_falling", "sustain_ms", "clear_ms"]
    static let tenantKeys = ["name", "contact", "policy", "ack_deadline_s", "on_deadline", "hard_limit_pps"]
    static let targetKeys = ["playbook", "host", "port", "netns", "inventory", "save_config", "timeout_s"]
    static let syslogKeys = ["transport", "address", "ca_file", "cert_file", "key_file", "queue_limit"]

    /// Values that are valid somewhere, so that many documents get deep into validation.
    static let plausible = [
        "0", "1", "10", "100", "255", "1000", "60000", "true", "false", "yes", "off", "eth1", "eth2", "lo",
        "auto", "ack", "alarm", "cut", "keep-waiting", "local", "udp", "tcp", "tls", "\"10-19\"", "\"20,30-40\"",
        "\"1-4094\"", "0.0.0.0", "192.0.2.1", "127.0.0.1:9464", "/dev/log", "/var/agentx/master", "x.yml", "h", "p",
    ]
    /// Values chosen to break things.
    static let hostile = [
        "-1", "-0", "99999999999999999999999", "9223372036854775807", "-9223372036854775808", "1e308", "-1e309",
        ".inf", "-.inf", ".nan", "1.5", "0x10", "0o17", "1_000", "+5", "~", "null", "''", "\"\"", "!!binary aGk=",
        "!!int 12", "!!str 12", "!custom x", "\"4095\"", "\"0\"", "\"20-10\"", "\",,\"", "\"1-\"", "\"-5\"",
        "\"10 - 20\"", "256.1.1.1", "1.2.3", "::1:80", "[::1]:0", ":9464", "host:99999", "\"\\t\"", "\"a\\nb\"",
        "\"\\r\\n\"", "\"\\0\"", "\"\\x1b[31m\"", "\"\\u202e\"", "\"日本語\"", "\"ë\"", "\"🙂\"", "\"\\uFEFF\"",
        "a/b", "\"name with space\"", "?", "-", "|\n  block\n  text", ">-\n  folded",
    ]

    /// A valid value for `key` (when there is one) in near-valid documents, else any value.
    mutating func value(for key: String) -> Tree {
        if nearValid && rng.chance(0.97), let v = Self.valid[key] { return .scalar(rng.pick(v)) }
        return pickValue()
    }

    /// Valid values by key name, so that near-valid documents are often accepted.
    static let valid: [String: [String]] = [
        "poll_interval_ms": ["100", "10"], "drop_tagged": ["true", "no"], "probe_interval_ms": ["1000"], "sensor_id": ["0", "255"],
        "probe_sender_ip": ["0.0.0.0"], "probe_target_ip": ["192.0.2.1"], "playbook_dir": ["playbooks"],
        "verify_window_ms": ["2000"], "max_attempts": ["3"], "retry_backoff_ms": ["0"], "dismiss_hold_down_s": ["600"],
        "enabled": ["false"], "agentx_socket": ["/var/agentx/master"], "ping_interval_s": ["2"], "queue_limit": ["256"],
        "notifications_per_minute": ["120"], "notification_burst": ["30"], "notifications_per_vlan_per_minute": ["12"],
        "notification_vlan_burst": ["6"], "path": ["/tmp/j.sqlite"], "socket": ["/tmp/c.sock"], "listen": ["127.0.0.1:9464", "[::1]:80"],
        "name": ["eth1"], "netns": ["lab"], "count_inner": ["true"], "probe_vlans": ["\"10-30\""], "rising": ["1000", "2.5e3"],
        "falling": ["500", "0"], "multicast_rising": ["5000"], "multicast_falling": ["2500"], "sustain_ms": ["300"], "clear_ms": ["2000"],
        "contact": ["\"NOC é\""], "policy": ["alarm"], "ack_deadline_s": ["300"], "on_deadline": ["cut"], "hard_limit_pps": ["50000"],
        "vlans": ["\"10-19\""], "interface": ["eth1"], "playbook": ["x.yml"], "host": ["h"], "port": ["p"], "inventory": ["/i"],
        "save_config": ["false"], "timeout_s": ["60"], "transport": ["udp"], "address": ["127.0.0.1:514"],
    ]

    mutating func pickValue() -> Tree {
        switch Int.random(in: 0..<10, using: &rng) {
        case 0..<5: return .scalar(rng.pick(Self.plausible))
        case 5..<8: return .scalar(rng.pick(Self.hostile))
        case 8: return .quoted(randomText(Int.random(in: 0...(rng.chance(0.02) ? 5000 : 40), using: &rng)))
        default: return structure(depth: Int.random(in: 1...(rng.chance(0.1) ? 60 : 4), using: &rng))
        }
    }

    /// Any character, biased to the awkward ones.
    mutating func randomText(_ count: Int) -> String {
        let awkward: [Character] = ["\n", "\t", "\r", "\0", "\u{7f}", "\u{85}", "\u{2028}", "\u{feff}", "\u{202e}", ":", "#",
                                    "\"", "'", "\\", "é", "日", "🙂", " "]
        var s = ""
        for _ in 0..<count {
            if rng.chance(0.3) { s.append(rng.pick(awkward)) } else {
                s.unicodeScalars.append(Unicode.Scalar(UInt8.random(in: 0x20...0x7e, using: &rng)))
            }
        }
        return s
    }

    /// Nested lists and mappings `depth` deep, sometimes anchored or an alias of an earlier anchor
    /// (deep ones are chains: a wide tree would grow exponentially when written out).
    mutating func structure(depth: Int) -> Tree {
        if depth <= 0 { return .scalar(rng.pick(Self.plausible)) }
        if !anchors.isEmpty && rng.chance(0.15) { return .alias(rng.pick(anchors)) }
        let inner = structure(depth: depth - 1)
        let node: Tree = rng.chance(0.5) ? .seq(Array(repeating: inner, count: depth > 5 ? 1 : Int.random(in: 1...3, using: &rng)))
                                          : .map([(rng.pick(Self.detectionKeys + ["a", "b"]), inner)])
        return rng.chance(0.1) ? anchor(node) : node
    }

    mutating func anchor(_ t: Tree) -> Tree {
        let name = "a\(anchors.count)"
        anchors.append(name)
        return .anchored(name, t)
    }

    /// A mapping of `keys` (a random subset), now and then an unknown, a duplicated or a near-miss key.
    mutating func mapping(_ keys: [String], value: (inout ConfigFuzzGenerator, String) -> Tree) -> Tree {
        var out: [(String, Tree)] = []
        let odd = nearValid ? 0.01 : 0.05
        for k in keys where rng.chance(nearValid ? 0.9 : 0.6) { out.append((k, value(&self, k))) }
        if rng.chance(odd), let k = keys.randomElement(using: &rng) { out.append((k, value(&self, k))) }
        if rng.chance(odd) { out.append((rng.pick(["bogus", "Name", "poll_interval", "vlan", "日本"]), pickValue())) }
        return rng.chance(0.05) ? anchor(.map(out)) : .map(out)
    }

    mutating func list(_ item: (inout ConfigFuzzGenerator) -> Tree) -> Tree {
        if rng.chance(0.05) { return pickValue() }
        return .seq((0..<Int.random(in: 0...3, using: &rng)).map { _ in item(&self) })
    }

    mutating func detection() -> Tree { mapping(Self.detectionKeys) { g, k in g.value(for: k) } }

    /// A whole random document built from the loader's key names.
    mutating func document() -> String {
        anchors = []
        nearValid = rng.chance(0.4)
        var top: [(String, Tree)] = []
        for (name, keys) in Self.sections where rng.chance(0.5) {
            top.append((name, mapping(keys) { g, k in g.value(for: k) }))
        }
        if rng.chance(0.9) {
            top.append(("interfaces", list { g in
                var m = g.mapping(Self.interfaceKeys) { g, k in g.value(for: k) }
                if case var .map(kv) = m {
                    if g.rng.chance(0.5) { kv.append(("detection", g.detection())) }
                    if g.rng.chance(0.3) {
                        kv.append(("overrides", g.list { g in .map([("vlans", g.value(for: "vlans")), ("detection", g.detection())]) }))
                    }
                    m = .map(kv)
                }
                return m
            }))
        }
        if rng.chance(0.7) {
            top.append(("tenants", list { g in
                guard case var .map(kv) = g.mapping(Self.tenantKeys, value: { g, k in g.value(for: k) }) else { return g.pickValue() }
                kv.append(("vlans", g.list { g in .map([("interface", g.value(for: "interface")), ("vlans", g.value(for: "vlans"))]) }))
                if g.rng.chance(0.6) { kv.append(("remediation", g.mapping(Self.targetKeys) { g, k in g.value(for: k) })) }
                return .map(kv)
            }))
        }
        if rng.chance(0.3) { top.append(("syslog", list { g in g.mapping(Self.syslogKeys) { g, k in g.value(for: k) } })) }
        top.shuffle(using: &rng)
        return YAMLEmitter.emit(.map(top), flow: rng.chance(0.2))
    }

    /// The example file with 1-4 random line or character mutations.
    mutating func mutate(_ text: String) -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for _ in 0..<Int.random(in: 1...4, using: &rng) where !lines.isEmpty {
            let i = Int.random(in: 0..<lines.count, using: &rng)
            switch Int.random(in: 0..<6, using: &rng) {
            case 0: lines.remove(at: i)
            case 1: lines.insert(lines[i], at: i)
            case 2: lines.swapAt(i, Int.random(in: 0..<lines.count, using: &rng))
            case 3: lines[i] = String(repeating: " ", count: Int.random(in: 0...6, using: &rng))
                + lines[i].trimmingPrefix(while: { $0 == " " })
            default:
                var chars = Array(lines[i])
                guard !chars.isEmpty else { continue }
                let flips: [Character] = [":", "-", "[", "]", "{", "}", "&", "*", "!", "|", ">", "'", "\"", "#", "%", "@",
                                          "`", "\t", "0", "9", "x", "\u{1}", "é"]
                chars[Int.random(in: 0..<chars.count, using: &rng)] = rng.pick(flips)
                lines[i] = String(chars)
            }
        }
        return lines.joined(separator: "\n")
    }
}
