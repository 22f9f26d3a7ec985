import Foundation
import LoopSentryCore
import NOCBridge

/// Where the NOC hears about incidents: the SNMP subagent, syslog collectors, /metrics.
protocol NOCSink: AnyObject {
    var name: String { get }
    /// A notification the throttle admitted.
    func notify(_ notification: NOCNotification, incident: UInt64?, detail: String)
    /// An operator's action, accepted or refused.
    func action(_ notice: OperatorActionNotice)
    /// The status rows changed.
    func publish(_ rows: [VLANStatusRow])
    func close()
}

extension NOCSink {
    func notify(_ notification: NOCNotification, incident: UInt64?, detail: String) {}
    func action(_ notice: OperatorActionNotice) {}
    func publish(_ rows: [VLANStatusRow]) {}
}

/// Every sink behind the one throttle stage: a notification goes to SNMP and syslog alike, or,
/// over a rate limit, to neither (counted in loopSentryNotifySuppressed and /metrics).
final class NOCSinks {
    private(set) var sinks: [NOCSink] = []
    private var throttle: NotificationRateLimiter

    init(limits: NotificationLimits, now: UInt64) {
        throttle = NotificationRateLimiter(limits: limits, now: now)
    }

    func add(_ sink: NOCSink) { sinks.append(sink) }

    /// Admits or suppresses `notification`; true when it went to the sinks.
    @discardableResult
    func notify(_ notification: NOCNotification, incident: UInt64, detail: String, now: UInt64) -> Bool {
        guard throttle.admit(notification.key, now: now) else {
            for case let s as SNMPSink in sinks { s.agent.noteSuppressed() }
            return false
        }
        for s in sinks { s.notify(notification, incident: incident, detail: detail) }
        return true
    }

    func action(_ notice: OperatorActionNotice) { for s in sinks { s.action(notice) } }

    func publish(_ rows: [VLANStatusRow]) { for s in sinks { s.publish(rows) } }

    func close() {
        for s in sinks { s.close() }
        sinks.removeAll()
    }

    /// Figures for /metrics: notifications sent, suppressed, dropped; syslog messages dropped.
    func extra(uptimeSeconds: Double, openIncidents: Int) -> MetricsExtra {
        let snmp = sinks.compactMap { ($0 as? SNMPSink)?.agent.statistics }.first
        let syslogDropped = sinks.compactMap { ($0 as? SyslogSink)?.sender.droppedMessages }.reduce(0, +)
        return MetricsExtra(uptimeSeconds: uptimeSeconds, openIncidents: openIncidents,
                            notificationsSent: UInt64(snmp?.sent ?? 0), notificationsSuppressed: UInt64(throttle.suppressed),
                            notificationsDropped: UInt64(snmp?.dropped ?? 0), syslogDropped: syslogDropped)
    }

    var metrics: MetricsSink? { sinks.compactMap { $0 as? MetricsSink }.first }
}
