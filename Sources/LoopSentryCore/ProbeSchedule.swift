/// When each watched VLAN's self-probe goes out: every VLAN once per interval, spread evenly
/// over it (probe k at start + k·interval/N), so 4094 VLANs never leave in one burst.
/// Pure: the caller passes the time and sends what `due(at:)` returns. A caller that fell
/// behind by more than one interval skips ahead instead of bursting to catch up.
public struct ProbeSchedule: Sendable {
    public let vlans: [VLANID]
    public let intervalNanos: UInt64
    private let start: UInt64
    private var sent: UInt64 = 0

    /// `vlans` are probed in ascending order; duplicates are dropped.
    public init(vlans: [VLANID], intervalNanos: UInt64, start: UInt64) {
        precondition(intervalNanos > 0, "probe interval must be positive")
        self.vlans = Array(Set(vlans)).sorted()
        self.intervalNanos = intervalNanos
        self.start = start
    }

    /// When the next probe is due, or nil when there is nothing to probe.
    public var nextDue: UInt64? {
        vlans.isEmpty ? nil : start + sent * intervalNanos / UInt64(vlans.count)
    }

    /// The VLANs whose probes are due at `now`, in order; at most one interval's worth.
    public mutating func due(at now: UInt64) -> [VLANID] {
        guard !vlans.isEmpty else { return [] }
        let n = UInt64(vlans.count)
        if let next = nextDue, now > next + intervalNanos {
            // Fell behind by more than an interval: skip the missed slots, keeping the order.
            sent += (now - next) * n / intervalNanos
        }
        var out: [VLANID] = []
        while let next = nextDue, next <= now, out.count < vlans.count {
            out.append(vlans[Int(sent % n)])
            sent += 1
        }
        return out
    }
}
