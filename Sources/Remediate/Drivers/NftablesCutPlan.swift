import Foundation
import LoopSentryCore

/// The nftables change that cuts or restores a batch of VLANs (and VXLAN VNIs, see
/// `NftablesCutPlan+VNI.swift`) on one Linux bridge port, in the
/// format of `playbooks/linux-bridge-vlan.yml` (table `bridge loopsentry`, chain `cut`, two rules
/// per VLAN with a `loopsentry port=P vlan=N dir=in|out …` comment), so the playbook sees a native
/// cut as already done and can restore it, and the driver sees the playbook's. Pure: it reads a
/// chain listing (`nft -j -a list chain bridge loopsentry cut`) and writes a script.
public struct NftablesCutPlan: Equatable, Sendable {
    /// The table (bridge family) holding the cut chain.
    public static let table = "loopsentry"
    /// The chain, hooked at forward priority -200 (before any filter at the default priority).
    public static let chain = "cut"
    /// The command that lists the chain with rule handles (run with JSON output).
    public static let listCommand = "list chain bridge \(table) \(chain)"

    /// One rule of ours found in the chain.
    public struct Rule: Equatable, Sendable {
        public var handle: Int
        public var comment: String
        /// The chain holding it (`cut` in the bridge table; `in-PORT`/`out-PORT` in the netdev table).
        public var chain: String = NftablesCutPlan.chain
    }

    /// The nftables script (one transaction); empty when nothing changes.
    public var script: String
    /// Rules the script adds.
    public var added: Int
    /// Rules the script deletes.
    public var deleted: Int

    /// The rules of chain `cut` whose comment starts with `loopsentry `, from a JSON listing.
    /// Throws a one-line error when the listing is not nftables JSON.
    public static func rules(fromListing json: String) throws -> [Rule] {
        guard let data = json.data(using: .utf8),
              let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let items = root["nftables"] as? [[String: Any]] else {
            throw NftablesPlanError(message: "nft listing is not nftables JSON: \(json.prefix(80))")
        }
        return items.compactMap { item in
            guard let rule = item["rule"] as? [String: Any], let handle = rule["handle"] as? Int,
                  let comment = rule["comment"] as? String, comment.hasPrefix("loopsentry ") else { return nil }
            return Rule(handle: handle, comment: comment, chain: rule["chain"] as? String ?? chain)
        }
    }

    /// The comment key of `vlan` on `port`: every rule of that cut starts with it.
    public static func ruleKey(port: String, vlan: VLANID) -> String { "loopsentry port=\(port) vlan=\(vlan) " }

    /// The tenant as written into comments: characters outside `A-Za-z0-9_.-` become `_`, at most 32.
    public static func tenantLabel(_ tenant: String) -> String {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-".unicodeScalars)
        var label = String.UnicodeScalarView()
        for s in tenant.unicodeScalars.prefix(32) { label.append(allowed.contains(s) ? s : "_") }
        return String(label)
    }

    /// One segment's cut: its comment key, its match (after the port) and its incident.
    struct Cut {
        var key: String
        var match: String
        var incident: UInt64?
    }

    /// The lines cutting (two rules each, `dir=in` and `dir=out`, those missing only) or restoring
    /// (every rule with the key) `cuts` on `port`: in the bridge table's chain matching the port
    /// by name, or in the netdev table's chains of the port (`netdevChain`).
    static func lines(_ action: PlaybookAction, _ cuts: [Cut], port: String, tenant: String,
                      rules: [Rule], family: NftablesFamily = .bridge) -> (lines: [String], added: Int, deleted: Int) {
        var lines: [String] = []
        var added = 0
        var deleted = 0
        for cut in cuts {
            let ours = rules.filter { $0.comment.hasPrefix(cut.key) }
            switch action {
            case .cut:
                let incident = cut.incident.map(String.init) ?? "manual"
                for dir in ["in", "out"] where !ours.contains(where: { $0.comment.hasPrefix(cut.key + "dir=\(dir)") }) {
                    let place = family == .netdev ? "netdev \(table) \(netdevChain(port: port, dir: dir))"
                        : "bridge \(table) \(chain) \(dir == "in" ? "iifname" : "oifname") \"\(port)\""
                    lines.append("add rule \(place) \(cut.match) counter drop comment "
                                 + "\"\(cut.key)dir=\(dir) incident=\(incident) tenant=\(tenantLabel(tenant))\"")
                    added += 1
                }
            case .restore:
                for r in ours {
                    lines.append(family == .netdev ? "delete rule netdev \(table) \(r.chain) handle \(r.handle)"
                                                   : "delete rule bridge \(table) \(chain) handle \(r.handle)")
                    deleted += 1
                }
            }
        }
        return (lines, added, deleted)
    }

    /// Plans `batch` on `port`, given the chain's current rules (`existing` nil: no chain yet).
    public init(batch: CutBatch, port: String, existing: [Rule]?) {
        let t = Self.table, c = Self.chain
        let vlanCuts = batch.vlans.map { vlan in
            Cut(key: Self.ruleKey(port: port, vlan: vlan), match: "vlan id \(vlan)", incident: batch.incidentOf[vlan])
        }
        let (planned, added, deleted) = Self.lines(batch.action, vlanCuts + Self.vniCuts(batch, port: port), port: port,
                                                   tenant: batch.tenant, rules: existing ?? [])
        var lines = planned
        if added > 0 && existing == nil {
            lines.insert(contentsOf: ["add table bridge \(t)",
                                      "add chain bridge \(t) \(c) { type filter hook forward priority -200; policy accept; }"], at: 0)
        }
        script = lines.isEmpty ? "" : lines.joined(separator: "\n") + "\n"
        self.added = added
        self.deleted = deleted
    }
}

/// A chain listing that could not be read.
public struct NftablesPlanError: Error, Equatable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
