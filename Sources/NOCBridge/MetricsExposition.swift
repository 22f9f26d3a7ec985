import LoopSentryCore

/// Process-wide values exposed beside the per-VLAN rows. The daemon fills them from its own
/// counters and passes them in: the renderer reads no global state.
public struct MetricsExtra: Equatable, Sendable {
    /// Seconds since the daemon started.
    public var uptimeSeconds: Double
    /// Incidents not yet closed (VLANs whose state is not `normal`).
    public var openIncidents: Int
    /// SNMP notifications handed to the master agent since start.
    public var notificationsSent: UInt64
    /// SNMP notifications refused by a rate limit since start.
    public var notificationsSuppressed: UInt64
    /// SNMP notifications lost because the outage queue was full since start.
    public var notificationsDropped: UInt64
    /// Syslog messages lost (queue full or collector unreachable) since start.
    public var syslogDropped: UInt64
    /// False while journal writes fail (no cut starts until one succeeds).
    public var journalWritable: Bool = true

    public init(uptimeSeconds: Double = 0, openIncidents: Int = 0, notificationsSent: UInt64 = 0,
                notificationsSuppressed: UInt64 = 0, notificationsDropped: UInt64 = 0, syslogDropped: UInt64 = 0) {
        self.uptimeSeconds = uptimeSeconds
        self.openIncidents = openIncidents
        self.notificationsSent = notificationsSent
        self.notificationsSuppressed = notificationsSuppressed
        self.notificationsDropped = notificationsDropped
        self.syslogDropped = syslogDropped
    }
}

/// Renders the daemon's state in the Prometheus text exposition format 0.0.4: pure, no I/O.
///
/// Per-VLAN series carry the labels `interface` (Linux name), `vlan`, `tenant` ("" when
/// the VLAN belongs to no tenant) and `sensor` (the sensor's name); every other series carries
/// `sensor` too, so one Prometheus tells many sensors apart (see docs/fleet.md). Rows are sorted by (ifIndex, VLAN) and families come in a
/// fixed order, so equal input gives byte-equal output. A per-VLAN family with no rows is
/// left out entirely (as client_golang does); the process-level families are always present.
///
/// The incident state is one series per row, `loopsentry_vlan_incident_state{…,state="cut"} 1`,
/// naming the current state, rather than seven 0/1 series per row: a seventh of the series,
/// and `count by (state) (loopsentry_vlan_incident_state)` still answers "how many are cut".
/// When the state changes the old series disappears and Prometheus marks it stale at once.
///
/// A VXLAN VNI's row gets the same families renamed `loopsentry_vni_*` (probes: its VNI probes), with
/// the label `vni` instead of `vlan`: a VLAN query never mixes in VNIs, and `vlan` stays a VLAN.
public enum MetricsExposition {
    /// The `Content-Type` of a rendered exposition.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    /// The exposition of `rows` (any order), `extra` and the sensor's `identity`, ending with a newline.
    public static func render(rows: [VLANStatusRow], extra: MetricsExtra, identity: MetricsIdentity = MetricsIdentity()) -> String {
        let sorted = rows.sorted(by: VLANStatusRow.ordered)
        var out = ""
        for (families, segmentRows) in [(vlanFamilies, sorted.filter { $0.vni == nil }), (vniFamilies, sorted.filter { $0.vni != nil })]
        where !segmentRows.isEmpty {
            for family in families {
                writeHeader(family.name, family.kind, family.help, to: &out)
                for row in segmentRows {
                    let (extraLabels, value) = family.sample(row)
                    writeSample(family.name, labels: vlanLabels(row) + identity.labels + extraLabels, value: String(value), to: &out)
                }
            }
        }
        for family in processFamilies {
            writeHeader(family.name, family.kind, family.help, to: &out)
            writeSample(family.name, labels: identity.labels, value: family.value(extra), to: &out)
        }
        writeIdentityFamilies(identity, to: &out)
        return out
    }

    /// `value` escaped for a label value: `\` → `\\`, `"` → `\"`, newline → `\n`.
    public static func escapeLabelValue(_ value: String) -> String {
        var out = ""
        out.reserveCapacity(value.utf8.count)
        for ch in value.unicodeScalars {
            switch ch {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(ch)
            }
        }
        return out
    }

    /// `text` escaped for a HELP line: `\` → `\\`, newline → `\n`.
    public static func escapeHelp(_ text: String) -> String {
        text.replacing("\\", with: "\\\\").replacing("\n", with: "\\n")
    }

    /// A float sample value as Prometheus writes it: integers without a fraction,
    /// `+Inf`, `-Inf` and `NaN` spelled the Go way.
    public static func formatValue(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value == .infinity { return "+Inf" }
        if value == -.infinity { return "-Inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }

    // MARK: - Families

    /// A metric type as the TYPE line spells it.
    enum Kind: String { case gauge, counter }

    /// One per-VLAN family: its name, type, help and how a row becomes a sample
    /// (labels beyond interface/vlan/tenant, and the value).
    struct VLANFamily: Sendable {
        let name: String
        let kind: Kind
        let help: String
        let sample: @Sendable (VLANStatusRow) -> (labels: [(String, String)], value: UInt64)
    }

    /// One process-level family with a single unlabelled sample.
    struct ProcessFamily: Sendable {
        let name: String
        let kind: Kind
        let help: String
        let value: @Sendable (MetricsExtra) -> String
    }

    static let vlanFamilies: [VLANFamily] = [
        VLANFamily(name: "loopsentry_vlan_broadcast_pps", kind: .gauge,
                   help: "Broadcast frames per second on the VLAN over the last poll interval.") { ([], UInt64($0.broadcastRate)) },
        VLANFamily(name: "loopsentry_vlan_multicast_pps", kind: .gauge,
                   help: "Multicast frames per second on the VLAN over the last poll interval.") { ([], UInt64($0.multicastRate)) },
        VLANFamily(name: "loopsentry_vlan_frames_pps", kind: .gauge,
                   help: "Tagged frames of any kind per second on the VLAN over the last poll interval.") { ([], UInt64($0.frameRate)) },
        VLANFamily(name: "loopsentry_vlan_broadcast_frames_total", kind: .counter,
                   help: "Broadcast frames seen on the VLAN since the sensor attached.") { ([], $0.counters.broadcast) },
        VLANFamily(name: "loopsentry_vlan_multicast_frames_total", kind: .counter,
                   help: "Multicast frames seen on the VLAN since the sensor attached.") { ([], $0.counters.multicast) },
        VLANFamily(name: "loopsentry_vlan_frames_total", kind: .counter,
                   help: "Tagged frames of any kind seen on the VLAN since the sensor attached.") { ([], $0.counters.frames) },
        VLANFamily(name: "loopsentry_vlan_bytes_total", kind: .counter,
                   help: "Bytes of tagged frames seen on the VLAN since the sensor attached.") { ([], $0.counters.bytes) },
        VLANFamily(name: "loopsentry_vlan_probes_returned_total", kind: .counter,
                   help: "LoopSentry's own probe frames that came back on the VLAN (a loop).") { ([], $0.returnedProbes) },
        VLANFamily(name: "loopsentry_vlan_probes_leaked_total", kind: .counter,
                   help: "LoopSentry's own probe frames sent on the VLAN that came back untagged or on another VLAN "
                       + "(the VLAN is bridged into another one).") { ([], $0.leakedProbes) },
        VLANFamily(name: "loopsentry_vlan_rising_threshold_pps", kind: .gauge,
                   help: "Broadcast frames per second at or above which a storm is detected.") { ([], UInt64($0.risingThreshold)) },
        VLANFamily(name: "loopsentry_vlan_falling_threshold_pps", kind: .gauge,
                   help: "Broadcast frames per second at or below which a storm is over.") { ([], UInt64($0.fallingThreshold)) },
        VLANFamily(name: "loopsentry_vlan_incident_state", kind: .gauge,
                   help: "The VLAN's current incident state: one series per VLAN with value 1, the state in the state label "
                       + "(normal, detected, pendingAck, cutting, cut, cutFailed, restoring); the policy label is the tenant's policy.") {
            ([("policy", $0.policy.description), ("state", $0.state.description)], 1)
        },
        VLANFamily(name: "loopsentry_vlan_state_changed_timestamp_seconds", kind: .gauge,
                   help: "When the VLAN's incident state last changed, in seconds since 1970 (UTC).") {
            ([], UInt64(max(0, $0.lastChange.millisecondsSince1970 / 1000)))
        },
    ]

    /// The per-VNI families: the per-VLAN ones renamed (probes: those sent into the VNI by UDP to its VTEPs).
    static let vniFamilies: [VLANFamily] = vlanFamilies.map { f in
        VLANFamily(name: f.name.replacingOccurrences(of: "loopsentry_vlan_", with: "loopsentry_vni_"), kind: f.kind,
                   help: f.help.replacingOccurrences(of: "came back untagged or on another VLAN", with: "came back in another VNI")
                       .replacingOccurrences(of: "Tagged frames", with: "Inner frames")
                       .replacingOccurrences(of: "tagged frames", with: "inner frames")
                       .replacingOccurrences(of: "VLAN", with: "VNI"),
                   sample: f.sample)
    }

    static let processFamilies: [ProcessFamily] = [
        ProcessFamily(name: "loopsentry_uptime_seconds", kind: .gauge,
                      help: "Seconds since the daemon started.") { formatValue($0.uptimeSeconds) },
        ProcessFamily(name: "loopsentry_open_incidents", kind: .gauge,
                      help: "Incidents not yet closed (VLANs whose state is not normal).") { String($0.openIncidents) },
        ProcessFamily(name: "loopsentry_notifications_sent_total", kind: .counter,
                      help: "SNMP notifications handed to the master agent.") { String($0.notificationsSent) },
        ProcessFamily(name: "loopsentry_notifications_suppressed_total", kind: .counter,
                      help: "SNMP notifications refused by a rate limit.") { String($0.notificationsSuppressed) },
        ProcessFamily(name: "loopsentry_notifications_dropped_total", kind: .counter,
                      help: "SNMP notifications lost because the outage queue was full.") { String($0.notificationsDropped) },
        ProcessFamily(name: "loopsentry_syslog_dropped_total", kind: .counter,
                      help: "Syslog messages lost.") { String($0.syslogDropped) },
        ProcessFamily(name: "loopsentry_journal_writable", kind: .gauge,
                      help: "1 while the journal can be written; 0 while writes fail and no cut can start.") { $0.journalWritable ? "1" : "0" },
    ]

    // MARK: - Lines

    static func vlanLabels(_ row: VLANStatusRow) -> [(String, String)] {
        if let vni = row.vni { return [("interface", row.ifName), ("vni", vni.description), ("tenant", row.tenant)] }
        return [("interface", row.ifName), ("vlan", row.key.vlan.description), ("tenant", row.tenant)]
    }

    static func writeHeader(_ name: String, _ kind: Kind, _ help: String, to out: inout String) {
        out += "# HELP \(name) \(escapeHelp(help))\n# TYPE \(name) \(kind.rawValue)\n"
    }

    static func writeSample(_ name: String, labels: [(String, String)], value: String, to out: inout String) {
        out += name
        if !labels.isEmpty {
            out += "{"
            out += labels.map { "\($0.0)=\"\(escapeLabelValue($0.1))\"" }.joined(separator: ",")
            out += "}"
        }
        out += " \(value)\n"
    }
}
