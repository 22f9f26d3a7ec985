/// One token bucket per caller: each request takes one token; the bucket refills at
/// `perMinute` and holds at most `burst`. Time (monotonic ns) is passed in.
public struct RateLimiter: Sendable {
    public let perMinute: Int
    public let burst: Int
    private var buckets: [String: (tokens: Double, at: UInt64)] = [:]

    public init(perMinute: Int, burst: Int) {
        self.perMinute = max(1, perMinute)
        self.burst = max(1, burst)
    }

    /// nil when `key` may go ahead (a token taken), else the whole seconds until one is free.
    public mutating func admit(_ key: String, now: UInt64) -> Int? {
        let perNano = Double(perMinute) / 60e9
        var b = buckets[key] ?? (Double(burst), now)
        b.tokens = min(Double(burst), b.tokens + Double(now &- b.at) * perNano * (now >= b.at ? 1 : 0))
        b.at = now
        defer { buckets[key] = b }
        guard b.tokens >= 1 else {
            return max(1, Int(((1 - b.tokens) / perNano / 1e9).rounded(.up)))
        }
        b.tokens -= 1
        return nil
    }
}
