import Foundation
import LoopSentryCore

/// VNI cuts on an interface that is not a bridge port (a routed VTEP's underlay): table
/// `netdev loopsentry` with two base chains per port, `in-PORT` at the port's ingress hook and
/// `out-PORT` at its egress hook (priority -200), each with one rule per VNI matching the UDP
/// destination port and the VNI field as the bridge family does, with the same comments. A cut
/// adds the table and chains it lacks and the rules missing; a restore deletes every rule with
/// the VNI's key, whatever incident made it (a rule left by an earlier run included), and then
/// the port's chains that are left empty, so a port without cuts has no hook.
extension NftablesCutPlan {
    /// The command that lists the netdev table with rule handles (run with JSON output).
    public static let netdevListCommand = "list table netdev \(table)"

    /// The chain of `port` for direction `dir` (`in`: ingress hook, `out`: egress hook): an nft
    /// identifier, so a character of the name that nft does not take in one becomes `_`.
    public static func netdevChain(port: String, dir: String) -> String {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-".unicodeScalars)
        return "\(dir)-" + String(String.UnicodeScalarView(port.unicodeScalars.map { allowed.contains($0) ? $0 : "_" }))
    }

    /// The netdev table as listed: every rule of ours, and the number of rules (ours or not) per chain.
    public struct NetdevTable: Equatable, Sendable {
        public var rules: [Rule]
        public var ruleCount: [String: Int]

        public init(rules: [Rule], ruleCount: [String: Int]) {
            self.rules = rules
            self.ruleCount = ruleCount
        }
    }

    /// The netdev table from a JSON listing (`nft -j -a list table netdev loopsentry`); throws a
    /// one-line error when the listing is not nftables JSON.
    public static func netdevTable(fromListing json: String) throws -> NetdevTable {
        let rules = try Self.rules(fromListing: json)
        guard let data = json.data(using: .utf8), let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let items = root["nftables"] as? [[String: Any]] else {
            throw NftablesPlanError(message: "nft listing is not nftables JSON: \(json.prefix(80))")
        }
        var count: [String: Int] = [:]
        for item in items {
            if let c = item["chain"] as? [String: Any], let name = c["name"] as? String { count[name, default: 0] += 0 }
            if let r = item["rule"] as? [String: Any], let chain = r["chain"] as? String { count[chain, default: 0] += 1 }
        }
        return NetdevTable(rules: rules, ruleCount: count)
    }

    /// Plans `batch`'s VNIs on `port` in the netdev family, given the table (`existing` nil: no
    /// table yet). The batch's VLANs are not planned: the driver refuses them before.
    public init(netdevBatch batch: CutBatch, port: String, existing: NetdevTable?) {
        let table = existing ?? NetdevTable(rules: [], ruleCount: [:])
        let planned = Self.lines(batch.action, Self.vniCuts(batch, port: port), port: port, tenant: batch.tenant,
                                 rules: table.rules, family: .netdev)
        var lines = planned.lines
        var header: [String] = []
        if planned.added > 0 && existing == nil { header.append("add table netdev \(Self.table)") }
        for (dir, hook) in [("in", "ingress"), ("out", "egress")] {
            let chain = Self.netdevChain(port: port, dir: dir)
            let adds = lines.filter { $0.hasPrefix("add rule netdev \(Self.table) \(chain) ") }.count
            let deletes = lines.filter { $0.hasPrefix("delete rule netdev \(Self.table) \(chain) ") }.count
            if adds > 0 && table.ruleCount[chain] == nil {
                header.append("add chain netdev \(Self.table) \(chain) { type filter hook \(hook) device \"\(port)\" "
                              + "priority -200; policy accept; }")
            }
            if deletes > 0 && deletes == table.ruleCount[chain] { lines.append("delete chain netdev \(Self.table) \(chain)") }
        }
        lines = header + lines
        script = lines.isEmpty ? "" : lines.joined(separator: "\n") + "\n"
        added = planned.added
        deleted = planned.deleted
    }
}
