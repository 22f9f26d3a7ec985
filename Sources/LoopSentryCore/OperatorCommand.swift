/// One operator request, from the control socket, an SNMP SET or the API.
public enum OperatorCommand: Equatable, Sendable {
    /// acknowledgeCut, dismiss or restore on (interface, VLAN).
    case action(OperatorAction, interface: String, vlan: Int, author: String, via: String)
    /// acknowledgeCut, dismiss or restore on (interface, VXLAN VNI).
    case vniAction(OperatorAction, interface: String, vni: Int, author: String, via: String)
    /// New broadcast thresholds for one VLAN (not written to the file).
    case thresholds(interface: String, vlan: VLANID, rising: Double, falling: Double, author: String, via: String)
    /// New broadcast thresholds for one VXLAN VNI (not written to the file).
    case vniThresholds(interface: String, vni: VNI, rising: Double, falling: Double, author: String, via: String)
}

/// An operator's action as the syslog `ACTION` message reports it.
public struct OperatorActionNotice: Equatable, Sendable {
    public var action: OperatorAction
    public var key: DetectionKey
    public var tenant: String
    public var state: IncidentState
    public var incident: UInt64?
    public var author: String
    public var result: String

    public init(action: OperatorAction, key: DetectionKey, tenant: String, state: IncidentState, incident: UInt64?,
                author: String, result: String) {
        self.action = action
        self.key = key
        self.tenant = tenant
        self.state = state
        self.incident = incident
        self.author = author
        self.result = result
    }
}

