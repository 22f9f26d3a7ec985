/// What a storm is keyed by on an interface: a VLAN, a QinQ (outer, inner) pair or a VXLAN VNI.
/// Every kind gets the same thresholds, policies and incident states; only the edges (the BPF
/// map it is read from, the MIB table, a cut driver's rule) differ by kind.
public enum Segment: Hashable, Comparable, Sendable, CustomStringConvertible {
    case vlan(VLANID)
    case pair(VLANPair)
    case vni(VNI)

    /// The kind of a segment, as status, /metrics and syslog name it.
    public enum Kind: String, Hashable, Codable, Sendable, CaseIterable {
        case vlan
        case qinq
        case vni
    }

    public var kind: Kind {
        switch self {
        case .vlan: .vlan
        case .pair: .qinq
        case .vni: .vni
        }
    }

    /// The (outer) VLAN of a VLAN or QinQ segment; nil for a VNI.
    public var vlan: VLANID? {
        switch self {
        case .vlan(let v): v
        case .pair(let p): p.outer
        case .vni: nil
        }
    }

    /// The inner VLAN of a QinQ segment; nil otherwise.
    public var inner: VLANID? {
        if case .pair(let p) = self { return p.inner }
        return nil
    }

    /// The VNI of a VXLAN segment; nil otherwise.
    public var vni: VNI? {
        if case .vni(let n) = self { return n }
        return nil
    }

    /// The segment's number as status lines and syslog print it: `20`, `100.20`, `5000`.
    public var identifier: String {
        switch self {
        case .vlan(let v): v.description
        case .pair(let p): p.description
        case .vni(let n): n.description
        }
    }

    /// `VLAN 20`, `VLAN 100.20`, `VNI 5000`.
    public var description: String {
        switch self {
        case .vlan, .pair: "VLAN \(identifier)"
        case .vni: "VNI \(identifier)"
        }
    }

    /// VLAN segments by outer VLAN (a plain VLAN before its pairs, pairs by inner VLAN), then VNIs.
    public static func < (a: Segment, b: Segment) -> Bool { a.order < b.order }

    private var order: (Int, UInt32, Int) {
        switch self {
        case .vlan(let v): (0, UInt32(v.value), -1)
        case .pair(let p): (0, UInt32(p.outer.value), Int(p.inner.value))
        case .vni(let n): (1, n.value, -1)
        }
    }
}
