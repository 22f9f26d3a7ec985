import Foundation
import LoopSentryCore

/// The JSON body of a webhook: one notification about a tenant's VLAN, with the event's own
/// figures (the same values SNMP and syslog report). `sensor` (the probe id) and `sensor_name`
/// (`sensor.name`, which sensor of a fleet saw it) are omitted when nil.
public struct WebhookPayload: Codable, Equatable, Sendable {
    /// The delivery's id (also the `LoopSentry-Delivery` header).
    public var id: String
    public var sensor: Int?
    public var sensorName: String?
    public var tenant: String
    public var interface: String
    public var vlan: Int
    /// The VXLAN VNI of a notification about a VNI (then `vlan` is 0); omitted for a VLAN.
    public var vni: Int?
    /// The LOOPSENTRY-MIB notification: `stormDetected`, `cutApplied`, ...
    public var notification: String
    /// The incident state the event left the VLAN in.
    public var state: String
    public var incident: UInt64?
    /// Frames per second when it happened, and the rising threshold it is compared with
    /// (multicast figures for a multicast `stormDetected`).
    public var rate: Double
    public var threshold: Double
    /// Who caused a cut or restore ("auto", an operator), or "".
    public var author: String
    /// Why, in words, or "".
    public var detail: String
    /// When the notification was made, RFC 3339 UTC with milliseconds.
    public var time: String

    enum CodingKeys: String, CodingKey {
        case id, sensor, tenant, interface, vlan, vni, notification, state, incident, rate, threshold, author, detail, time
        case sensorName = "sensor_name"
    }

    public init(id: String, sensor: Int?, sensorName: String? = nil, notification n: NOCNotification, incident: UInt64?,
                detail: String, time: Date) {
        let multicast = n.kind == .stormDetected && n.storm == .multicast
        self.id = id
        self.sensor = sensor
        self.sensorName = sensorName
        tenant = n.tenant
        interface = n.ifName
        vlan = Int(n.key.vlan.value)
        vni = n.vni.map { Int($0.value) }
        notification = n.kind.description
        state = n.state.description
        self.incident = incident
        rate = Double(multicast ? n.multicastRate : n.broadcastRate)
        threshold = Double(multicast ? n.multicastThreshold : n.risingThreshold)
        author = n.actionAuthor
        self.detail = [n.actionResult, detail].filter { !$0.isEmpty }.joined(separator: "; ")
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        self.time = f.string(from: time)
    }

    /// The body as sent: compact JSON with sorted keys.
    public func json() -> String {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding a struct of strings and numbers cannot fail.
        return String(decoding: (try? e.encode(self)) ?? Data("{}".utf8), as: UTF8.self)
    }
}
