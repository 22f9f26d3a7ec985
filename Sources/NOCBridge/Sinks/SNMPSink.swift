import Foundation
import LoopSentryCore

/// The AgentX subagent as a NOC sink, and the MIB edge: rows and notifications carry the
/// ifIndex of their interface; an SNMP SET's (ifIndex, VLAN or VNI) becomes (interface, VLAN or
/// VNI) here, before it reaches the daemon's main loop through `ask`.
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
        // snmpd waits for this answer: the main loop answers within one poll interval.
        guard let r = ask(Self.command(request, interface: interface)) else {
            return OperatorActionResult(accepted: true, message: "queued")
        }
        return OperatorActionResult(accepted: r.ok, message: r.message)
    }

    /// The command a SET's request becomes once its ifIndex is the interface's name: the same
    /// command the control socket sends for that VLAN or VNI.
    static func command(_ request: OperatorRequest, interface: String) -> OperatorCommand {
        switch (request.change, request.vni) {
        case let (.action(action), nil):
            .action(action, interface: interface, vlan: Int(request.key.vlan.value), author: request.author, via: "snmp")
        case let (.action(action), vni?):
            .vniAction(action, interface: interface, vni: Int(vni.value), author: request.author, via: "snmp")
        case let (.thresholds(rising, falling), nil):
            .thresholds(interface: interface, vlan: request.key.vlan, rising: Double(rising), falling: Double(falling),
                        author: request.author, via: "snmp")
        case let (.thresholds(rising, falling), vni?):
            .vniThresholds(interface: interface, vni: vni, rising: Double(rising), falling: Double(falling),
                           author: request.author, via: "snmp")
        }
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
