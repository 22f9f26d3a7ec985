import Foundation
import LoopSentryCore

/// Cuts and restores VLANs on an Open vSwitch port through its database, in-process: OVSDB
/// JSON-RPC (RFC 7047) on the Unix socket of ovsdb-server. Per batch: one `select` of the Port,
/// the plan of `ovs-trunk-vlan.yml` (`OVSTrunkPlan`), one transaction — a `wait` that trunks and
/// external_ids are still what was read, the `update`, `next_cfg += 1` — then it waits until
/// ovs-vswitchd has applied it (`cur_cfg`) and reads the trunks back. Another writer between the
/// read and the transaction makes the `wait` fail: nothing changed, it reads and plans again (at
/// most three times). Never throws: every failure is one line per VLAN.
public struct OVSCutDriver: CutDriver {
    public var kind: CutDriverKind { .ovs }
    public let target: OVSCutTarget
    /// The OVS Port (its `name`) the VLANs are cut on.
    public let port: String

    public init(target: OVSCutTarget, port: String) {
        self.target = target
        self.port = port
    }

    /// Runs on a thread of its own, so a database that does not answer holds no thread of the
    /// concurrency pool while the request waits out its deadline.
    public func apply(_ batch: CutBatch) async -> CutOutcome {
        await withCheckedContinuation { continuation in
            let thread = Thread { continuation.resume(returning: run(batch)) }
            thread.name = "ls-ovs-cut"
            thread.start()
        }
    }

    /// `ovs port trunk (unix:/run/openvswitch/db.sock)`: the start of every line.
    var place: String { "ovs port \(port) (\(target.database))" }

    /// Cuts or restores the batch; blocks for at most the target's timeout.
    public func run(_ batch: CutBatch) -> CutOutcome {
        let clock = ContinuousClock()
        let start = clock.now
        let deadline = start.advanced(by: .milliseconds(target.timeoutMilliseconds))
        do throws(OVSDBError) {
            let db = try OVSDBConnection(path: target.socketPath, deadline: deadline)
            var attempt = 1
            while true {
                let row = try readPort(db)
                let plan = OVSTrunkPlan(row: row, action: batch.action, vlans: batch.vlans, port: port)
                if let refusal = plan.refusal { return .failed(batch, "\(place): \(refusal)", duration: clock.now - start) }
                guard plan.changes else {
                    try waitApplied(db, next: nil)
                    let took = clock.now - start
                    return CutOutcome(changed: false, detail: "ovs: no change on port \(port) (VLAN \(Self.list(batch.vlans)) already "
                                      + "\(batch.action == .cut ? "cut" : "restored"); trunks \(OVSTrunkPlan.ranges(row.trunks))) in "
                                      + NftablesCutDriver.describe(took), duration: took)
                }
                let next: Int
                do throws(OVSDBError) {
                    next = try commit(db, row: row, plan: plan, batch: batch)
                } catch .refused(let why) where why.hasPrefix("timed out") && attempt < 3 {
                    attempt += 1   // the row changed after it was read: read and plan again
                    continue
                }
                try waitApplied(db, next: next)
                let after = try readPort(db)
                guard after.trunks == plan.trunks else {
                    return .failed(batch, "\(place): trunks read back as \(OVSTrunkPlan.ranges(after.trunks)), "
                                   + "not \(OVSTrunkPlan.ranges(plan.trunks))", duration: clock.now - start)
                }
                let took = clock.now - start
                let all = row.trunks.isEmpty || plan.trunks.isEmpty ? " (empty trunks: every VLAN)" : ""
                return CutOutcome(changed: true, detail: "ovs: VLAN \(plan.moved.map(String.init).joined(separator: ",")) "
                                  + "\(batch.action == .cut ? "removed from" : "given back to") port \(port): trunks "
                                  + "\(OVSTrunkPlan.ranges(row.trunks)) -> \(OVSTrunkPlan.ranges(plan.trunks))\(all), applied by "
                                  + "ovs-vswitchd in \(NftablesCutDriver.describe(took))", duration: took)
            }
        } catch .refused(let why) where why.hasPrefix("timed out") {
            return .failed(batch, "\(place): the port kept changing under another writer; nothing changed", duration: clock.now - start)
        } catch {
            return .failed(batch, "\(place): \(error)", duration: clock.now - start)
        }
    }

    static func list(_ vlans: [VLANID]) -> String { vlans.map { String($0.value) }.joined(separator: ",") }

    /// The Port row named `port`; throws `.refused` when there is none.
    func readPort(_ db: OVSDBConnection) throws(OVSDBError) -> OVSPortRow {
        let result = try db.transact([["op": "select", "table": "Port", "where": [["name", "==", port]],
                                       "columns": ["_uuid", "trunks", "tag", "vlan_mode", "external_ids"]]])
        guard let rows = result.first?["rows"] as? [[String: Any]] else { throw .protocolError("select without rows") }
        guard let r = rows.first else { throw .refused("port \(port) not found in the database; nothing changed") }
        guard let uuid = (r["_uuid"] as? [Any])?.last as? String else { throw .protocolError("Port row without _uuid") }
        return OVSPortRow(uuid: uuid, trunks: OVSDBValue.set(r["trunks"]).compactMap { $0 as? Int },
                          tag: OVSDBValue.set(r["tag"]).first as? Int,
                          vlanMode: OVSDBValue.set(r["vlan_mode"]).first as? String,
                          externalIDs: OVSDBValue.map(r["external_ids"]))
    }

    /// The transaction; returns the `next_cfg` ovs-vswitchd must reach.
    func commit(_ db: OVSDBConnection, row: OVSPortRow, plan: OVSTrunkPlan, batch: CutBatch) throws(OVSDBError) -> Int {
        let whereRow: [Any] = [["_uuid", "==", ["uuid", row.uuid]]]
        let incident = batch.incidents.map(String.init).joined(separator: ",")
        let results = try db.transact([
            ["op": "wait", "table": "Port", "where": whereRow, "columns": ["trunks", "external_ids"], "until": "==",
             "rows": [["trunks": OVSDBValue.encodeSet(row.trunks), "external_ids": OVSDBValue.encodeMap(row.externalIDs)]],
             "timeout": 0],
            ["op": "update", "table": "Port", "where": whereRow,
             "row": ["trunks": OVSDBValue.encodeSet(plan.trunks), "external_ids": OVSDBValue.encodeMap(plan.externalIDs)]],
            ["op": "mutate", "table": "Open_vSwitch", "where": [Any](), "mutations": [["next_cfg", "+=", 1]]],
            ["op": "select", "table": "Open_vSwitch", "where": [Any](), "columns": ["next_cfg"]],
            ["op": "comment", "comment": "loopsentry \(batch.action.rawValue) vlan \(plan.moved.map(String.init).joined(separator: ",")) "
                + "port \(port) incident \(incident.isEmpty ? "manual" : incident) tenant \(batch.tenant)"],
        ])
        guard results.count >= 4, let next = ((results[3]["rows"] as? [[String: Any]])?.first?["next_cfg"]) as? Int else {
            throw .protocolError("no next_cfg in the transaction's result")
        }
        return next
    }

    /// Waits until ovs-vswitchd's `cur_cfg` reaches `next` (nil: the database's own `next_cfg`),
    /// polling every 5 ms until the deadline.
    func waitApplied(_ db: OVSDBConnection, next: Int?) throws(OVSDBError) {
        var last: (cur: Int, wanted: Int)?
        func notApplied() -> OVSDBError {
            .refused("ovs-vswitchd has not applied the database (cur_cfg \(last.map { "\($0.cur) < next_cfg \($0.wanted)" } ?? "unknown")) "
                     + "within \(target.timeoutMilliseconds) ms: is ovs-vswitchd running?\(next == nil ? "" : " The database has the change.")")
        }
        while true {
            let r: [[String: Any]]
            do throws(OVSDBError) {
                r = try db.transact([["op": "select", "table": "Open_vSwitch", "where": [Any](), "columns": ["cur_cfg", "next_cfg"]]])
            } catch .timedOut {
                throw notApplied()   // the deadline passed while polling
            }
            guard let row = (r.first?["rows"] as? [[String: Any]])?.first, let cur = row["cur_cfg"] as? Int,
                  let wanted = next ?? row["next_cfg"] as? Int else { throw .protocolError("no Open_vSwitch row") }
            if cur >= wanted { return }
            last = (cur, wanted)
            guard ContinuousClock.now.advanced(by: .milliseconds(5)) < db.deadline else { throw notApplied() }
            usleep(5_000)
        }
    }
}

/// OVSDB's JSON encoding of sets and maps (RFC 7047 section 5.1): a set of one element may be
/// the bare atom.
enum OVSDBValue {
    static func set(_ value: Any?) -> [Any] {
        if let a = value as? [Any], a.count == 2, a[0] as? String == "set" { return a[1] as? [Any] ?? [] }
        return value.map { [$0] } ?? []
    }

    static func map(_ value: Any?) -> [String: String] {
        guard let a = value as? [Any], a.count == 2, a[0] as? String == "map", let pairs = a[1] as? [[Any]] else { return [:] }
        var out: [String: String] = [:]
        for p in pairs where p.count == 2 { if let k = p[0] as? String, let v = p[1] as? String { out[k] = v } }
        return out
    }

    static func encodeSet(_ ints: [Int]) -> [Any] { ["set", ints] }

    static func encodeMap(_ map: [String: String]) -> [Any] { ["map", map.sorted { $0.key < $1.key }.map { [$0.key, $0.value] }] }
}
