import Foundation

/// The journal rows a report is computed from: incidents with their transitions, operator
/// actions and driver runs. Plain values, so the report can be built (and tested) without a
/// database.
public struct JournalRows: Equatable, Sendable {
    public var incidents: [JournalIncident]
    public var transitions: [JournalTransition]
    public var actions: [JournalAction]
    public var runs: [JournalRun]

    public init(incidents: [JournalIncident] = [], transitions: [JournalTransition] = [],
                actions: [JournalAction] = [], runs: [JournalRun] = []) {
        self.incidents = incidents; self.transitions = transitions; self.actions = actions; self.runs = runs
    }
}

/// A transition row: the incident moved `from` → `to` at `at` because of `cause`. A note has
/// `from == to`.
public struct JournalTransition: Equatable, Sendable {
    public var incidentID: UInt64
    public var at: Date
    public var from: String
    public var to: String
    public var cause: String
    public var detail: String

    public init(incidentID: UInt64, at: Date, from: String, to: String, cause: String, detail: String = "") {
        self.incidentID = incidentID; self.at = at; self.from = from; self.to = to; self.cause = cause; self.detail = detail
    }
}

/// A playbook or native driver run row; `finishedAt` and the result are nil while it runs (or
/// when the daemon died during it).
public struct JournalRun: Equatable, Sendable {
    public var incidentID: UInt64
    public var startedAt: Date
    public var finishedAt: Date?
    /// The playbook's file name, or the native driver's name.
    public var playbook: String
    /// `cut`, `restore` or `persist`.
    public var action: String
    public var attempt: Int
    /// `ansible`, `nftables`, `snmp`.
    public var driver: String
    public var succeeded: Bool?
    public var changed: Int?
    public var timedOut: Bool?

    public init(incidentID: UInt64, startedAt: Date, finishedAt: Date? = nil, playbook: String, action: String,
                attempt: Int, driver: String, succeeded: Bool? = nil, changed: Int? = nil, timedOut: Bool? = nil) {
        self.incidentID = incidentID; self.startedAt = startedAt; self.finishedAt = finishedAt; self.playbook = playbook
        self.action = action; self.attempt = attempt; self.driver = driver; self.succeeded = succeeded
        self.changed = changed; self.timedOut = timedOut
    }
}
