/// A change an operator asked for on one (interface, VLAN) or (interface, VNI), already checked
/// against the state it was asked in (the action fits the incident state, thresholds are consistent).
public struct OperatorRequest: Equatable, Sendable {
    public enum Change: Equatable, Sendable {
        /// Acknowledge the cut, dismiss or restore.
        case action(OperatorAction)
        /// New rising and falling thresholds (broadcast frames per second), falling ≤ rising.
        case thresholds(rising: UInt32, falling: UInt32)
    }

    /// The row's key; for a VNI row it holds the ifIndex and VLAN 0, as the row does.
    public var key: VLANStatusKey
    /// The VXLAN VNI of a `loopSentryVniTable` row; nil for a VLAN row.
    public var vni: VNI?
    public var change: Change
    /// Who asked: the name the operator gave, or "snmp" / "cli" when none was given.
    public var author: String

    public init(key: VLANStatusKey, change: Change, author: String) {
        self.key = key
        self.change = change
        self.author = author
    }

    /// A request about VNI `vni` on the interface with `ifIndex`.
    public init(ifIndex: Int32, vni: VNI, change: Change, author: String) {
        self.init(key: VLANStatusKey(ifIndex: ifIndex, vlan: VLANID(masking: 0)), change: change, author: author)
        self.vni = vni
    }
}

/// What became of a request, as shown to the operator (loopSentryVlanActionResult).
public struct OperatorActionResult: Equatable, Sendable {
    public var accepted: Bool
    public var message: String

    public init(accepted: Bool, message: String) {
        self.accepted = accepted
        self.message = message
    }
}

/// Carries out operator requests. Remediate implements it; NOCBridge (SNMP SET) and the
/// control socket call it exactly once per accepted request.
///
/// `handle` is called on the caller's thread (for SNMP, the subagent's only thread, while the
/// master agent waits for the answer): start the work and return at once.
public protocol OperatorActionHandler: AnyObject, Sendable {
    func handle(_ request: OperatorRequest) -> OperatorActionResult
}
