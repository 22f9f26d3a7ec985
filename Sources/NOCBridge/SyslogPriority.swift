/// Constants and PRI parts of an RFC 5424 syslog header.
public enum Syslog {
    /// The IANA Private Enterprise Number used in LoopSentry's SD-IDs (`loopsentry@<PEN>`).
    /// 8072 is net-snmp's; it stands in until LoopSentry has a number of its own. Change it here only.
    public static let privateEnterpriseNumber = 8072

    /// The APP-NAME of every message LoopSentry sends.
    public static let appName = "loopsentry"

    /// The SD-ID of the element that carries an event's fields.
    public static let eventSDID = "loopsentry@\(privateEnterpriseNumber)"

    /// The SD-ID of the element that carries swift-log metadata.
    public static let logMetadataSDID = "log@\(privateEnterpriseNumber)"

    /// The RFC 5424 NILVALUE, written for an empty header field.
    public static let nilValue = "-"
}

/// RFC 5424 section 6.2.1 facility codes.
public enum SyslogFacility: Int, Sendable, CaseIterable {
    case kernel = 0, user, mail, daemon, auth, syslog, lpr, news, uucp, cron, authpriv, ftp, ntp
    case audit, alert, clockDaemon
    case local0, local1, local2, local3, local4, local5, local6, local7
}

/// RFC 5424 section 6.2.1 severities, most severe first.
public enum SyslogSeverity: Int, Sendable, CaseIterable, Comparable {
    case emergency = 0, alert, critical, error, warning, notice, informational, debug

    public static func < (a: SyslogSeverity, b: SyslogSeverity) -> Bool { a.rawValue < b.rawValue }
}

/// The PRI value `facility * 8 + severity`, written as `<PRI>` at the start of a message.
public struct SyslogPriority: Hashable, Sendable {
    public var facility: SyslogFacility
    public var severity: SyslogSeverity

    public init(facility: SyslogFacility, severity: SyslogSeverity) {
        self.facility = facility
        self.severity = severity
    }

    /// The numeric PRI, 0...191.
    public var value: Int { facility.rawValue * 8 + severity.rawValue }
}
