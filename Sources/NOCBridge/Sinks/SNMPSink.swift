import Foundation
import LoopSentryCore

/// The AgentX subagent as a NOC sink, and the MIB edge: rows and notifications carry the
/// ifIndex of their interface; an SNMP SET's (ifIndex, VLAN) becomes (interface, VLAN) here,
/// before it reaches the daemon's main loop through `ask`.
public final class SNMPSink: NOCSink, OperatorActionHandler, @unchecked Sendable {
    public let name = "snmp"
    public let agent: SNMPSubagent
    private let ask: @Sendable (OperatorCommand) -> ControlResponse?
    private let lock = NSLock()
    /// ifIndex → interface name, from the rows last published.
    private var interfaces: [Int32: String] = [:]

    /// Starts a subagent with `configuration`; an operator's SET becomes an `OperatorCommand`
    /// handed to `ask`, which answers within the master's patience or returns nil.
    public init(configuration: SubagentConfiguration, ask: @escaping @Sendable (OperatorCommand) -> ControlResponse?) throws {
        self.ask = ask
        agent = try SNMPSubagent(configuration: configuration)
        agent.setActionHandler(self)
        try agent.start()
    }

    public func handle(_ request: OperatorRequest) -> OperatorActionResult {
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
        guard let r = ask(command) else {
            return OperatorActionResult(accepted: true, message: "queued")
        }
        return OperatorActionResult(accepted: r.ok, message: r.message)
    }

    public func notify(_ notification: NOCNotification, incident: UInt64?, detail: String) {
        // A VNI event goes out as loopSentryVni* with `.ifIndex.vni` instances (NotificationVarbinds).
        _ = agent.notify(notification)
    }

    public func publish(_ rows: [VLANStatusRow]) {
        var map: [Int32: String] = [:]
        for r in rows { map[r.key.ifIndex] = r.ifName }
        lock.withLock { interfaces = map }
        agent.publish(rows)
    }

    public func close() { agent.stop() }
}
