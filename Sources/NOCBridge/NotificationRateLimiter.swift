import LoopSentryCore

/// How many notifications may be sent, in total and per (interface, VLAN).
public struct NotificationLimits: Equatable, Sendable {
    /// Sustained rate over all VLANs, notifications per minute (0: send none).
    public var globalPerMinute: UInt32
    /// How many may go out at once before the global rate applies.
    public var globalBurst: UInt32
    /// Sustained rate for one (interface, VLAN), notifications per minute.
    public var perVLANPerMinute: UInt32
    /// Burst for one (interface, VLAN): enough for one incident's sequence of events.
    public var perVLANBurst: UInt32

    public init(globalPerMinute: UInt32 = 120, globalBurst: UInt32 = 30,
                perVLANPerMinute: UInt32 = 12, perVLANBurst: UInt32 = 6) {
        self.globalPerMinute = globalPerMinute
        self.globalBurst = globalBurst
        self.perVLANPerMinute = perVLANPerMinute
        self.perVLANBurst = perVLANBurst
    }
}

/// A token bucket: `capacity` tokens, refilled at `perMinute` tokens a minute.
/// Time is passed in (monotonic nanoseconds), so tests drive it.
struct TokenBucket: Sendable {
    let capacity: Double
    let perNanosecond: Double
    private(set) var tokens: Double
    private var lastRefill: UInt64

    init(perMinute: UInt32, burst: UInt32, now: UInt64) {
        capacity = Double(max(burst, 1))
        perNanosecond = Double(perMinute) / 60e9
        tokens = perMinute == 0 ? 0 : capacity
        lastRefill = now
    }

    mutating func refill(now: UInt64) {
        guard now > lastRefill else { return }
        tokens = min(capacity, tokens + Double(now - lastRefill) * perNanosecond)
        lastRefill = now
    }

    var hasToken: Bool { tokens >= 1 }
    var isFull: Bool { tokens >= capacity }
    mutating func take() { tokens -= 1 }
}

/// The one throttle stage in front of every NOC sink (SNMP notifications and syslog alike):
/// admits a notification only when both the global bucket and its VLAN's bucket have a
/// token, so one looping VLAN cannot flood a trap receiver, a collector or the master agent,
/// and cannot starve the other VLANs' notifications beyond its own share.
public struct NotificationRateLimiter: Sendable {
    public let limits: NotificationLimits
    private var global: TokenBucket
    /// One bucket per segment: (interface, VLAN) or (interface, VNI).
    private var perVLAN: [SegmentBucket: TokenBucket] = [:]
    /// Buckets kept before full (idle) ones are forgotten.
    private let pruneThreshold = 4096

    /// How many notifications were refused so far.
    public private(set) var suppressed: UInt32 = 0

    public init(limits: NotificationLimits, now: UInt64) {
        self.limits = limits
        global = TokenBucket(perMinute: limits.globalPerMinute, burst: limits.globalBurst, now: now)
    }

    /// Takes a token for `key` (the VNI `vni` on `key`'s interface when given: each VNI has its
    /// own bucket, as each VLAN has) and returns true, or returns false (suppressed) and takes none.
    public mutating func admit(_ key: VLANStatusKey, vni: VNI? = nil, now: UInt64) -> Bool {
        let key = SegmentBucket(key: key, vni: vni)
        global.refill(now: now)
        var bucket = perVLAN[key]
            ?? TokenBucket(perMinute: limits.perVLANPerMinute, burst: limits.perVLANBurst, now: now)
        bucket.refill(now: now)
        defer { perVLAN[key] = bucket; prune(now: now) }
        guard global.hasToken, bucket.hasToken else {
            suppressed &+= 1
            return false
        }
        global.take()
        bucket.take()
        return true
    }

    /// Which bucket a notification takes from.
    private struct SegmentBucket: Hashable {
        var key: VLANStatusKey
        var vni: VNI?
    }

    /// The number of segments with a bucket (for tests of pruning).
    var trackedVLANs: Int { perVLAN.count }

    private mutating func prune(now: UInt64) {
        guard perVLAN.count > pruneThreshold else { return }
        perVLAN = perVLAN.filter { _, bucket in
            var b = bucket
            b.refill(now: now)
            return !b.isFull
        }
    }
}
