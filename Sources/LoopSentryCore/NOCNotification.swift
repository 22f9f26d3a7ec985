/// The incident events a NOC is told about (SNMP notifications, syslog MSGIDs).
/// Raw values are the arcs under LOOPSENTRY-MIB's `loopSentryNotifications` (0).
public enum NOCNotificationKind: Int, CaseIterable, Sendable, CustomStringConvertible {
    case stormDetected = 1
    case loopConfirmed = 2
    case cutPending = 3
    case cutApplied = 4
    case cutFailed = 5
    case stormCleared = 6
    case vlanRestored = 7

    public var description: String {
        switch self {
        case .stormDetected: "stormDetected"
        case .loopConfirmed: "loopConfirmed"
        case .cutPending: "cutPending"
        case .cutApplied: "cutApplied"
        case .cutFailed: "cutFailed"
        case .stormCleared: "stormCleared"
        case .vlanRestored: "vlanRestored"
        }
    }
}

/// One event to tell the NOC about, with the values as they were when it happened
/// (a notification queued during an outage carries these, not later values).
public struct NOCNotification: Equatable, Sendable {
    public var kind: NOCNotificationKind
    public var key: VLANStatusKey
    public var ifName: String
    public var tenant: String
    /// Broadcast frames per second when the event happened.
    public var broadcastRate: UInt32
    public var risingThreshold: UInt32
    /// The incident state the event left the VLAN in.
    public var state: IncidentState
    /// Returned probes so far (sent with `loopConfirmed`).
    public var returnedProbes: UInt64
    /// Who caused a cut or restore ("auto", an operator's name; sent with `cutApplied`, `vlanRestored`).
    public var actionAuthor: String
    /// Why a cut failed, in words (sent with `cutFailed`).
    public var actionResult: String
    /// Which rate crossed its threshold, for `stormDetected` (broadcast for every other kind).
    public var storm: StormKind = .broadcast
    /// Multicast frames per second and the multicast rising threshold when `storm` is multicast:
    /// the event's own figures (SNMP appends loopSentryVlanMulticastRate; syslog reports these).
    public var multicastRate: UInt32 = 0
    public var multicastThreshold: UInt32 = 0
    /// The VNI of a notification about a VXLAN segment (its `key` holds VLAN 0; SNMP sends it as a
    /// `loopSentryVni*` notification whose instances are `.ifIndex.vni`).
    public var vni: VNI?

    public init(kind: NOCNotificationKind, key: VLANStatusKey, ifName: String, tenant: String,
                broadcastRate: UInt32, risingThreshold: UInt32, state: IncidentState,
                returnedProbes: UInt64 = 0, actionAuthor: String = "", actionResult: String = "") {
        self.kind = kind
        self.key = key
        self.ifName = ifName
        self.tenant = tenant
        self.broadcastRate = broadcastRate
        self.risingThreshold = risingThreshold
        self.state = state
        self.returnedProbes = returnedProbes
        self.actionAuthor = actionAuthor
        self.actionResult = actionResult
    }

    /// The event `kind` about `row`, with the row's current values.
    public init(kind: NOCNotificationKind, row: VLANStatusRow) {
        self.init(kind: kind, key: row.key, ifName: row.ifName, tenant: row.tenant,
                  broadcastRate: row.broadcastRate, risingThreshold: row.risingThreshold,
                  state: row.state, returnedProbes: row.returnedProbes,
                  actionAuthor: row.lastActionAuthor, actionResult: row.lastActionResult)
        vni = row.vni
    }
}
