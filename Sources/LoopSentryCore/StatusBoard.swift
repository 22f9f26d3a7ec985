/// The per-VLAN status rows the NOC sees (SNMP table, `loopsentry status`), kept current from
/// sensor polls and incident transitions. Pure: the daemon passes in polls, states and times.
/// A row exists for every VLAN that carried traffic, belongs to a tenant, or had an incident.
public struct StatusBoard: Sendable {
    public struct InterfaceInfo: Sendable {
        public var name: String
        public var ifIndex: Int32
        public init(name: String, ifIndex: Int32) { self.name = name; self.ifIndex = ifIndex }
    }

    public private(set) var rows: [VLANStatusKey: VLANStatusRow] = [:]
    private var interfaces: [String: Int32] = [:]
    private let thresholds: @Sendable (String, VLANID) -> (rising: Double, falling: Double)
    private let tenant: @Sendable (String, VLANID) -> (name: String, policy: RemediationPolicy)?

    /// `thresholds` and `tenant` answer for an (interface, VLAN); rows start `normal` at `now`.
    public init(interfaces: [InterfaceInfo], tenantVLANs: [(String, VLANID)], now: UTCTimestamp,
                thresholds: @escaping @Sendable (String, VLANID) -> (rising: Double, falling: Double),
                tenant: @escaping @Sendable (String, VLANID) -> (name: String, policy: RemediationPolicy)?) {
        self.thresholds = thresholds
        self.tenant = tenant
        for i in interfaces { self.interfaces[i.name] = i.ifIndex }
        for (ifName, vlan) in tenantVLANs { _ = ensureRow(ifName, vlan, now) }
    }

    public func key(interface: String, vlan: VLANID) -> VLANStatusKey? {
        interfaces[interface].map { VLANStatusKey(ifIndex: $0, vlan: vlan) }
    }

    /// The interface name of an ifIndex.
    public func interfaceName(ifIndex: Int32) -> String? { interfaces.first { $0.value == ifIndex }?.key }

    /// An interface came back with a new ifindex: its rows move to the new index.
    public mutating func setIfIndex(interface: String, _ ifIndex: Int32) {
        guard let old = interfaces[interface], old != ifIndex else { return }
        interfaces[interface] = ifIndex
        for (k, row) in rows where k.ifIndex == old {
            rows[k] = nil
            var moved = row
            moved.key = VLANStatusKey(ifIndex: ifIndex, vlan: k.vlan)
            rows[moved.key] = moved
        }
    }

    /// Rows sorted by (ifIndex, VLAN): the SNMP table's order.
    public var sortedRows: [VLANStatusRow] { rows.values.sorted { $0.key < $1.key } }

    /// Updates counters, rates and returned probes of `interface` from one poll.
    public mutating func update(interface: String, rates: [VLANRate], probes: [VLANID: ProbeCounters], now: UTCTimestamp) {
        var seen: Set<VLANID> = []
        for r in rates where (1...4094).contains(r.vlan.value) {
            seen.insert(r.vlan)
            guard let k = ensureRow(interface, r.vlan, now) else { continue }
            rows[k]?.counters = r.totals
            rows[k]?.broadcastRate = VLANStatusRow.gauge(r.broadcastPerSecond)
            rows[k]?.multicastRate = VLANStatusRow.gauge(r.multicastPerSecond)
            rows[k]?.frameRate = VLANStatusRow.gauge(r.framesPerSecond)
        }
        for (vlan, p) in probes where (1...4094).contains(vlan.value) {
            if let k = ensureRow(interface, vlan, now) { rows[k]?.returnedProbes = p.returned }
        }
        // Rows of this interface absent from the poll had no traffic this interval.
        guard let ifIndex = interfaces[interface] else { return }
        for (k, _) in rows where k.ifIndex == ifIndex && !seen.contains(k.vlan) {
            rows[k]?.broadcastRate = 0
            rows[k]?.multicastRate = 0
            rows[k]?.frameRate = 0
        }
    }

    /// Records an incident state change.
    public mutating func setState(interface: String, vlan: VLANID, _ state: IncidentState, at now: UTCTimestamp) {
        guard let k = ensureRow(interface, vlan, now), rows[k]?.state != state else { return }
        rows[k]?.state = state
        rows[k]?.lastChange = now
    }

    /// Records an operator action's result on a row.
    public mutating func setAction(interface: String, vlan: VLANID, _ action: OperatorAction, author: String,
                                   result: String, at now: UTCTimestamp) {
        guard let k = ensureRow(interface, vlan, now) else { return }
        rows[k]?.lastAction = action
        rows[k]?.lastActionAuthor = author
        rows[k]?.lastActionResult = result
    }

    /// Records new thresholds for one row (an operator changed them).
    public mutating func setThresholds(interface: String, vlan: VLANID, rising: Double, falling: Double, at now: UTCTimestamp) {
        guard let k = ensureRow(interface, vlan, now) else { return }
        rows[k]?.risingThreshold = VLANStatusRow.gauge(rising)
        rows[k]?.fallingThreshold = VLANStatusRow.gauge(falling)
    }

    private mutating func ensureRow(_ interface: String, _ vlan: VLANID, _ now: UTCTimestamp) -> VLANStatusKey? {
        guard let ifIndex = interfaces[interface], (1...4094).contains(vlan.value) else { return nil }
        let k = VLANStatusKey(ifIndex: ifIndex, vlan: vlan)
        if rows[k] == nil {
            let t = thresholds(interface, vlan)
            let owner = tenant(interface, vlan)
            rows[k] = VLANStatusRow(key: k, ifName: interface, risingThreshold: VLANStatusRow.gauge(t.rising),
                                    fallingThreshold: VLANStatusRow.gauge(t.falling), tenant: owner?.name ?? "",
                                    policy: owner?.policy ?? .alarm, lastChange: now)
        }
        return k
    }
}
