import Foundation
import LoopSentryCore

/// Cuts and restores VLANs on a Linux bridge port in-process with libnftables: one listing and
/// one nftables transaction per batch, in the rule format of `linux-bridge-vlan.yml`. The bridge
/// must be reachable from this host, optionally inside network namespace `netns`. VNIs are cut
/// on a bridge port in the bridge family too, and on any other interface (a routed VTEP's
/// underlay) in the netdev family, at its ingress and egress hooks (`NftablesCutPlan+Netdev`).
public struct NftablesCutDriver: CutDriver {
    public let kind = CutDriverKind.nftables
    /// The bridge port (or, for VNIs, the interface) the segments are cut on.
    public var port: String
    /// The namespace of the bridge (nil: the daemon's own).
    public var netns: String?
    /// The family: `auto` reads at each batch whether `port` is a bridge port.
    public var family: NftablesFamily = .auto

    /// One batch at a time per process: an nftables context is not thread-safe and two
    /// transactions planned from the same listing must not interleave.
    private static let lock = NSLock()

    public init(port: String, netns: String?, family: NftablesFamily = .auto) {
        self.port = port
        self.netns = netns
        self.family = family
    }

    public func apply(_ batch: CutBatch) async -> CutOutcome {
        let clock = ContinuousClock()
        let start = clock.now
        let result = Self.lock.withLock { () -> Result<(NftablesCutPlan, NftablesFamily), NftablesError> in
            do throws(NftablesError) {
                return .success(try applyLocked(batch))
            } catch {
                return .failure(error)
            }
        }
        let took = clock.now - start
        let inNetns = netns.map { " in netns \($0)" } ?? ""
        switch result {
        case .success(let (plan, used)):
            let place = used == .netdev ? "\(port) (netdev ingress and egress)\(inNetns)" : "bridge port \(port)\(inNetns)"
            let change = plan.script.isEmpty ? "no change (already \(batch.action == .cut ? "cut" : "restored"))"
                : batch.action == .cut ? "\(plan.added) rule(s) added" : "\(plan.deleted) rule(s) deleted"
            return CutOutcome(changed: !plan.script.isEmpty,
                              detail: "nftables: \(change) on \(place) in \(Self.describe(took))", duration: took)
        case .failure(let e):
            // Auto with VNIs failed before or while it read the port: it is not known to be a bridge port.
            let what = family == .netdev ? "interface" : family == .auto && !batch.vnis.isEmpty ? "port" : "bridge port"
            return .failed(batch, "nftables on \(what) \(port)\(inNetns): \(e)", duration: took)
        }
    }

    /// Chooses the family, lists the chain (or table), plans, and applies the plan as one transaction.
    func applyLocked(_ batch: CutBatch) throws(NftablesError) -> (NftablesCutPlan, NftablesFamily) {
        let used = try chooseFamily(batch)
        let nft = try NftablesContext(netns: netns)
        if used != .bridge, let plan = try applyNetdev(batch, nft, onlyDeletions: used == nil) { return (plan, .netdev) }
        let existing = try Self.listing(nft, NftablesCutPlan.listCommand, NftablesCutPlan.rules(fromListing:))
        let plan = NftablesCutPlan(batch: batch, port: port, existing: existing)
        if !plan.script.isEmpty { _ = try nft.run(plan.script) }
        return (plan, .bridge)
    }

    /// Runs listing `command` and parses it with `parse`; nil when the table or chain does not
    /// exist yet; a listing that does not parse is a one-line error.
    static func listing<T>(_ nft: NftablesContext, _ command: String, _ parse: (String) throws -> T) throws(NftablesError) -> T? {
        let listing: String
        do throws(NftablesError) {
            listing = try nft.run(command, json: true)
        } catch where error.message.contains("No such file or directory") {
            return nil
        }
        do {
            return try parse(listing)
        } catch {
            throw NftablesError(message: "\(error)")
        }
    }

    static func describe(_ d: Duration) -> String {
        let us = d.components.seconds * 1_000_000 + d.components.attoseconds / 1_000_000_000_000
        return us >= 10_000 ? "\(us / 1000) ms" : String(format: "%.2f ms", Double(us) / 1000)
    }
}
