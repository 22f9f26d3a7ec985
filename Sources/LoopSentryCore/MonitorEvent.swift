/// A detection event as `loopsentry monitor --json` prints it (inside a report's `events`).
public struct MonitorEvent: Codable, Equatable, Sendable {
    /// `stormDetected`, `loopConfirmed` or `stormCleared`.
    public var event: String
    public var interface: String
    public var vlan: Int
    public var inner: Int?
    public var kind: String?
    public var rate: Double?
    public var threshold: Double?
    public var probesReturned: UInt64?
    public var durationMilliseconds: Double?
    /// CLOCK_MONOTONIC nanoseconds: comparable across processes on one host.
    public var monotonicNanos: UInt64

    enum CodingKeys: String, CodingKey {
        case event, interface, vlan, inner, kind, rate, threshold
        case probesReturned = "probes_returned", durationMilliseconds = "duration_ms", monotonicNanos = "monotonic_ns"
    }

    public init(_ e: DetectionEvent) {
        let key = e.key
        interface = key.interface
        vlan = Int(key.outer.value)
        inner = key.inner.map { Int($0.value) }
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
        let v = inner.map { "\(vlan).\($0)" } ?? "\(vlan)"
        switch event {
        case "stormDetected":
            return "STORM DETECTED  \(interface) VLAN \(v): \(kind ?? "") \(Int(rate ?? 0))/s ≥ \(Int(threshold ?? 0))/s"
        case "loopConfirmed":
            return "LOOP CONFIRMED  \(interface) VLAN \(v): \(probesReturned ?? 0) own probe(s) returned"
        default:
            return "STORM CLEARED   \(interface) VLAN \(v): peak \(Int(rate ?? 0))/s, lasted \(Int(durationMilliseconds ?? 0)) ms"
        }
    }
}
