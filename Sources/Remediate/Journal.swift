import Foundation
import GRDB
import LoopSentryCore

/// The incident journal: incidents, their transitions, operator actions and playbook runs, in
/// SQLite (GRDB). Every write is its own transaction and is on disk when the call returns, so a
/// kill -9 loses nothing already recorded. A playbook run is recorded *before* it starts, so
/// after a crash the journal tells whether a cut may have run (see `unfinishedRuns`).
public final class Journal: @unchecked Sendable {
    let db: DatabaseQueue
    public let path: String

    /// Opens (creating if needed) the journal at `path`; parent folders are created mode 0700.
    public init(path: String) throws {
        self.path = path
        let dir = URL(fileURLWithPath: path).deletingLastPathComponent().path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        var config = Configuration()
        config.busyMode = .timeout(5)
        db = try DatabaseQueue(path: path, configuration: config)
        try db.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA journal_mode = WAL") }
        try Self.migrator.migrate(db)
    }

    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1") { db in
            try db.create(table: "incident") { t in
                t.column("id", .integer).primaryKey()
                t.column("interface", .text).notNull()
                t.column("vlan", .integer).notNull()
                t.column("inner", .integer)
                t.column("tenant", .text).notNull()
                t.column("policy", .text).notNull()
                t.column("openedAt", .double).notNull()
                t.column("closedAt", .double)
                t.column("state", .text).notNull()
                t.column("snapshot", .blob)
            }
            try db.create(table: "transition") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("incidentID", .integer).notNull().indexed().references("incident")
                t.column("at", .double).notNull()
                t.column("fromState", .text).notNull()
                t.column("toState", .text).notNull()
                t.column("cause", .text).notNull()
                t.column("detail", .text).notNull()
            }
            try db.create(table: "action") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("incidentID", .integer).indexed()
                t.column("at", .double).notNull()
                t.column("interface", .text).notNull()
                t.column("vlan", .integer).notNull()
                t.column("action", .text).notNull()
                t.column("author", .text).notNull()
                t.column("via", .text).notNull()
                t.column("accepted", .boolean).notNull()
                t.column("result", .text).notNull()
            }
            try db.create(table: "playbookRun") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("incidentID", .integer).notNull().indexed().references("incident")
                t.column("startedAt", .double).notNull()
                t.column("finishedAt", .double)
                t.column("playbook", .text).notNull()
                t.column("action", .text).notNull()
                t.column("attempt", .integer).notNull()
                t.column("succeeded", .boolean)
                t.column("changed", .integer)
                t.column("timedOut", .boolean)
                t.column("output", .text)
            }
        }
        m.registerMigration("v2-driver") { db in
            // Which mechanism ran: "ansible" (a playbook) or a native driver ("nftables", "snmp").
            try db.alter(table: "playbookRun") { t in t.add(column: "driver", .text).notNull().defaults(to: "ansible") }
        }
        m.registerMigration("v3-webhooks") { db in
            // One row per webhook POST, written before the first attempt (Journal+Webhooks.swift).
            try db.create(table: "webhookDelivery") { t in
                t.column("id", .text).primaryKey()
                t.column("tenant", .text).notNull()
                t.column("url", .text).notNull()
                t.column("body", .text).notNull()
                t.column("createdAt", .double).notNull()
                t.column("attempts", .integer).notNull().defaults(to: 0)
                t.column("nextAttemptAt", .double).notNull()
                t.column("deliveredAt", .double)
                t.column("lastError", .text)
            }
            try db.create(index: "webhookDelivery_undelivered", on: "webhookDelivery", columns: ["deliveredAt", "createdAt"])
        }
        m.registerMigration("v4-vni") { db in
            // The VXLAN VNI of an incident about a VNI (its `vlan` is 0); NULL for VLAN incidents.
            try db.alter(table: "incident") { t in t.add(column: "vni", .integer) }
        }
        return m
    }

    /// Folds the write-ahead log into the database file (`PRAGMA wal_checkpoint(TRUNCATE)`),
    /// so the file alone holds everything; called at shutdown.
    public func checkpoint() throws {
        try db.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
    }

    /// The next free incident id (one more than the largest ever used).
    public func nextIncidentID() throws -> UInt64 {
        try db.read { db in UInt64(try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(id), 0) + 1 FROM incident") ?? 1) }
    }

    /// One write of a batch (`write(_:)`): all of a batch commit in one transaction, so a poll
    /// that opens a hundred incidents costs one fsync, not hundreds.
    public enum Write: Equatable, Sendable {
        /// A new incident.
        case openIncident(JournalIncident)
        /// One transition and the incident's new state (and persisted snapshot).
        case transition(incident: UInt64, at: Date, from: String, to: String, cause: String, detail: String,
                        snapshot: Data?, closed: Bool)
        /// A run's result and output.
        case finishRun(run: Int64, at: Date, succeeded: Bool, changed: Int, timedOut: Bool, output: String)
        /// An operator action, accepted or refused.
        case action(JournalAction)
        /// A note in an incident's history that does not change its state (from = to = `state`):
        /// e.g. the playbook that saved a native cut.
        case note(incident: UInt64, at: Date, state: String, cause: String, detail: String)
    }

    /// One run about to start (`startRuns(_:)`).
    public struct RunStart: Equatable, Sendable {
        public var incident: UInt64
        /// The playbook's file name, or the native driver's name.
        public var playbook: String
        /// `cut`, `restore` or `persist`.
        public var action: String
        public var attempt: Int
        public var at: Date
        /// `ansible`, `nftables`, `snmp`.
        public var driver: String
        public init(incident: UInt64, playbook: String, action: String, attempt: Int, at: Date, driver: String) {
            self.incident = incident
            self.playbook = playbook
            self.action = action
            self.attempt = attempt
            self.at = at
            self.driver = driver
        }
    }

    /// Carries out `writes` in order, in one transaction (nothing when empty).
    public func write(_ writes: [Write]) throws {
        guard !writes.isEmpty else { return }
        try db.write { db in
            for w in writes { try Self.apply(w, db) }
        }
    }

    static func apply(_ w: Write, _ db: Database) throws {
        switch w {
        case let .openIncident(i):
            try db.execute(sql: """
                INSERT INTO incident (id, interface, vlan, inner, vni, tenant, policy, openedAt, state, snapshot)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [Int64(i.id), i.interface, i.vlan, i.inner, i.vni, i.tenant, i.policy, i.openedAt.timeIntervalSince1970,
                                 i.state, i.snapshot])
        case let .transition(id, at, from, to, cause, detail, snapshot, closed):
            try db.execute(sql: "INSERT INTO transition (incidentID, at, fromState, toState, cause, detail) VALUES (?, ?, ?, ?, ?, ?)",
                           arguments: [Int64(id), at.timeIntervalSince1970, from, to, cause, detail])
            try db.execute(sql: "UPDATE incident SET state = ?, snapshot = ?, closedAt = ? WHERE id = ?",
                           arguments: [to, snapshot, closed ? at.timeIntervalSince1970 : nil, Int64(id)])
        case let .finishRun(run, at, succeeded, changed, timedOut, output):
            try db.execute(sql: "UPDATE playbookRun SET finishedAt = ?, succeeded = ?, changed = ?, timedOut = ?, output = ? WHERE id = ?",
                           arguments: [at.timeIntervalSince1970, succeeded, changed, timedOut, output, run])
        case let .action(a):
            try db.execute(sql: """
                INSERT INTO action (incidentID, at, interface, vlan, action, author, via, accepted, result)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [a.incidentID.map { Int64($0) }, a.at.timeIntervalSince1970, a.interface, a.vlan,
                                 a.action, a.author, a.via, a.accepted, a.result])
        case let .note(id, at, state, cause, detail):
            try db.execute(sql: "INSERT INTO transition (incidentID, at, fromState, toState, cause, detail) VALUES (?, ?, ?, ?, ?, ?)",
                           arguments: [Int64(id), at.timeIntervalSince1970, state, state, cause, detail])
        }
    }

    /// Records that runs are starting, in one transaction; returns their row ids, in order.
    public func startRuns(_ runs: [RunStart]) throws -> [Int64] {
        guard !runs.isEmpty else { return [] }
        return try db.write { db in
            try runs.map { r in
                try db.execute(sql: "INSERT INTO playbookRun (incidentID, startedAt, playbook, action, attempt, driver) VALUES (?, ?, ?, ?, ?, ?)",
                               arguments: [Int64(r.incident), r.at.timeIntervalSince1970, r.playbook, r.action, r.attempt, r.driver])
                return db.lastInsertedRowID
            }
        }
    }

    /// Incidents not closed, with their persisted snapshots, oldest first.
    public func openIncidents() throws -> [JournalIncident] {
        try db.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM incident WHERE closedAt IS NULL ORDER BY id").map(JournalIncident.init(row:))
        }
    }

    /// How many times `action` playbooks started for an incident, and how many never finished.
    public func playbookRuns(incident id: UInt64, action: String) throws -> (started: Int, unfinished: Int) {
        try db.read { db in
            let started = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM playbookRun WHERE incidentID = ? AND action = ?",
                                           arguments: [Int64(id), action]) ?? 0
            let unfinished = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM playbookRun WHERE incidentID = ? AND action = ? AND finishedAt IS NULL",
                                              arguments: [Int64(id), action]) ?? 0
            return (started, unfinished)
        }
    }

    /// True when the incident's last successful cut or restore was made by a native driver and no
    /// persistence run finished successfully after it: the playbook still has to save and audit.
    public func needsPersistence(incident id: UInt64) throws -> Bool {
        try db.read { db in
            guard let last = try Row.fetchOne(db, sql: """
                SELECT id, driver FROM playbookRun WHERE incidentID = ? AND action IN ('cut', 'restore') AND succeeded = 1
                ORDER BY id DESC LIMIT 1
                """, arguments: [Int64(id)]) else { return false }
            let driver: String = last["driver"]
            guard driver != "ansible" else { return false }
            let lastID: Int64 = last["id"]
            let persisted = try Int.fetchOne(db, sql: """
                SELECT COUNT(*) FROM playbookRun WHERE incidentID = ? AND action = 'persist' AND succeeded = 1 AND id > ?
                """, arguments: [Int64(id), lastID]) ?? 0
            return persisted == 0
        }
    }

    /// Every transition of an incident, in order: (from, to, cause, detail).
    public func transitions(incident id: UInt64) throws -> [(from: String, to: String, cause: String, detail: String)] {
        try db.read { db in
            try Row.fetchAll(db, sql: "SELECT fromState, toState, cause, detail FROM transition WHERE incidentID = ? ORDER BY id",
                             arguments: [Int64(id)]).map { ($0["fromState"], $0["toState"], $0["cause"], $0["detail"]) }
        }
    }

    /// Every operator action, in order.
    public func actions() throws -> [JournalAction] {
        try db.read { db in try Row.fetchAll(db, sql: "SELECT * FROM action ORDER BY id").map(JournalAction.init(row:)) }
    }
}

/// An incident row.
public struct JournalIncident: Equatable, Sendable {
    public var id: UInt64
    public var interface: String
    public var vlan: Int
    public var inner: Int?
    /// The VNI of an incident about a VXLAN VNI (then `vlan` is 0); nil for a VLAN incident.
    public var vni: Int?
    public var tenant: String
    public var policy: String
    public var openedAt: Date
    public var state: String
    public var snapshot: Data?
    /// When the incident closed; nil while it is open.
    public var closedAt: Date?

    public init(id: UInt64, interface: String, vlan: Int, inner: Int? = nil, vni: Int? = nil, tenant: String, policy: String,
                openedAt: Date, state: String, snapshot: Data?) {
        self.id = id; self.interface = interface; self.vlan = vlan; self.inner = inner; self.vni = vni; self.tenant = tenant
        self.policy = policy; self.openedAt = openedAt; self.state = state; self.snapshot = snapshot
    }

    init(row: Row) {
        self.init(id: UInt64(row["id"] as Int64), interface: row["interface"], vlan: row["vlan"], inner: row["inner"], vni: row["vni"],
                  tenant: row["tenant"], policy: row["policy"], openedAt: Date(timeIntervalSince1970: row["openedAt"]),
                  state: row["state"], snapshot: row["snapshot"])
        closedAt = (row["closedAt"] as Double?).map { Date(timeIntervalSince1970: $0) }
    }
}

/// An operator action row: who, through what, when, and the result.
public struct JournalAction: Equatable, Sendable {
    public var incidentID: UInt64?
    public var at: Date
    public var interface: String
    public var vlan: Int
    public var action: String
    public var author: String
    public var via: String
    public var accepted: Bool
    public var result: String

    public init(incidentID: UInt64?, at: Date, interface: String, vlan: Int, action: String, author: String,
                via: String, accepted: Bool, result: String) {
        self.incidentID = incidentID; self.at = at; self.interface = interface; self.vlan = vlan; self.action = action
        self.author = author; self.via = via; self.accepted = accepted; self.result = result
    }

    init(row: Row) {
        self.init(incidentID: (row["incidentID"] as Int64?).map { UInt64($0) }, at: Date(timeIntervalSince1970: row["at"]),
                  interface: row["interface"], vlan: row["vlan"], action: row["action"], author: row["author"],
                  via: row["via"], accepted: row["accepted"], result: row["result"])
    }
}
