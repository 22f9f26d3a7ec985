/// One line of the daemon's event log (`loopsentry run` writes one JSON object per line on
/// stdout; journald keeps it under systemd). Tests, the lab demo and operators' tools decode it
/// with this type: every field but `event`, `time` and `monotonic_ns` is optional.
public struct EventRecord: Codable, Equatable, Sendable {
    /// What happened, e.g. `stormDetected`, `transition`, `notification`, `cutStarted`.
    public var event: String
    /// Wall-clock time, RFC 3339 with milliseconds (filled by the shell as it writes the line).
    public var time: String
    /// CLOCK_MONOTONIC nanoseconds when it happened: comparable across processes on one host.
    public var monotonicNanos: UInt64
    public var interface: String?
    public var vlan: Int?
    /// The VXLAN VNI, for a VNI segment (then `vlan` is absent).
    public var vni: Int?
    public var tenant: String?
    /// The incident state after the event (`transition`, `notification`).
    public var state: String?
    public var incident: UInt64?
    /// The event's own rate and the threshold it is compared with, frames per second.
    public var rate: Double?
    public var threshold: Double?
    /// For `notification`: the LOOPSENTRY-MIB notification (`stormDetected`, `cutApplied`, ...).
    public var notification: String?
    /// For a storm: which rate crossed (`broadcast`, `multicast`).
    public var storm: String?
    /// For `transition`: the state before.
    public var from: String?
    /// The result or reason in words.
    public var detail: String?
    /// Who caused it (`operatorAction`, `notification`, `thresholds`).
    public var author: String?
    /// The name of the sensor that wrote the line (`sensor.name`; filled by the shell).
    public var sensor: String?

    enum CodingKeys: String, CodingKey {
        case event, time, interface, vlan, vni, tenant, state, incident, rate, threshold, notification, storm, from, detail, author, sensor
        case monotonicNanos = "monotonic_ns"
    }

    public init(_ event: String, at monotonicNanos: UInt64, time: String = "", interface: String? = nil, vlan: Int? = nil,
                tenant: String? = nil, state: String? = nil, incident: UInt64? = nil, rate: Double? = nil,
                threshold: Double? = nil, notification: String? = nil, storm: String? = nil, from: String? = nil,
                detail: String? = nil, author: String? = nil) {
        self.event = event
        self.time = time
        self.monotonicNanos = monotonicNanos
        self.interface = interface
        self.vlan = vlan
        self.tenant = tenant
        self.state = state
        self.incident = incident
        self.rate = rate
        self.threshold = threshold
        self.notification = notification
        self.storm = storm
        self.from = from
        self.detail = detail
        self.author = author
    }

    /// A record about one (interface, segment): `vlan` for a VLAN or QinQ key (its outer VLAN), `vni` for a VNI.
    public init(_ event: String, key: DetectionKey, at monotonicNanos: UInt64, tenant: String? = nil, state: String? = nil,
                incident: UInt64? = nil, rate: Double? = nil, threshold: Double? = nil, detail: String? = nil,
                author: String? = nil) {
        self.init(event, at: monotonicNanos, interface: key.interface, vlan: key.outer.map { Int($0.value) }, tenant: tenant,
                  state: state, incident: incident, rate: rate, threshold: threshold, detail: detail, author: author)
        vni = key.vni.map { Int($0.value) }
    }
}
