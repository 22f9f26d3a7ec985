import Foundation
import LoopSentryConfig
import LoopSentryCore
import NOCBridge

/// The AgentX subagent as a NOC sink; SNMP SETs on the action and threshold columns go to
/// the daemon's main loop through its request queue.
final class SNMPSink: NOCSink, OperatorActionHandler, @unchecked Sendable {
    let name = "snmp"
    let agent: SNMPSubagent
    private let queue: RequestQueue

    init(config: SNMPConfig, queue: RequestQueue, log: EventLog) throws {
        self.queue = queue
        var c = SubagentConfiguration(agentXSocket: config.agentxSocket, version: LoopSentryCommand.configuration.version,
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
        let reply = RequestQueue.Reply()
        queue.push(.snmp(request, reply: reply))
        // snmpd waits for this answer: the main loop answers within one poll interval.
        guard let r = reply.wait(timeout: 0.8) else {
            return OperatorActionResult(accepted: true, message: "queued")
        }
        return OperatorActionResult(accepted: r.ok, message: r.message)
    }

    func notify(_ notification: NOCNotification, incident: UInt64?, detail: String) {
        _ = agent.notify(notification)
    }

    func publish(_ rows: [VLANStatusRow]) { agent.publish(rows) }

    func close() { agent.stop() }
}
