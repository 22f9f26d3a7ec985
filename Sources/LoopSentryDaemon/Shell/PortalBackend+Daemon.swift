import Foundation
import LoopSentryConfig
import LoopSentryCore
import Portal
import Remediate

/// The portal's view of the daemon: VLAN and VNI owners from the configuration, incidents from a
/// read-only journal connection, actions through the inbox to the main loop.
struct DaemonPortalBackend: PortalBackend {
    let config: Configuration
    let journal: JournalQueries
    let inbox: Inbox

    var sensor: String { config.sensor.effectiveName }

    func owner(interface: String, vlan: Int) -> VLANOwner {
        guard config.interfaces.contains(where: { $0.name == interface }) else { return .notWatched }
        guard let id = VLANID(vlan), let t = config.tenant(interface: interface, vlan: id) else { return .nobody }
        return .tenant(t.name)
    }

    func owner(interface: String, vni: Int) -> VLANOwner {
        guard config.interfaces.contains(where: { $0.name == interface }) else { return .notWatched }
        guard let n = VNI(vni), let t = config.tenants.first(where: { $0.owns(DetectionKey(interface: interface, vni: n)) }) else {
            return .nobody
        }
        return .tenant(t.name)
    }

    func openIncidents() throws -> [PortalIncident] {
        try journal.openIncidents().map(Self.portal)
    }

    func incidents(tenant: String?, limit: Int) throws -> [PortalIncident] {
        try journal.incidents(tenant: tenant, limit: limit).map(Self.portal)
    }

    func incident(id: UInt64) throws -> PortalIncident? {
        guard let found = try journal.incident(id: id) else { return nil }
        var p = Self.portal(found)
        p.transitions = try journal.transitions(incident: id).map {
            PortalIncident.Transition(at: PortalTime.text($0.at), from: $0.from, to: $0.to, cause: $0.cause, detail: $0.detail)
        }
        p.actions = try journal.actions(incident: id).map {
            PortalIncident.Action(at: PortalTime.text($0.at), action: $0.action, author: $0.author, via: $0.via,
                                  accepted: $0.accepted, result: $0.result)
        }
        return p
    }

    func ask(_ command: OperatorCommand) -> ControlResponse? {
        inbox.ask(timeout: 5) { .command(command, reply: $0) }
    }

    /// A journal row as the API shows it; a pending ack's deadline comes from its snapshot.
    static func portal(_ i: JournalIncident) -> PortalIncident {
        var deadline: String?
        if i.closedAt == nil, let data = i.snapshot, let s = try? JSONDecoder().decode(IncidentSnapshot.self, from: data),
           case let .pendingAck(_, millis?) = s.phase {
            deadline = PortalTime.text(millis: millis)
        }
        return PortalIncident(id: i.id, interface: i.interface, vlan: i.vlan, tenant: i.tenant, policy: i.policy, state: i.state,
                              openedAt: PortalTime.text(i.openedAt), closedAt: i.closedAt.map(PortalTime.text), ackDeadline: deadline,
                              vni: i.vni)
    }
}
