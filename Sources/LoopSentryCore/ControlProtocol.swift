import Foundation

/// The control socket's protocol: one JSON object per line each way. A client sends one
/// request and reads one response. Requests are validated here (pure), before anything acts.
///
/// Request:  `{"op":"ack","interface":"eth1","vlan":20,"by":"alice"}` — op is one of
///           status, ack, dismiss, restore, thresholds; interface and vlan (or vni) are required
///           except for status; thresholds also needs rising and falling (broadcast frames/s):
///           `{"op":"thresholds","interface":"ul0","vni":5000,"rising":2000,"falling":500}`.
/// Response: `{"ok":true,"message":"...","rows":[...]}`.
public struct ControlRequest: Codable, Equatable, Sendable {
    public enum Op: String, Codable, Sendable, CaseIterable {
        case status, ack, dismiss, restore, thresholds

        /// `status, ack, dismiss, restore, thresholds`, as refusals list them.
        static let names = allCases.map(\.rawValue).joined(separator: ", ")
    }

    public var op: Op
    public var interface: String?
    public var vlan: Int?
    /// A VXLAN VNI instead of `vlan` (acknowledge, dismiss or restore a VNI incident).
    public var vni: Int?
    public var by: String?
    /// The new rising and falling broadcast thresholds (frames per second) of `thresholds`.
    public var rising: Double?
    public var falling: Double?

    /// The largest threshold accepted (as the MIB's Unsigned32 columns).
    public static let maxThreshold = Double(UInt32.max)

    public init(op: Op, interface: String? = nil, vlan: Int? = nil, by: String? = nil) {
        self.op = op
        self.interface = interface
        self.vlan = vlan
        self.by = by
    }

    /// The largest request line accepted, in bytes.
    public static let maxLength = 4096

    /// Parses and validates one request line; the error is one line naming what is wrong.
    public static func parse(_ line: Data) throws(ControlProtocolError) -> ControlRequest {
        guard line.count <= maxLength else { throw .invalid("request longer than \(maxLength) bytes") }
        guard let object = try? JSONSerialization.jsonObject(with: line), let dict = object as? [String: Any] else {
            throw .invalid("request is not a JSON object")
        }
        let known: Set<String> = ["op", "interface", "vlan", "vni", "by", "rising", "falling"]
        if let unknown = dict.keys.sorted().first(where: { !known.contains($0) }) {
            throw .invalid("unknown field '\(shown(unknown))'")
        }
        guard let opText = dict["op"] as? String else { throw .invalid("'op' is required (\(Op.names))") }
        guard let op = Op(rawValue: opText) else {
            throw .invalid("'op' must be one of \(Op.names); got '\(shown(opText))'")
        }
        var r = ControlRequest(op: op)
        if let i = dict["interface"] {
            guard let s = i as? String, InterfaceName.isValid(s) else {
                throw .invalid(InterfaceName.message(for: "'interface'"))
            }
            r.interface = s
        }
        if let v = dict["vlan"] {
            guard let n = v as? Int, !isJSONBool(v), VLANID.validRange.contains(n), (v as? Double).map({ $0 == Double(n) }) ?? true else {
                throw .invalid("'vlan' must be a whole number 1-4094")
            }
            r.vlan = n
        }
        if let v = dict["vni"] {
            guard let n = v as? Int, !isJSONBool(v), (1...0xFF_FFFF).contains(n), (v as? Double).map({ $0 == Double(n) }) ?? true else {
                throw .invalid("'vni' must be a whole number 1-16777215")
            }
            r.vni = n
        }
        if let b = dict["by"] {
            guard let s = b as? String, (1...64).contains(s.count),
                  s.allSatisfy({ $0.isLetter || $0.isNumber || "-_.@ ".contains($0) }) else {
                throw .invalid("'by' must be 1-64 letters, digits, or - _ . @ space")
            }
            r.by = s
        }
        for (name, lowest) in [("rising", 1.0), ("falling", 0.0)] {
            guard let v = dict[name] else { continue }
            guard let n = v as? Double, !isJSONBool(v), n == n.rounded(), (lowest...maxThreshold).contains(n) else {
                throw .invalid("'\(name)' must be a whole number \(Int(lowest))-4294967295 (frames per second)")
            }
            if name == "rising" { r.rising = n } else { r.falling = n }
        }
        if r.vlan != nil && r.vni != nil { throw .invalid("give 'vlan' or 'vni', not both") }
        if op == .thresholds {
            guard let rising = r.rising, let falling = r.falling else { throw .invalid("'thresholds' needs 'rising' and 'falling'") }
            guard falling <= rising else { throw .invalid("'falling' (\(Int(falling))) must not exceed 'rising' (\(Int(rising)))") }
        } else if r.rising != nil || r.falling != nil {
            throw .invalid("'rising' and 'falling' belong to op 'thresholds'")
        }
        if op != .status && (r.interface == nil || (r.vlan == nil && r.vni == nil)) {
            throw .invalid("'\(op.rawValue)' needs 'interface' and 'vlan' (or 'vni')")
        }
        return r
    }

    /// True for JSON `true`/`false`. Foundation bridges the numbers 0 and 1 to `Bool` as well, so
    /// `is Bool` would refuse VLAN 1 or a threshold of 0: booleans are the NSNumbers of type "c".
    static func isJSONBool(_ v: Any) -> Bool {
        guard let n = v as? NSNumber else { return v is Bool }
        return String(cString: n.objCType) == "c"
    }

    /// At most 40 characters of a client's text for an error message, control characters escaped,
    /// so the message stays one clean line.
    static func shown(_ s: String) -> String {
        String(s.prefix(40).unicodeScalars.map {
            $0.properties.generalCategory == .control || $0.properties.generalCategory == .format
                || $0.properties.generalCategory == .lineSeparator || $0.properties.generalCategory == .paragraphSeparator
                ? "\\u{\(String($0.value, radix: 16))}" : String($0)
        }.joined())
    }
}

/// A status row as the control socket reports it.
public struct ControlStatusRow: Codable, Equatable, Sendable {
    public var interface: String
    public var vlan: Int
    public var tenant: String
    public var policy: String
    public var state: String
    public var broadcastPerSecond: Double
    public var framesPerSecond: Double
    public var risingThreshold: Double
    public var incident: UInt64?
    public var lastAction: String
    /// Tagged frames counted on this VLAN since the sensor attached.
    public var framesTotal: UInt64 = 0
    /// The row's segment kind: `vlan`, or `vni` for a VXLAN VNI (then `vlan` is 0 and `vni` set).
    public var segment: String = Segment.Kind.vlan.rawValue
    /// The VNI of a VXLAN segment's row.
    public var vni: Int?

    public init(interface: String, vlan: Int, tenant: String, policy: String, state: String, broadcastPerSecond: Double,
                framesPerSecond: Double, risingThreshold: Double, incident: UInt64?, lastAction: String) {
        self.interface = interface; self.vlan = vlan; self.tenant = tenant; self.policy = policy; self.state = state
        self.broadcastPerSecond = broadcastPerSecond; self.framesPerSecond = framesPerSecond
        self.risingThreshold = risingThreshold; self.incident = incident; self.lastAction = lastAction
    }
}

public struct ControlResponse: Codable, Equatable, Sendable {
    public var ok: Bool
    public var message: String
    public var rows: [ControlStatusRow]?

    public init(ok: Bool, message: String, rows: [ControlStatusRow]? = nil) {
        self.ok = ok
        self.message = message
        self.rows = rows
    }
}

public enum ControlProtocolError: Error, Equatable, CustomStringConvertible {
    case invalid(String)
    public var description: String {
        switch self { case let .invalid(why): "bad control request: \(why)" }
    }
}
