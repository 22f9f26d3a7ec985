import LoopSentryCore

/// How the AgentX subagent connects and what its scalars say.
public struct SubagentConfiguration: Sendable {
    /// Name the library uses for its log lines and (unused) config files.
    public var name: String = "loopsentry"
    /// The master agent's AgentX socket, as snmpd's `agentXSocket` gives it: a Unix socket
    /// path or `tcp:host:port`. nil: Net-SNMP's default (/var/agentx/master).
    public var agentXSocket: String?
    /// Seconds between pings to the master, and between reconnect attempts while it is
    /// away. 1 or 2 brings a restarted snmpd's table back within a few seconds.
    public var pingIntervalSeconds: Int = 2
    /// Where Net-SNMP may create its state directories (nothing is persisted). nil: the
    /// library default (/var/lib/snmp).
    public var persistentDirectory: String?
    /// `loopSentryVersion`.
    public var version: String
    /// `loopSentryStartTime`.
    public var startTime: UTCTimestamp
    /// `loopSentrySensorName`, also the last varbind of every notification.
    public var sensorName: String = ""

    /// Notification rate limits (also shown as `loopSentryNotify*Limit`).
    public var limits: NotificationLimits = NotificationLimits()
    /// Notifications held while the master is unreachable; beyond this the oldest is dropped.
    public var queueCapacity: Int = 256
    /// Receives Net-SNMP's log lines (syslog priority, text). nil: the library logs to stderr.
    public var log: (@Sendable (_ priority: Int32, _ message: String) -> Void)?

    public init(agentXSocket: String?, version: String, startTime: UTCTimestamp) {
        self.agentXSocket = agentXSocket
        self.version = version
        self.startTime = startTime
    }
}

/// What became of a notification handed to the subagent.
public enum NotificationDisposition: Equatable, Sendable {
    /// Admitted and queued for the agent thread, which sends it now or after the master returns.
    case queued
    /// The subagent is not running.
    case notRunning
}

/// Counts of what happened to notifications, as the scalars show them.
public struct NotificationStatistics: Equatable, Sendable {
    /// Handed to the master agent.
    public var sent: UInt32 = 0
    /// Refused by a rate limit.
    public var suppressed: UInt32 = 0
    /// Lost because the outage queue was full.
    public var dropped: UInt32 = 0
    /// Waiting for the master agent.
    public var queued: UInt32 = 0
}
