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
