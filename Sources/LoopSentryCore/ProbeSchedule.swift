/// When each probed segment's self-probe goes out: every segment (a VLAN, a VNI) once per
/// interval, spread evenly over it (probe k at start + k·interval/N), so 4094 VLANs never leave
/// in one burst.
/// Pure: the caller passes the time and sends what `due(at:)` returns. A caller that fell
/// behind by more than one interval skips ahead instead of bursting to catch up.
public struct ProbeSchedule<Key: Hashable & Comparable & Sendable>: Sendable {
    /// The probed keys in the order they are probed.
    public let keys: [Key]
    public let intervalNanos: UInt64
    private let start: UInt64
    private var sent: UInt64 = 0

    /// `keys` are probed in ascending order; duplicates are dropped.
    public init(keys: [Key], intervalNanos: UInt64, start: UInt64) {
        precondition(intervalNanos > 0, "probe interval must be positive")
        self.keys = Array(Set(keys)).sorted()
        self.intervalNanos = intervalNanos
        self.start = start
    }

    /// When the next probe is due, or nil when there is nothing to probe.
    public var nextDue: UInt64? {
        keys.isEmpty ? nil : start + sent * intervalNanos / UInt64(keys.count)
    }

    /// The keys whose probes are due at `now`, in order; at most one interval's worth.
    public mutating func due(at now: UInt64) -> [Key] {
        guard !keys.isEmpty else { return [] }
        let n = UInt64(keys.count)
        if let next = nextDue, now > next + intervalNanos {
            // Fell behind by more than an interval: skip the missed slots, keeping the order.
            sent += (now - next) * n / intervalNanos
        }
        var out: [Key] = []
        while let next = nextDue, next <= now, out.count < keys.count {
            out.append(keys[Int(sent % n)])
            sent += 1
        }
        return out
    }
}

extension ProbeSchedule where Key == VLANID {
    /// A schedule of VLAN probes.
    public init(vlans: [VLANID], intervalNanos: UInt64, start: UInt64) {
        self.init(keys: vlans, intervalNanos: intervalNanos, start: start)
    }

    public var vlans: [VLANID] { keys }
}
