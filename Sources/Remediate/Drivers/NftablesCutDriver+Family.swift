import Foundation
import LoopSentryCore

/// The nftables driver's family: bridge on a bridge port, netdev on any other interface (VNIs
/// only), chosen at each batch from the port itself unless the configuration forces one.
extension NftablesCutDriver {
    /// The family for `batch` on `port`, or a one-line error saying why neither applies. VLANs are
    /// cut in the bridge family only, and a batch of VLANs alone is planned as before, without
    /// reading the port (a bridge rule for a port that is not there matches nothing, as the
    /// playbook's rules do); with VNIs, auto and netdev read the port (`NftablesContext.portKind`).
    /// nil: a restore on a port that is gone, whose rules may be left in either family.
    func chooseFamily(_ batch: CutBatch) throws(NftablesError) -> NftablesFamily? {
        if family == .netdev && !batch.vlans.isEmpty {
            throw NftablesError(message: "VLAN cuts need the bridge family (family netdev cuts VNIs only)")
        }
        if family == .bridge || batch.vnis.isEmpty { return .bridge }
        switch try NftablesContext.portKind(port, netns: netns) {
        case .absent where batch.action == .restore:
            return family == .netdev ? .netdev : nil
        case .absent:
            throw NftablesError(message: "no such interface: neither a bridge port (bridge family) nor an interface to hook (netdev family)")
        case .bridgePort where family == .auto:
            return .bridge
        case .bridgePort, .other:
            guard batch.vlans.isEmpty else {
                throw NftablesError(message: "VLAN cuts need a bridge port and this is not one (the netdev family cuts VNIs only)")
            }
            return .netdev
        }
    }

    /// Lists the netdev table, plans the VNIs' rules at the port's ingress and egress hooks, and
    /// applies them as one transaction. With `onlyDeletions`, a plan that deletes nothing is not
    /// applied and nil is returned (a restore on a port that is gone looks here first).
    func applyNetdev(_ batch: CutBatch, _ nft: NftablesContext, onlyDeletions: Bool = false) throws(NftablesError) -> NftablesCutPlan? {
        let existing = try Self.listing(nft, NftablesCutPlan.netdevListCommand, NftablesCutPlan.netdevTable(fromListing:))
        let plan = NftablesCutPlan(netdevBatch: batch, port: port, existing: existing)
        if onlyDeletions && plan.deleted == 0 { return nil }
        if !plan.script.isEmpty {
            do throws(NftablesError) {
                _ = try nft.run(plan.script)
            } catch where error.message.contains("Operation not supported") && plan.script.contains("hook egress") {
                throw NftablesError(message: "this kernel has no netdev egress hook (Linux 5.16+ with CONFIG_NETFILTER_EGRESS): \(error)")
            }
        }
        return plan
    }
}
