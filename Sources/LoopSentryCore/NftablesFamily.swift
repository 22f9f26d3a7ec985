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

/// Which segments a remediation playbook cuts, read from its text: a playbook that cuts VXLAN
/// VNIs says so in a comment line `# loopsentry-cuts: vni` (or `vlan, vni`); any other playbook
/// cuts VLANs.
public struct PlaybookSegments: Equatable, Sendable {
    public var vlans: Bool
    public var vnis: Bool

    public init(vlans: Bool, vnis: Bool) {
        self.vlans = vlans
        self.vnis = vnis
    }

    /// The segments of a playbook with `text`.
    public init(playbookText text: String) {
        let marker = "# loopsentry-cuts:"
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix(marker) }) else {
            self.init(vlans: true, vnis: false)
            return
        }
        let kinds = line.dropFirst(marker.count).split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        self.init(vlans: kinds.contains("vlan"), vnis: kinds.contains("vni"))
    }
}
