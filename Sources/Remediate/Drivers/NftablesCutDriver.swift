import Foundation
import LoopSentryCore

/// Cuts and restores VLANs on a Linux bridge port in-process with libnftables: one listing and
/// one nftables transaction per batch, in the rule format of `linux-bridge-vlan.yml`. The bridge
/// must be reachable from this host, optionally inside network namespace `netns`.
public struct NftablesCutDriver: CutDriver {
    public let kind = CutDriverKind.nftables
    /// The bridge port the VLANs are cut on.
    public var port: String
    /// The namespace of the bridge (nil: the daemon's own).
    public var netns: String?

    /// One batch at a time per process: an nftables context is not thread-safe and two
    /// transactions planned from the same listing must not interleave.
    private static let lock = NSLock()

    public init(port: String, netns: String?) {
        self.port = port
        self.netns = netns
    }

    public func apply(_ batch: CutBatch) async -> CutOutcome {
        let clock = ContinuousClock()
        let start = clock.now
        let result = Self.lock.withLock { () -> Result<NftablesCutPlan, NftablesError> in
            do throws(NftablesError) {
                return .success(try applyLocked(batch))
            } catch {
                return .failure(error)
            }
        }
        let took = clock.now - start
        let place = "bridge port \(port)\(netns.map { " in netns \($0)" } ?? "")"
        switch result {
        case .success(let plan):
            let change = plan.script.isEmpty ? "no change (already \(batch.action == .cut ? "cut" : "restored"))"
                : batch.action == .cut ? "\(plan.added) rule(s) added" : "\(plan.deleted) rule(s) deleted"
            return CutOutcome(changed: !plan.script.isEmpty,
                              detail: "nftables: \(change) on \(place) in \(Self.describe(took))", duration: took)
        case .failure(let e):
            return .failed(batch, "nftables on \(place): \(e)", duration: took)
        }
    }

    /// Lists the chain, plans, and applies the plan as one transaction.
    func applyLocked(_ batch: CutBatch) throws(NftablesError) -> NftablesCutPlan {
        let nft = try NftablesContext(netns: netns)
        var existing: [NftablesCutPlan.Rule]?
        let listing: String?
        do throws(NftablesError) {
            listing = try nft.run(NftablesCutPlan.listCommand, json: true)
        } catch where error.message.contains("No such file or directory") {
            listing = nil   // no table or chain yet
        }
        if let listing {
            do {
                existing = try NftablesCutPlan.rules(fromListing: listing)
            } catch {
                throw NftablesError(message: "\(error)")
            }
        }
        let plan = NftablesCutPlan(batch: batch, port: port, existing: existing)
        if !plan.script.isEmpty { _ = try nft.run(plan.script) }
        return plan
    }

    static func describe(_ d: Duration) -> String {
        let us = d.components.seconds * 1_000_000 + d.components.attoseconds / 1_000_000_000_000
        return us >= 10_000 ? "\(us / 1000) ms" : String(format: "%.2f ms", Double(us) / 1000)
    }
}
