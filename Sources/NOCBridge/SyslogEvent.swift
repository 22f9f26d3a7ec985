import LoopSentryCore

/// The kinds of event LoopSentry reports by syslog. Each has one stable MSGID (the raw value),
/// which collectors filter on, and a default severity. Keep them stable: NOC rules match them.
public enum SyslogEventKind: String, CaseIterable, Sendable {
    /// A VLAN's broadcast rate stayed above its rising threshold for the sustain time.
    case storm = "STORM"
    /// A probe sent on a VLAN came back: the VLAN loops.
    case loop = "LOOP"
    /// A cut is waiting for an operator to acknowledge it (tenant policy `ack`).
    case cutPending = "CUTPEND"
    /// The VLAN was removed from the trunk and the counters confirm the storm stopped.
    case cut = "CUT"
    /// The cut failed after its bounded retries; the storm may go on.
    case cutFailed = "CUTFAIL"
    /// The storm ended by itself before any cut.
    case cleared = "CLEAR"
    /// The VLAN was put back on the trunk after an operator's restore.
    case restored = "RESTORE"
    /// An operator action arrived (acknowledge, dismiss, restore) by SNMP SET or the CLI.
    case action = "ACTION"

    /// The MSGID written in the header.
    public var msgID: String { rawValue }

    /// The severity used unless the event overrides it.
    public var defaultSeverity: SyslogSeverity {
        switch self {
        case .storm, .cutPending: .warning
        case .loop: .error
        case .cutFailed: .critical
        case .cut, .cleared, .restored: .notice
        case .action: .informational
        }
    }

    /// The start of the human-readable MSG for an event about a VXLAN VNI (cut on the underlay).
    var vniSummary: String {
        switch self {
        case .cut: "VNI cut from underlay"
        case .cutFailed: "VNI cut failed"
        case .restored: "VNI restored to underlay"
        default: summary
        }
    }

    /// The start of the human-readable MSG.
    var summary: String {
        switch self {
        case .storm: "broadcast storm detected"
        case .loop: "loop confirmed by returned probe"
        case .cutPending: "cut pending operator acknowledgement"
        case .cut: "VLAN cut from trunk"
        case .cutFailed: "VLAN cut failed"
        case .cleared: "storm cleared"
        case .restored: "VLAN restored to trunk"
        case .action: "operator action"
        }
    }
}

/// One LoopSentry event as it goes to syslog: MSGID from `kind`, the fields as structured data
/// `[loopsentry@8072 ifname= vlan= tenant= rate= threshold= state= incident= sensor=]` (all eight
/// always present, in that order; empty when not applicable), then `vni=` for an event about a
/// VXLAN VNI (whose `vlan=` is empty), and a readable MSG.
public struct SyslogEvent: Hashable, Sendable {
    /// The VLAN of the event: one 802.1Q ID, or a QinQ pair written `outer.inner`.
    public enum VLAN: Hashable, Sendable, CustomStringConvertible {
        case single(VLANID)
        case qinq(VLANPair)
        public var description: String {
            switch self {
            case .single(let id): id.description
            case .qinq(let pair): pair.description
            }
        }
    }

    public var kind: SyslogEventKind
    /// The trunk interface name, e.g. `eth1`.
    public var interface: String
    public var vlan: VLAN?
    /// The VXLAN VNI of an event about a VNI segment (then `vlan` is nil).
    public var vni: VNI?
    public var tenant: String
    /// Broadcast rate in packets per second, written rounded to an integer.
    public var rate: Double?
    /// The threshold crossed, in packets per second, written rounded to an integer.
    public var threshold: Double?
    /// The incident state after the event (`normal`, `detected`, `pendingAck`, `cutting`, `cut`,
    /// `cutFailed`, `restoring`).
    public var state: String
    /// The incident identifier, as journaled.
    public var incident: String
    /// Extra text appended to MSG (who acted, the error of a failed cut, ...).
    public var detail: String?
    /// Overrides `kind.defaultSeverity` when set.
    public var severity: SyslogSeverity?
    /// The name of the sensor that saw it (`sensor.name`), set by the sink.
    public var sensor: String = ""

    public init(kind: SyslogEventKind, interface: String, vlan: VLAN?, tenant: String = "",
                rate: Double? = nil, threshold: Double? = nil, state: String = "", incident: String = "",
                detail: String? = nil, severity: SyslogSeverity? = nil) {
        self.kind = kind
        self.interface = interface
        self.vlan = vlan
        self.tenant = tenant
        self.rate = rate
        self.threshold = threshold
        self.state = state
        self.incident = incident
        self.detail = detail
        self.severity = severity
    }

    /// The `loopsentry@<PEN>` element with the event's eight fields, and `vni` for a VNI event.
    public var structuredDataElement: SyslogSDElement {
        // The names are constants that satisfy the SD-NAME rule, so this cannot fail.
        var element = try! SyslogSDElement(id: Syslog.eventSDID, [
            "ifname": interface, "vlan": vlan?.description ?? "", "tenant": tenant,
            "rate": Self.pps(rate), "threshold": Self.pps(threshold), "state": state,
            "incident": incident, "sensor": sensor,
        ])
        if let vni { element.parameters.append(try! SyslogSDParameter(name: "vni", value: vni.description)) }
        return element
    }

    /// The readable MSG, e.g. `broadcast storm detected on eth1 VLAN 20 tenant acme: 15000 pps
    /// (threshold 1000 pps)`.
    public var text: String {
        var text = (vni == nil ? kind.summary : kind.vniSummary) + " on " + (interface.isEmpty ? "?" : interface)
        if let vlan { text += " VLAN \(vlan)" }
        if let vni { text += " VNI \(vni)" }
        if !tenant.isEmpty { text += " tenant \(tenant)" }
        if let rate = Self.ppsOrNil(rate) {
            text += ": \(rate) pps"
            if let threshold = Self.ppsOrNil(threshold) { text += " (threshold \(threshold) pps)" }
        }
        if !state.isEmpty { text += ", state \(state)" }
        if let detail, !detail.isEmpty { text += " - " + detail }
        return text
    }

    /// The complete RFC 5424 message for this event.
    public func message(timestamp: SyslogTimestamp?, hostname: String, procID: String,
                        facility: SyslogFacility = .daemon) -> SyslogMessage {
        SyslogMessage(priority: SyslogPriority(facility: facility, severity: severity ?? kind.defaultSeverity),
                      timestamp: timestamp, hostname: hostname, appName: Syslog.appName, procID: procID,
                      msgID: kind.msgID, structuredData: [structuredDataElement], body: .utf8(text))
    }

    private static func ppsOrNil(_ value: Double?) -> String? {
        guard let value, value.isFinite else { return nil }
        return String(Int64(max(min(value.rounded(), 9.2e18), -9.2e18)))
    }

    private static func pps(_ value: Double?) -> String { ppsOrNil(value) ?? "" }
}
