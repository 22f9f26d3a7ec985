/// NOCBridge: how LoopSentry reaches a NOC — the AgentX subagent serving LOOPSENTRY-MIB,
/// SNMP notifications and RFC 5424 syslog. Built in later issues (#4, #5); this target
/// exists so the package layout is fixed from the start and holds nothing yet.
public enum NOCBridge {}
