/// The per-VLAN status rows the NOC sees (SNMP table, `loopsentry status`, /metrics), kept
/// current from sensor polls and incident transitions. Pure: the daemon passes in polls, states
/// and times. A row exists for every VLAN that carried traffic, belongs to a tenant, or had an
/// incident. Rows are addressed by (interface, VLAN); the ifIndex is filled in only for the
/// MIB's table index.
public struct StatusBoard: Sendable {
    /// What a new row shows before any poll: thresholds and owner.
    public struct RowPolicy: Equatable, Sendable {
        public var rising: Double
        public var falling: Double
        public var tenant: String
        public var policy: RemediationPolicy
        public init(rising: Double, falling: Double, tenant: String, policy: RemediationPolicy) {
            self.rising = rising
            self.falling = falling
            self.tenant = tenant
            self.policy = policy
        }
    }

    private var rows: [DetectionKey: VLANStatusRow] = [:]
    private var interfaces: [String: Int32] = [:]
    /// Thresholds and owner of a row as it is created.
    public var policy: @Sendable (DetectionKey) -> RowPolicy

    /// `interfaces` maps each watched interface to its ifindex; `keys` get rows at once
    /// (the tenants' VLANs); rows start `normal` at `now`.
    public init(interfaces: [String: Int32], keys: [DetectionKey], now: UTCTimestamp,
                policy: @escaping @Sendable (DetectionKey) -> RowPolicy) {
        self.policy = policy
        self.interfaces = interfaces
        for k in keys { _ = ensureRow(k, now) }
    }

    /// The row of (interface, VLAN), if it exists.
    public func row(_ key: DetectionKey) -> VLANStatusRow? { rows[plain(key)] }

    /// Rows sorted by (ifIndex, segment): the SNMP table's order for VLAN rows, VNI rows after them.
    public var sortedRows: [VLANStatusRow] { rows.values.sorted(by: VLANStatusRow.ordered) }

    /// True when `interface` is one of the board's.
    public func watches(_ interface: String) -> Bool { interfaces[interface] != nil }

    /// An interface came back with a new ifindex: its rows get the new table index.
    public mutating func setIfIndex(interface: String, _ ifIndex: Int32) {
        guard interfaces[interface] != nil, interfaces[interface] != ifIndex else { return }
        interfaces[interface] = ifIndex
        for (k, row) in rows where k.interface == interface {
            rows[k]?.key = VLANStatusKey(ifIndex: ifIndex, vlan: row.key.vlan)
        }
    }

    /// Updates counters, rates and returned probes of `interface` from one poll.
    public mutating func update(interface: String, rates: [VLANRate], probes: [VLANID: ProbeCounters], now: UTCTimestamp) {
        setRates(interface: interface, rates, now: now, key: { DetectionKey(interface: interface, vlan: $0) }, of: { $0.vni == nil })
        for (vlan, p) in probes {
            let k = DetectionKey(interface: interface, vlan: vlan)
            if ensureRow(k, now) {
                rows[k]?.returnedProbes = p.returned
                rows[k]?.leakedProbes = p.leaked
            }
        }
    }

    /// Updates counters, rates and returned VNI probes of `interface`'s VXLAN VNIs from one poll;
    /// VNI rows absent from `vniRates` had no traffic this interval.
    public mutating func update(interface: String, vniRates: [VNIRate], vniProbes: [VNI: ProbeCounters] = [:], now: UTCTimestamp) {
        setRates(interface: interface, vniRates, now: now, key: { DetectionKey(interface: interface, vni: $0) }, of: { $0.vni != nil })
        for (vni, p) in vniProbes where p.returned > 0 || p.leaked > 0 {
            let k = DetectionKey(interface: interface, vni: vni)
            if ensureRow(k, now) {
                rows[k]?.returnedProbes = p.returned
                rows[k]?.leakedProbes = p.leaked
            }
        }
    }

    /// Counters and rates of one kind of segment on `interface`; the rows of that kind (`of`)
    /// absent from the poll had no traffic this interval.
    private mutating func setRates<K>(interface: String, _ rates: [SegmentRate<K>], now: UTCTimestamp,
                                      key: (K) -> DetectionKey, of kind: (DetectionKey) -> Bool) {
        var seen: Set<DetectionKey> = []
        for r in rates {
            let k = key(r.key)
            guard ensureRow(k, now) else { continue }
            seen.insert(k)
            rows[k]?.counters = r.totals
            rows[k]?.broadcastRate = VLANStatusRow.gauge(r.broadcastPerSecond)
            rows[k]?.multicastRate = VLANStatusRow.gauge(r.multicastPerSecond)
            rows[k]?.frameRate = VLANStatusRow.gauge(r.framesPerSecond)
        }
        for (k, _) in rows where k.interface == interface && kind(k) && !seen.contains(k) {
            rows[k]?.broadcastRate = 0
            rows[k]?.multicastRate = 0
            rows[k]?.frameRate = 0
        }
    }

    /// Records an incident state change.
    public mutating func setState(_ key: DetectionKey, _ state: IncidentState, at now: UTCTimestamp) {
        let k = plain(key)
        guard ensureRow(k, now), rows[k]?.state != state else { return }
        rows[k]?.state = state
        rows[k]?.lastChange = now
    }

    /// Records an operator action's result on a row.
    public mutating func setAction(_ key: DetectionKey, _ action: OperatorAction, author: String, result: String,
                                   at now: UTCTimestamp) {
        let k = plain(key)
        guard ensureRow(k, now) else { return }
        rows[k]?.lastAction = action
        rows[k]?.lastActionAuthor = author
        rows[k]?.lastActionResult = result
    }

    /// Records new thresholds for one row (an operator changed them).
    public mutating func setThresholds(_ key: DetectionKey, rising: Double, falling: Double, at now: UTCTimestamp) {
        let k = plain(key)
        guard ensureRow(k, now) else { return }
        rows[k]?.risingThreshold = VLANStatusRow.gauge(rising)
        rows[k]?.fallingThreshold = VLANStatusRow.gauge(falling)
    }

    /// The row key of a (possibly QinQ) key: rows are per outer VLAN.
    private func plain(_ key: DetectionKey) -> DetectionKey { key.rowKey }

    /// Makes the row of `key` if the interface is watched and the VLAN can be a table row, or the
    /// key is a VNI (its row holds VLAN 0: never a table index).
    private mutating func ensureRow(_ key: DetectionKey, _ now: UTCTimestamp) -> Bool {
        guard let ifIndex = interfaces[key.interface] else { return false }
        let vlan: VLANID
        if key.vni != nil {
            vlan = VLANID(masking: 0)
        } else {
            guard let v = key.outer, VLANID.validRange.contains(Int(v.value)) else { return false }
            vlan = v
        }
        if rows[key] == nil {
            let p = policy(key)
            rows[key] = VLANStatusRow(key: VLANStatusKey(ifIndex: ifIndex, vlan: vlan), ifName: key.interface,
                                      risingThreshold: VLANStatusRow.gauge(p.rising), fallingThreshold: VLANStatusRow.gauge(p.falling),
                                      tenant: p.tenant, policy: p.policy, lastChange: now)
            rows[key]?.vni = key.vni
        }
        return true
    }
}
