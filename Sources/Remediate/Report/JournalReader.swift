import Foundation
import GRDB

/// Reads a journal without changing it: opened read-only (`SQLITE_OPEN_READONLY`), never
/// created or migrated, and no file is created beside it. While the daemon has the journal open
/// (its write-ahead log `-wal` exists) the reader shares the daemon's `-wal` and `-shm`; when
/// nobody has it open (no `-wal`: everything is in the file) it is opened `immutable`, so SQLite
/// creates no `-shm` (which, made by root, the unprivileged daemon could not open afterwards).
public enum JournalReader {
    /// Why a journal could not be read; the description names the file.
    public struct Failure: Error, CustomStringConvertible, Equatable {
        public let description: String
    }

    /// The rows of `tenant`'s incidents opened in `since ..< until`, with every transition,
    /// action and run of those incidents, each in journal order.
    public static func rows(path: String, tenant: String, since: Date, until: Date) throws -> JournalRows {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw Failure(description: "\(path): journal does not exist")
        }
        guard !isDirectory.boolValue else { throw Failure(description: "\(path): is a folder, not a journal") }
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw Failure(description: "\(path): journal is not readable (permission denied)")
        }
        var config = Configuration()
        config.readonly = true
        config.busyMode = .timeout(5)
        do {
            let db = try DatabaseQueue(path: sqlitePath(path), configuration: config)
            return try db.read { db in
                guard try db.tableExists("incident"), try db.tableExists("transition"), try db.tableExists("action"),
                      try db.tableExists("playbookRun") else {
                    throw Failure(description: "\(path): not a LoopSentry journal (no incident tables)")
                }
                return try fetch(db, tenant: tenant, since: since, until: until)
            }
        } catch let failure as Failure {
            throw failure
        } catch let error as DatabaseError {
            throw Failure(description: "\(path): cannot read the journal: \(error.message ?? "\(error.resultCode)")")
        }
    }

    /// `path` as SQLite is to open it: as it is while a write-ahead log exists, else as an
    /// `immutable` URI (`file:/var/lib/…?immutable=1`).
    static func sqlitePath(_ path: String) -> String {
        guard !FileManager.default.fileExists(atPath: path + "-wal") else { return path }
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "?#%")
        return "file:" + (absolute.addingPercentEncoding(withAllowedCharacters: allowed) ?? absolute) + "?immutable=1"
    }

    static func fetch(_ db: Database, tenant: String, since: Date, until: Date) throws -> JournalRows {
        let selected = "SELECT id FROM incident WHERE tenant = :tenant AND openedAt >= :since AND openedAt < :until"
        let args: StatementArguments = ["tenant": tenant, "since": since.timeIntervalSince1970, "until": until.timeIntervalSince1970]
        let incidents = try Row.fetchAll(db, sql: "SELECT * FROM incident WHERE id IN (\(selected)) ORDER BY openedAt, id",
                                         arguments: args).map(JournalIncident.init(row:))
        let transitions = try Row.fetchAll(db, sql: "SELECT * FROM \"transition\" WHERE incidentID IN (\(selected)) ORDER BY id",
                                           arguments: args).map { row in
            JournalTransition(incidentID: UInt64(row["incidentID"] as Int64), at: Date(timeIntervalSince1970: row["at"]),
                              from: row["fromState"], to: row["toState"], cause: row["cause"], detail: row["detail"])
        }
        let actions = try Row.fetchAll(db, sql: "SELECT * FROM action WHERE incidentID IN (\(selected)) ORDER BY id",
                                       arguments: args).map(JournalAction.init(row:))
        let runs = try Row.fetchAll(db, sql: "SELECT * FROM playbookRun WHERE incidentID IN (\(selected)) ORDER BY id",
                                    arguments: args).map { row in
            JournalRun(incidentID: UInt64(row["incidentID"] as Int64), startedAt: Date(timeIntervalSince1970: row["startedAt"]),
                       finishedAt: (row["finishedAt"] as Double?).map(Date.init(timeIntervalSince1970:)),
                       playbook: row["playbook"], action: row["action"], attempt: row["attempt"], driver: (row["driver"] as String?) ?? "ansible",
                       succeeded: row["succeeded"], changed: row["changed"], timedOut: row["timedOut"])
        }
        return JournalRows(incidents: incidents, transitions: transitions, actions: actions, runs: runs)
    }
}
