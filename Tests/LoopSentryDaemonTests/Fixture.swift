import Foundation
import LoopSentryConfig
import LoopSentryCore
import LoopSentryDaemon

/// The configuration every coordinator test starts from: interface `trunk0` (broadcast 1000/500,
/// multicast 2000/1000 frames/s, sustain 300 ms, clear 2 s) carrying
/// - org-a, VLANs 10-11: policy auto, cut by nftables on bridge port br0 (playbook linux_bridge.yml
///   for fallback and persistence when asked);
/// - org-b, VLANs 20-21: policy ack, 60 s deadline, hard limit 20000 frames/s, cut by the Ansible
///   playbook ios_trunk.yml on sw1 Gi0/1;
/// - org-c, VLAN 30: alarm only, no remediation;
/// - every other VLAN is unowned.
/// Remediation: verify window 2 s, 3 attempts, 2 s doubling backoff, 600 s dismiss hold-down,
/// playbook batch window 150 ms.
enum Fixture {
    static let journalPath = "/var/lib/loopsentry/journal.sqlite"

    static func configuration(onDeadline: DeadlineAction = .keepWaiting, fallback: Bool = false, persist: Bool = false,
                              maxAttempts: Int = 3, probeVLANs: VLANSet = VLANSet()) -> Configuration {
        var c = Configuration()
        var trunk = InterfaceConfig(name: "trunk0")
        trunk.detection = DetectionThresholds(broadcast: RateThreshold(rising: 1000, falling: 500),
                                              multicast: RateThreshold(rising: 2000, falling: 1000))
        trunk.probeVLANs = probeVLANs
        c.interfaces = [trunk]

        var a = TenantConfig(name: "org-a")
        a.policy = .auto
        a.vlans = [vlans(10...11)]
        var nft = RemediationTarget(playbook: "linux_bridge.yml", host: "localhost", port: "br0", driver: .nftables)
        nft.fallback = fallback ? .ansible : nil
        nft.persist = persist
        a.remediation = nft

        var b = TenantConfig(name: "org-b")
        b.policy = .ack
        b.ackDeadlineSeconds = 60
        b.onDeadline = onDeadline
        b.hardLimit = 20000
        b.vlans = [vlans(20...21)]
        b.remediation = RemediationTarget(playbook: "ios_trunk.yml", host: "sw1", port: "Gi0/1")

        var alarm = TenantConfig(name: "org-c")
        alarm.vlans = [vlans(30...30)]

        c.tenants = [a, b, alarm]
        c.remediation.verifyWindowMilliseconds = 2000
        c.remediation.maxAttempts = maxAttempts
        c.remediation.retryBackoffMilliseconds = 2000
        c.remediation.dismissHoldDownSeconds = 600
        c.remediation.playbookBatchWindowMilliseconds = 150
        c.journal.path = journalPath
        return c
    }

    /// `range` on trunk0.
    static func vlans(_ range: ClosedRange<Int>) -> TenantVLANs {
        TenantVLANs(interface: "trunk0", vlans: VLANSet([VLANID(range.lowerBound)!...VLANID(range.upperBound)!]))
    }
}

/// Monotonic nanoseconds of `seconds` on the manual clock.
func t(_ seconds: Double) -> UInt64 { UInt64((seconds * 1e9).rounded()) }

/// The wall clock at `seconds` on the manual clock (the monotonic clock started at 2023-11-14 22:13:20 UTC).
func wall(_ seconds: Double) -> UTCTimestamp {
    UTCTimestamp(millisecondsSince1970: 1_700_000_000_000 + Int64((seconds * 1000).rounded()))
}

/// VLAN `vlan` on `interface`.
func key(_ vlan: Int, on interface: String = "trunk0") -> DetectionKey {
    DetectionKey(interface: interface, vlan: VLANID(vlan)!)
}

/// One poll of `interface` read at `seconds`: broadcast and multicast frames/s per VLAN, own
/// probes returned since the last poll (also counted as the sensor's totals).
func interfacePoll(at seconds: Double, broadcast: [Int: Double], multicast: [Int: Double] = [:],
                   probeReturns: [Int: UInt64] = [:], interface: String = "trunk0") -> InterfacePoll {
    let vlans = Set(broadcast.keys).union(multicast.keys).sorted()
    let rates = vlans.map { v in
        let b = broadcast[v] ?? 0, m = multicast[v] ?? 0
        return VLANRate(vlan: VLANID(v)!, broadcastPerSecond: b, multicastPerSecond: m, framesPerSecond: b + m,
                        bytesPerSecond: (b + m) * 64, totals: VLANCounters())
    }
    let returns = Dictionary(uniqueKeysWithValues: probeReturns.map { (VLANID($0.key)!, $0.value) })
    return InterfacePoll(interface: interface, at: t(seconds), rates: rates,
                         probeReturns: Dictionary(uniqueKeysWithValues: returns.map { (Segment.vlan($0.key), $0.value) }),
                         probes: returns.mapValues { ProbeCounters(returned: $0) })
}

extension UTCTimestamp {
    /// The instant as the journal's rows date it.
    var date: Date { Date(timeIntervalSince1970: Double(millisecondsSince1970) / 1000) }
}
