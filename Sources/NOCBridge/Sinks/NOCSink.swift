import Foundation
import LoopSentryCore

/// Where the NOC hears about incidents: the SNMP subagent, syslog collectors, /metrics.
public protocol NOCSink: AnyObject {
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
    public func notify(_ notification: NOCNotification, incident: UInt64?, detail: String) {}
    public func action(_ notice: OperatorActionNotice) {}
    public func publish(_ rows: [VLANStatusRow]) {}
}

/// Every sink behind the one throttle stage: a notification goes to SNMP and syslog alike, or,
/// over a rate limit, to neither (counted in loopSentryNotifySuppressed and /metrics).
public final class NOCSinks {
    public private(set) var sinks: [NOCSink] = []
    private var throttle: NotificationRateLimiter

    public init(limits: NotificationLimits, now: UInt64) {
        throttle = NotificationRateLimiter(limits: limits, now: now)
    }

    public func add(_ sink: NOCSink) { sinks.append(sink) }

    /// Admits or suppresses `notification`; true when it went to the sinks.
    @discardableResult
    public func notify(_ notification: NOCNotification, incident: UInt64, detail: String, now: UInt64) -> Bool {
        guard throttle.admit(notification.key, vni: notification.vni, now: now) else {
            for case let s as SNMPSink in sinks { s.agent.noteSuppressed() }
            return false
        }
        for s in sinks { s.notify(notification, incident: incident, detail: detail) }
        return true
    }

    public func action(_ notice: OperatorActionNotice) { for s in sinks { s.action(notice) } }

    public func publish(_ rows: [VLANStatusRow]) { for s in sinks { s.publish(rows) } }

    public func close() {
        for s in sinks { s.close() }
        sinks.removeAll()
    }

    /// Figures for /metrics: notifications sent, suppressed, dropped; syslog messages dropped.
    public func extra(uptimeSeconds: Double, openIncidents: Int) -> MetricsExtra {
        let snmp = sinks.compactMap { ($0 as? SNMPSink)?.agent.statistics }.first
        let syslogDropped = sinks.compactMap { ($0 as? SyslogSink)?.sender.droppedMessages }.reduce(0, +)
        return MetricsExtra(uptimeSeconds: uptimeSeconds, openIncidents: openIncidents,
                            notificationsSent: UInt64(snmp?.sent ?? 0), notificationsSuppressed: UInt64(throttle.suppressed),
                            notificationsDropped: UInt64(snmp?.dropped ?? 0), syslogDropped: syslogDropped)
    }

    public var metrics: MetricsSink? { sinks.compactMap { $0 as? MetricsSink }.first }
}
