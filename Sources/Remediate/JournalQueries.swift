import Foundation
import GRDB

/// A read-only connection to the running daemon's journal for the portal's threads, kept open:
/// it never writes and, the journal being in WAL mode, never waits for the main loop's writes
/// nor holds them up. (`JournalReader` reads a journal once, for reports.)
public final class JournalQueries: @unchecked Sendable {
    let db: DatabaseQueue

    /// Opens the journal at `path` (which the daemon's `Journal` created) read-only.
    public init(path: String) throws {
        var config = Configuration()
        config.readonly = true
        config.busyMode = .timeout(5)
        db = try DatabaseQueue(path: path, configuration: config)
    }

    /// Incidents not closed, oldest first.
    public func openIncidents() throws -> [JournalIncident] {
        try db.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM incident WHERE closedAt IS NULL ORDER BY id").map(JournalIncident.init(row:))
        }
    }

    /// The newest `limit` incidents, of `tenant` only when given, newest first.
    public func incidents(tenant: String?, limit: Int) throws -> [JournalIncident] {
        try db.read { db in
            let rows = if let tenant {
                try Row.fetchAll(db, sql: "SELECT * FROM incident WHERE tenant = ? ORDER BY id DESC LIMIT ?", arguments: [tenant, limit])
            } else {
                try Row.fetchAll(db, sql: "SELECT * FROM incident ORDER BY id DESC LIMIT ?", arguments: [limit])
            }
            return rows.map(JournalIncident.init(row:))
        }
    }

    /// One incident, nil when there is none with `id`.
    public func incident(id: UInt64) throws -> JournalIncident? {
        guard id <= UInt64(Int64.max) else { return nil }
        return try db.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM incident WHERE id = ?", arguments: [Int64(id)]).map(JournalIncident.init(row:))
        }
    }

    /// An incident's transitions in order.
    public func transitions(incident id: UInt64) throws -> [JournalTransition] {
        try db.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM transition WHERE incidentID = ? ORDER BY id", arguments: [Int64(id)]).map {
                JournalTransition(incidentID: id, at: Date(timeIntervalSince1970: $0["at"]), from: $0["fromState"], to: $0["toState"],
                                  cause: $0["cause"], detail: $0["detail"])
            }
        }
    }

    /// An incident's operator actions in order.
    public func actions(incident id: UInt64) throws -> [JournalAction] {
        try db.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM action WHERE incidentID = ? ORDER BY id", arguments: [Int64(id)])
                .map(JournalAction.init(row:))
        }
    }
}
