import LoopSentryCore

/// VNI cuts: on a bridge port that carries a VXLAN underlay, two rules per VNI in the same table
/// and chain as the VLAN cuts (bridge family, forward hook), matching the UDP destination port of
/// the underlay and the 24-bit VNI 12 bytes into the UDP header (`@th,96,24`: 8 bytes of UDP, the
/// VXLAN flags and 3 reserved bytes), over IPv4 and IPv6 outer headers alike. Comments
/// `loopsentry port=P vni=N dir=in|out incident=I tenant=T` key them, so a restore deletes exactly
/// the rules of that VNI on that port and a repeated cut adds nothing.
extension NftablesCutPlan {
    /// The comment key of `vni` on `port`: every rule of that cut starts with it.
    public static func ruleKey(port: String, vni: VNI) -> String { "loopsentry port=\(port) vni=\(vni.value) " }

    /// The cuts of `batch.vnis` on `port`: UDP destination port and VNI field.
    static func vniCuts(_ batch: CutBatch, port: String) -> [Cut] {
        batch.vnis.map { vni in
            Cut(key: ruleKey(port: port, vni: vni), match: "udp dport \(batch.vxlanPort) @th,96,24 \(vni.value)",
                incident: batch.incidentOfVNI[vni])
        }
    }
}
