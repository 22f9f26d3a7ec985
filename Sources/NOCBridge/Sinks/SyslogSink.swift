import Foundation
import LoopSentryCore

/// One syslog collector as a NOC sink: every notification becomes an RFC 5424 message with
/// its MSGID and the loopsentry structured data. Sending never blocks the main loop (a
/// bounded queue, drop-oldest, reconnect with backoff inside `SyslogSender`).
public final class SyslogSink: NOCSink {
    public let name: String
    public let sender: SyslogSender
    /// This sensor's name, in every message's structured data.
    public let sensor: String

    /// A sink sending to `destination` (named `name` in the event log), keeping at most
    /// `queueCapacity` messages while the collector is away; `sensor` names this sensor.
    public init(name: String, destination: SyslogDestination, queueCapacity: Int, sensor: String = "") throws {
        self.name = name
        self.sensor = sensor
        sender = try SyslogSender(configuration: SyslogSenderConfiguration(destination: destination, queueCapacity: queueCapacity))
    }

    public func notify(_ notification: NOCNotification, incident: UInt64?, detail: String) {
        var event = SyslogEvent(notification, incident: incident.map(String.init) ?? "", detail: detail)
        event.sensor = sensor
        sender.send(event)
    }

    /// An operator's action, accepted or refused (MSGID ACTION).
    public func action(_ n: OperatorActionNotice) {
        var event = SyslogEvent.operatorAction(n.action, interface: n.key.interface, vlan: n.key.outer, tenant: n.tenant,
                                               state: n.state, incident: n.incident.map(String.init) ?? "", author: n.author,
                                               result: n.result)
        event.vni = n.key.vni
        event.sensor = sensor
        sender.send(event)
    }

    public func close() { sender.shutdown(timeout: .seconds(1)) }
}
