/// Net-SNMP log lines that say nothing an operator can act on, dropped before the event log.
///
/// `send_v2trap` always builds an SNMPv1 copy of a notification for v1 trap sinks, and logs
/// two warnings when a varbind is a Counter64 (loopConfirmed's returned-probe count), which v1
/// cannot carry. A subagent has no v1 sinks: the notification goes to the master over AgentX
/// as SNMPv2, unchanged, and the master converts it for its own v1 sinks. So the warnings are
/// about a copy nobody sends. Every other library line (connection lost, registration failed,
/// ...) still reaches the log.
public enum NetSNMPLogNoise {
    /// The beginnings of the lines dropped, exactly as Net-SNMP 5.9 prints them.
    public static let prefixes = [
        "send_trap: v1 traps can't carry Counter64 varbinds",
        "send_trap: failed to convert v2->v1 template PDU",
    ]

    /// True when `line` (without its newline) is one of the dropped lines.
    public static func matches(_ line: String) -> Bool {
        prefixes.contains { line.hasPrefix($0) }
    }
}
