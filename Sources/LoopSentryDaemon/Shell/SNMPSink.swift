import Foundation
import LoopSentryConfig
import LoopSentryCore
import NOCBridge

/// The AgentX subagent as a NOC sink, and the MIB edge: rows and notifications carry the
/// ifIndex of their interface; an SNMP SET's (ifIndex, VLAN) becomes (interface, VLAN) here,
/// before it reaches the daemon's main loop through the inbox.
final class SNMPSink: NOCSink, OperatorActionHandler, @unchecked Sendable {
    let name = "snmp"
    let agent: SNMPSubagent
    private let inbox: Inbox
    private let lock = NSLock()
    /// ifIndex → interface name, from the rows last published.
    private var interfaces: [Int32: String] = [:]

    init(config: SNMPConfig, version: String, inbox: Inbox, log: EventLog) throws {
        self.inbox = inbox
        var c = SubagentConfiguration(agentXSocket: config.agentxSocket, version: version,
                                      startTime: UTCTimestamp(millisecondsSince1970: Int64(Date().timeIntervalSince1970 * 1000)))
        c.pingIntervalSeconds = config.pingIntervalSeconds
        c.limits = NotificationLimits(globalPerMinute: UInt32(config.notificationsPerMinute),
                                      globalBurst: UInt32(config.notificationBurst),
                                      perVLANPerMinute: UInt32(config.notificationsPerVLANPerMinute),
                                      perVLANBurst: UInt32(config.notificationVLANBurst))
        c.queueCapacity = config.queueLimit
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("loopsentry-snmp-\(getpid())").path
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        c.persistentDirectory = dir
        c.log = { _, line in log.write("snmpLog", detail: line.trimmingCharacters(in: .whitespacesAndNewlines), at: 0) }
        agent = try SNMPSubagent(configuration: c)
        agent.setActionHandler(self)
        try agent.start()
    }

    func handle(_ request: OperatorRequest) -> OperatorActionResult {
        guard let interface = lock.withLock({ interfaces[request.key.ifIndex] }) else {
            return OperatorActionResult(accepted: false, message: "no interface with ifIndex \(request.key.ifIndex)")
        }
        let command: OperatorCommand
        switch request.change {
        case let .action(action):
            command = .action(action, interface: interface, vlan: Int(request.key.vlan.value), author: request.author, via: "snmp")
        case let .thresholds(rising, falling):
            command = .thresholds(interface: interface, vlan: request.key.vlan, rising: Double(rising), falling: Double(falling),
                                  author: request.author, via: "snmp")
        }
        // snmpd waits for this answer: the main loop answers within one poll interval.
        guard let r = inbox.ask(timeout: 0.8, { .command(command, reply: $0) }) else {
            return OperatorActionResult(accepted: true, message: "queued")
        }
        return OperatorActionResult(accepted: r.ok, message: r.message)
    }

    func notify(_ notification: NOCNotification, incident: UInt64?, detail: String) {
        _ = agent.notify(notification)
    }

    func publish(_ rows: [VLANStatusRow]) {
        var map: [Int32: String] = [:]
        for r in rows { map[r.key.ifIndex] = r.ifName }
        lock.withLock { interfaces = map }
        agent.publish(rows)
    }

    func close() { agent.stop() }
}
