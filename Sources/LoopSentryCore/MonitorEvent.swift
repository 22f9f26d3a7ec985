/// A detection event as `loopsentry monitor --json` prints it (inside a report's `events`).
public struct MonitorEvent: Codable, Equatable, Sendable {
    /// `stormDetected`, `loopConfirmed` or `stormCleared`.
    public var event: String
    public var interface: String
    /// The (outer) VLAN of a VLAN or QinQ segment.
    public var vlan: Int?
    public var inner: Int?
    /// The VNI of a VXLAN segment.
    public var vni: Int?
    public var kind: String?
    public var rate: Double?
    public var threshold: Double?
    public var probesReturned: UInt64?
    public var durationMilliseconds: Double?
    /// CLOCK_MONOTONIC nanoseconds: comparable across processes on one host.
    public var monotonicNanos: UInt64

    enum CodingKeys: String, CodingKey {
        case event, interface, vlan, inner, vni, kind, rate, threshold
        case probesReturned = "probes_returned", durationMilliseconds = "duration_ms", monotonicNanos = "monotonic_ns"
    }

    public init(_ e: DetectionEvent) {
        let key = e.key
        interface = key.interface
        vlan = key.outer.map { Int($0.value) }
        inner = key.inner.map { Int($0.value) }
        vni = key.vni.map { Int($0.value) }
        monotonicNanos = e.at
        switch e {
        case let .stormDetected(_, kind, rate, threshold, _):
            event = "stormDetected"
            self.kind = kind.rawValue
            self.rate = rate.rounded()
            self.threshold = threshold
        case let .loopConfirmed(_, probes, _):
            event = "loopConfirmed"
            probesReturned = probes
        case let .stormCleared(_, _, peak, duration):
            event = "stormCleared"
            rate = peak.rounded()
            let c = duration.components
            durationMilliseconds = (Double(c.seconds) * 1000 + Double(c.attoseconds) / 1e15).rounded()
        }
    }

    /// One line for a terminal.
    public var line: String {
        let v = segment
        switch event {
        case "stormDetected":
            return "STORM DETECTED  \(interface) \(v): \(kind ?? "") \(Int(rate ?? 0))/s ≥ \(Int(threshold ?? 0))/s"
        case "loopConfirmed":
            return "LOOP CONFIRMED  \(interface) \(v): \(probesReturned ?? 0) own probe(s) returned"
        default:
            return "STORM CLEARED   \(interface) \(v): peak \(Int(rate ?? 0))/s, lasted \(Int(durationMilliseconds ?? 0)) ms"
        }
    }

    /// `VLAN 20`, `VLAN 100.20` or `VNI 5000`, from the fields (so a decoded event prints too).
    private var segment: String {
        if let vni { return "VNI \(vni)" }
        return "VLAN " + (inner.map { "\(vlan ?? 0).\($0)" } ?? "\(vlan ?? 0)")
    }
}
