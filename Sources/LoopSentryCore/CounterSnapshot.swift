/// Everything read from the sensor's maps at one instant.
/// `monotonicNanos` is a monotonic clock reading, passed in by the shell.
public struct CounterSnapshot: Sendable {
    public var monotonicNanos: UInt64
    /// Non-zero VLAN rows only, keyed by VLAN.
    public var vlans: [VLANID: VLANCounters]
    /// QinQ (outer, inner) rows, present when inner counting is configured.
    public var pairs: [VLANPair: VLANCounters]
    public var global: GlobalCounters
    /// Returned self-probes per VLAN they were sent on (non-zero rows only).
    public var probes: [VLANID: ProbeCounters]
    /// VXLAN inner-frame counters per VNI (watched VNIs; zero rows included once seeded).
    public var vnis: [VNI: VLANCounters]
    /// VXLAN inner frames with an 802.1Q tag, per (VNI, inner VLAN), when inner counting is on.
    public var vniPairs: [VNIVLANPair: VLANCounters]
    /// Returned VNI self-probes per VNI they were sent in (probed VNIs; zero rows included).
    public var vniProbes: [VNI: ProbeCounters]

    public init(monotonicNanos: UInt64, vlans: [VLANID: VLANCounters] = [:],
                pairs: [VLANPair: VLANCounters] = [:], global: GlobalCounters = GlobalCounters(),
                probes: [VLANID: ProbeCounters] = [:], vnis: [VNI: VLANCounters] = [:],
                vniPairs: [VNIVLANPair: VLANCounters] = [:], vniProbes: [VNI: ProbeCounters] = [:]) {
        self.monotonicNanos = monotonicNanos
        self.vlans = vlans
        self.pairs = pairs
        self.global = global
        self.probes = probes
        self.vnis = vnis
        self.vniPairs = vniPairs
        self.vniProbes = vniProbes
    }
}
