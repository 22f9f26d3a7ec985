import LoopSentryCore

/// What the portal needs from the daemon: who owns a VLAN or VNI, the journal's incidents, and the
/// main loop for actions. Calls may block (a journal read, the loop's answer); the server makes
/// them off its event loops.
public protocol PortalBackend: Sendable {
    /// This sensor's name in the fleet (`sensor.name`), in `/api/v1/vlans`.
    var sensor: String { get }
    /// Who owns `vlan` on `interface` by the configuration.
    func owner(interface: String, vlan: Int) -> VLANOwner
    /// Who owns VXLAN VNI `vni` on underlay `interface` by the configuration.
    func owner(interface: String, vni: Int) -> VLANOwner
    /// The open incident of each (interface, VLAN) or (interface, VNI) that has one, with its ack deadline.
    func openIncidents() throws -> [PortalIncident]
    /// The newest `limit` incidents of `tenant` (all when nil), newest first, without history.
    func incidents(tenant: String?, limit: Int) throws -> [PortalIncident]
    /// One incident with its transitions and actions, nil when there is none with `id`.
    func incident(id: UInt64) throws -> PortalIncident?
    /// Hands `command` to the main loop; nil when it did not answer in time.
    func ask(_ command: OperatorCommand) -> ControlResponse?
}

/// Whose a (interface, VLAN) or (interface, VNI) is.
public enum VLANOwner: Equatable, Sendable {
    /// The interface is not watched by this daemon.
    case notWatched
    /// Watched, but no tenant has the VLAN (or VNI).
    case nobody
    case tenant(String)

    /// The tenant's name, "" for none.
    public var name: String {
        if case let .tenant(n) = self { return n }
        return ""
    }
}
