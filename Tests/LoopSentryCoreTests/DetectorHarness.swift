import LoopSentryCore

/// Milliseconds on the manual clock, in the Detector's monotonic nanoseconds.
func ms(_ value: UInt64) -> UInt64 { value * 1_000_000 }

/// A plain VLAN key; tests use small literal VLAN IDs.
func key(_ vlan: Int, on interface: String = "eth1") -> DetectionKey {
    DetectionKey(interface: interface, vlan: VLANID(vlan)!)
}

/// A QinQ pair key.
func pairKey(_ outer: Int, _ inner: Int, on interface: String = "eth1") -> DetectionKey {
    DetectionKey(interface: interface, pair: VLANPair(outer: VLANID(outer)!, inner: VLANID(inner)!))
}

/// Drives a Detector with a manual clock: every poll observes at `now`, records the events,
/// then advances the clock by the 100 ms poll interval.
struct DetectorHarness {
    static let pollInterval: UInt64 = ms(100)

    var detector: Detector
    var now: UInt64 = 0
    var events: [DetectionEvent] = []

    init(policy: DetectionPolicy = DetectionPolicy()) {
        detector = Detector(policy: policy)
    }

    /// One poll of `interface`: broadcast and multicast frames/s by VLAN; VLANs left out had no traffic.
    mutating func poll(_ broadcast: [Int: Double], multicast: [Int: Double] = [:], interface: String = "eth1") {
        let vlans = Set(broadcast.keys).union(multicast.keys).sorted()
        let rates = vlans.map {
            VLANRate(vlan: VLANID($0)!, broadcastPerSecond: broadcast[$0] ?? 0, multicastPerSecond: multicast[$0] ?? 0,
                     framesPerSecond: 0, bytesPerSecond: 0, totals: .zero)
        }
        events += detector.observe(rates, interface: interface, at: now)
        now += Self.pollInterval
    }

    /// One poll of several interfaces at the same instant, in interface-name order.
    mutating func poll(each interfaces: [String: [Int: Double]]) {
        for name in interfaces.keys.sorted() {
            let rates = interfaces[name]!.sorted { $0.key < $1.key }.map {
                VLANRate(vlan: VLANID($0.key)!, broadcastPerSecond: $0.value, multicastPerSecond: 0,
                         framesPerSecond: 0, bytesPerSecond: 0, totals: .zero)
            }
            events += detector.observe(rates, interface: name, at: now)
        }
        now += Self.pollInterval
    }

    /// One poll of eth1 with a VLAN batch and a QinQ pair batch (broadcast frames/s) at the same instant.
    mutating func poll(_ broadcast: [Int: Double], pairs: [VLANPair: Double]) {
        let pairRates = pairs.sorted { $0.key < $1.key }.map { VLANPairRate(pair: $0.key, broadcastPerSecond: $0.value) }
        events += detector.observePairs(pairRates, interface: "eth1", at: now)
        poll(broadcast)
    }

    /// `count` polls in a row of a VLAN batch and a pair batch.
    mutating func poll(times count: Int, _ broadcast: [Int: Double], pairs: [VLANPair: Double]) {
        for _ in 0..<count { poll(broadcast, pairs: pairs) }
    }

    /// `count` polls in a row with the same rates.
    mutating func poll(times count: Int, _ broadcast: [Int: Double], multicast: [Int: Double] = [:],
                       interface: String = "eth1") {
        for _ in 0..<count { poll(broadcast, multicast: multicast, interface: interface) }
    }

    /// A returned-probe report for `key` at the current time (between polls).
    mutating func probe(_ key: DetectionKey, count: UInt64 = 1) {
        events += detector.observeProbeReturn(key: key, count: count, at: now)
    }

    /// The events recorded so far, then forgets them.
    mutating func takeEvents() -> [DetectionEvent] {
        defer { events = [] }
        return events
    }
}
