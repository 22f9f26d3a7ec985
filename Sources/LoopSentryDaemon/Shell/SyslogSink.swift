import Foundation
import LoopSentryConfig
import LoopSentryCore
import NOCBridge

/// One syslog collector as a NOC sink: every notification becomes an RFC 5424 message with
/// its MSGID and the loopsentry structured data. Sending never blocks the main loop (a
/// bounded queue, drop-oldest, reconnect with backoff inside `SyslogSender`).
final class SyslogSink: NOCSink {
    let name: String
    let sender: SyslogSender

    init(target: SyslogTargetConfig) throws {
        name = "syslog \(target.transport.rawValue) \(target.address)"
        let destination = try SyslogDestination(
            transport: target.transport.rawValue, address: target.address,
            tls: SyslogTLSSettings(caFile: target.caFile, certificateFile: target.certFile, privateKeyFile: target.keyFile))
        sender = try SyslogSender(configuration: SyslogSenderConfiguration(destination: destination, queueCapacity: target.queueLimit))
    }

    func notify(_ notification: NOCNotification, incident: UInt64?, detail: String) {
        sender.send(SyslogEvent(notification, incident: incident.map(String.init) ?? "", detail: detail))
    }

    /// An operator's action, accepted or refused (MSGID ACTION).
    func action(_ n: OperatorActionNotice) {
        sender.send(.operatorAction(n.action, interface: n.key.interface, vlan: n.key.outer, tenant: n.tenant, state: n.state,
                                    incident: n.incident.map(String.init) ?? "", author: n.author, result: n.result))
    }

    func close() { sender.shutdown(timeout: .seconds(1)) }
}
