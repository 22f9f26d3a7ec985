/// Which nftables family the in-process driver cuts with (`remediation.family`, driver nftables).
public enum NftablesFamily: String, Equatable, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    /// Bridge family when the port is a bridge port, netdev otherwise (read at each cut).
    case auto
    /// Table `bridge loopsentry`, chain `cut` at the forward hook: a port of a Linux bridge
    /// (VLANs and VNIs).
    case bridge
    /// Table `netdev loopsentry`, chains at the ingress and egress hooks of the port itself: any
    /// interface, e.g. a routed VTEP's underlay (VNIs only).
    case netdev

    public var description: String { rawValue }
}
