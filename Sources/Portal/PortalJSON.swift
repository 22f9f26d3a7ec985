import Foundation
import LoopSentryCore

/// An incident as the API shows it; `transitions` and `actions` only in `/api/v1/incidents/{id}`.
/// A VXLAN VNI's incident has `vni` set and `vlan` 0, as the journal keeps it.
public struct PortalIncident: Codable, Equatable, Sendable {
    public var id: UInt64
    public var interface: String
    public var vlan: Int
    public var vni: Int?
    public var tenant: String
    public var policy: String
    public var state: String
    public var openedAt: String
    public var closedAt: String?
    /// When a pending cut is carried out without an acknowledgement (policy ack, `on_deadline: cut`).
    public var ackDeadline: String?
    public var transitions: [Transition]?
    public var actions: [Action]?

    public struct Transition: Codable, Equatable, Sendable {
        public var at: String
        public var from: String
        public var to: String
        public var cause: String
        public var detail: String
        public init(at: String, from: String, to: String, cause: String, detail: String) {
            self.at = at; self.from = from; self.to = to; self.cause = cause; self.detail = detail
        }
    }

    public struct Action: Codable, Equatable, Sendable {
        public var at: String
        public var action: String
        public var author: String
        public var via: String
        public var accepted: Bool
        public var result: String
        public init(at: String, action: String, author: String, via: String, accepted: Bool, result: String) {
            self.at = at; self.action = action; self.author = author; self.via = via; self.accepted = accepted; self.result = result
        }
    }

    public init(id: UInt64, interface: String, vlan: Int, tenant: String, policy: String, state: String, openedAt: String,
                closedAt: String? = nil, ackDeadline: String? = nil, transitions: [Transition]? = nil, actions: [Action]? = nil,
                vni: Int? = nil) {
        self.id = id; self.interface = interface; self.vlan = vlan; self.tenant = tenant; self.policy = policy
        self.state = state; self.openedAt = openedAt; self.closedAt = closedAt; self.ackDeadline = ackDeadline
        self.transitions = transitions; self.actions = actions; self.vni = vni
    }
}

/// `/api/v1/vlans`: the sensor that answers (one portal per sensor) and the caller's rows.
struct PortalVLANList: Codable, Equatable, Sendable {
    var sensor: String
    var vlans: [PortalVLAN]
}

/// `/api/v1/vnis`: the sensor that answers and the caller's VXLAN VNI rows.
struct PortalVNIList: Codable, Equatable, Sendable {
    var sensor: String
    var vnis: [PortalVLAN]
}

/// One row of `/api/v1/vlans` (with `vlan`) or `/api/v1/vnis` (with `vni` instead): the same
/// figures for either kind of segment.
struct PortalVLAN: Codable, Equatable, Sendable {
    struct Rates: Codable, Equatable, Sendable {
        var broadcastPps: UInt32
        var multicastPps: UInt32
        var framesPps: UInt32

        init(_ row: VLANStatusRow) {
            broadcastPps = row.broadcastRate
            multicastPps = row.multicastRate
            framesPps = row.frameRate
        }
    }

    struct Thresholds: Codable, Equatable, Sendable {
        var risingPps: UInt32
        var fallingPps: UInt32
    }

    struct IncidentRef: Codable, Equatable, Sendable {
        var id: UInt64
        var ackDeadline: String?
    }

    var interface: String
    var vlan: Int?
    var vni: Int?
    var tenant: String
    var policy: String
    var state: String
    var lastChange: String
    var rates: Rates
    var thresholds: Thresholds
    var incident: IncidentRef?

    init(_ row: VLANStatusRow, incident: PortalIncident?) {
        interface = row.ifName
        if let n = row.vni { vni = Int(n.value) } else { vlan = Int(row.key.vlan.value) }
        tenant = row.tenant
        policy = row.policy.description
        state = row.state.description
        lastChange = PortalTime.text(millis: row.lastChange.millisecondsSince1970)
        rates = Rates(row)
        thresholds = Thresholds(risingPps: row.risingThreshold, fallingPps: row.fallingThreshold)
        self.incident = incident.map { IncidentRef(id: $0.id, ackDeadline: $0.ackDeadline) }
    }
}

/// `{"error": "..."}`: every refusal, one line.
struct PortalErrorBody: Codable, Equatable, Sendable {
    var error: String
}

/// `{"ok": true, "message": "..."}`: an accepted action.
struct PortalActionBody: Codable, Equatable, Sendable {
    var ok: Bool
    var message: String
}

/// Times in the API: UTC, RFC 3339 with milliseconds.
public enum PortalTime {
    public static func text(millis: Int64) -> String {
        var t = time_t(millis / 1000)
        var parts = tm()
        gmtime_r(&t, &parts)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday,
                      parts.tm_hour, parts.tm_min, parts.tm_sec, Int(((millis % 1000) + 1000) % 1000))
    }

    public static func text(_ date: Date) -> String { text(millis: Int64((date.timeIntervalSince1970 * 1000).rounded())) }

    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.keyEncodingStrategy = .convertToSnakeCase
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }()
}
