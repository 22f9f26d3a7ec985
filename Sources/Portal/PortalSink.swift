import Foundation
import LoopSentryCore
import NOCBridge

/// The portal as a NOC sink: keeps the rows the main loop last published (for
/// `/api/v1/vlans` and `/api/v1/vnis`) and turns each publish and notification into Server-Sent
/// Events for the subscribers of `/api/v1/events`, each seeing only its own tenant's VLANs and VNIs.
public final class PortalSink: NOCSink, @unchecked Sendable {
    public let name = "portal"
    private let lock = NSLock()
    private var rows: [VLANStatusRow] = []
    private var subscribers: [UUID: (caller: Caller, continuation: AsyncStream<String>.Continuation)] = [:]
    private var closed = false

    public init() {}

    /// The rows last published.
    public var currentRows: [VLANStatusRow] { lock.withLock { rows } }

    /// A stream of SSE frames for `caller`, ended by `close()` or when the consumer stops.
    func subscribe(_ caller: Caller) -> AsyncStream<String> {
        let (stream, continuation) = AsyncStream.makeStream(of: String.self, bufferingPolicy: .bufferingNewest(64))
        let id = UUID()
        let accepted = lock.withLock {
            guard !closed else { return false }
            subscribers[id] = (caller, continuation)
            return true
        }
        guard accepted else {
            continuation.finish()
            return stream
        }
        continuation.onTermination = { [weak self] _ in
            guard let self else { return }
            _ = self.lock.withLock { self.subscribers.removeValue(forKey: id) }
        }
        return stream
    }

    /// How many event streams are open.
    public var subscriberCount: Int { lock.withLock { subscribers.count } }

    public func publish(_ new: [VLANStatusRow]) {
        let (old, targets) = lock.withLock {
            defer { rows = new }
            return (rows, Array(subscribers.values))
        }
        guard !targets.isEmpty else { return }
        // A VNI row's key holds VLAN 0: rows are told apart by (interface, segment).
        func id(_ row: VLANStatusRow) -> DetectionKey { DetectionKey(interface: row.ifName, segment: row.segment) }
        let before = Dictionary(old.map { (id($0), $0.state) }, uniquingKeysWith: { a, _ in a })
        let changes = new.filter { row in before[id(row)].map { $0 != row.state } ?? (row.state != .normal) }
        let now = PortalTime.text(Date())
        for (caller, continuation) in targets {
            for row in changes where caller.sees(row.tenant) {
                continuation.yield(PortalEvents.frame("state", PortalEvents.StateChange(
                    at: now, interface: row.ifName, vlan: row.vni == nil ? Int(row.key.vlan.value) : nil, vni: row.vni.map { Int($0.value) },
                    tenant: row.tenant, from: before[id(row)]?.description ?? "normal", to: row.state.description)))
            }
            let visible = new.filter { caller.sees($0.tenant) }
            let vnis = visible.filter { $0.vni != nil }.map(PortalEvents.Rate.init)
            continuation.yield(PortalEvents.frame("rates", PortalEvents.Rates(
                at: now, vlans: visible.filter { $0.vni == nil }.map(PortalEvents.Rate.init), vnis: vnis.isEmpty ? nil : vnis)))
        }
    }

    public func notify(_ notification: NOCNotification, incident: UInt64?, detail: String) {
        let targets = lock.withLock { Array(subscribers.values) }
        let event = PortalEvents.Notification(at: PortalTime.text(Date()), kind: "\(notification.kind)", interface: notification.ifName,
                                              vlan: notification.vni == nil ? Int(notification.key.vlan.value) : nil,
                                              vni: notification.vni.map { Int($0.value) }, tenant: notification.tenant,
                                              state: notification.state.description, incident: incident)
        for (caller, continuation) in targets where caller.sees(notification.tenant) {
            continuation.yield(PortalEvents.frame("notification", event))
        }
    }

    /// Ends every event stream; later subscriptions end at once.
    public func close() {
        let targets = lock.withLock {
            closed = true
            defer { subscribers.removeAll() }
            return Array(subscribers.values)
        }
        for t in targets { t.continuation.finish() }
    }
}

/// The events of `/api/v1/events` and their SSE framing.
enum PortalEvents {
    /// A VLAN's (or VNI's: `vni` instead of `vlan`) incident state changed.
    struct StateChange: Codable, Equatable {
        var at: String
        var interface: String
        var vlan: Int?
        var vni: Int?
        var tenant: String
        var from: String
        var to: String
    }

    /// Every publish (about twice a second): the caller's VLANs and their rates, and its VNIs
    /// (absent when it has none).
    struct Rates: Codable, Equatable {
        var at: String
        var vlans: [Rate]
        var vnis: [Rate]?
    }

    struct Rate: Codable, Equatable {
        var interface: String
        var vlan: Int?
        var vni: Int?
        var state: String
        var rates: PortalVLAN.Rates

        init(_ row: VLANStatusRow) {
            interface = row.ifName
            if let n = row.vni { vni = Int(n.value) } else { vlan = Int(row.key.vlan.value) }
            state = row.state.description
            rates = PortalVLAN.Rates(row)
        }
    }

    /// A notification the NOC also got (SNMP, syslog); `vni` instead of `vlan` for a VNI's.
    struct Notification: Codable, Equatable {
        var at: String
        var kind: String
        var interface: String
        var vlan: Int?
        var vni: Int?
        var tenant: String
        var state: String
        var incident: UInt64?
    }

    /// `event: NAME\ndata: JSON\n\n`.
    static func frame(_ name: String, _ value: some Encodable) -> String {
        let json = (try? PortalTime.encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        return "event: \(name)\ndata: \(json)\n\n"
    }
}
