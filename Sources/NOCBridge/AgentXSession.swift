import CNetSNMP
import Glibc
import LoopSentryCore

/// Owns Net-SNMP's agent library for the life of the agent thread: initializes it as an
/// AgentX subagent with `loopSentryObjects` registered, and shuts it down in `deinit`
/// (`snmp_shutdown`, which closes the AgentX session). Agent thread only.
final class AgentXSession {
    private let name: String
    /// The subagent, retained for as long as the library holds pointers to it.
    private let context: Unmanaged<SNMPSubagent>

    init(configuration: SubagentConfiguration, subagent: SNMPSubagent) throws(NetSNMPError) {
        name = configuration.name
        context = Unmanaged.passRetained(subagent)
        let ctx = context.toOpaque()
        if configuration.log != nil {
            ls_snmp_log_to({ priority, message, ctx in
                guard let ctx, let message else { return }
                let subagent = Unmanaged<SNMPSubagent>.fromOpaque(ctx).takeUnretainedValue()
                var text = String(cString: message)
                while text.hasSuffix("\n") { text.removeLast() }
                guard !NetSNMPLogNoise.matches(text) else { return }
                subagent.configuration.log?(priority, text)
            }, ctx)
        } else {
            snmp_enable_stderrlog()
        }
        // The SNMP cut driver's client may have initialized the library first (once per process).
        let libraryInitialized = ls_snmp_library_initialized() != 0
        ls_snmp_configure_subagent(configuration.agentXSocket, configuration.persistentDirectory)
        do {
            try netSNMPCall("init_agent", failed: { $0 != 0 }) { init_agent(name) }
            // init_agent resets the ping interval to its default: set it afterwards.
            ls_snmp_set_ping_interval(Int32(max(1, configuration.pingIntervalSeconds)))
            try netSNMPCall("snmp_register_callback", failed: { $0 != SNMPERR_SUCCESS }) {
                ls_snmp_watch_master({ ctx, connected in
                    guard let ctx else { return }
                    Unmanaged<SNMPSubagent>.fromOpaque(ctx).takeUnretainedValue()
                        .masterConnectionChanged(connected != 0)
                }, ctx)
            }
            let root = LoopSentryMIB.objects
            try netSNMPCall("netsnmp_register_handler", failed: { $0 != LS_MIB_REGISTERED_OK }) {
                root.withUnsafeBufferPointer {
                    ls_snmp_register("loopSentryObjects", $0.baseAddress, $0.count, nocBridgeNodeHandler, ctx)
                }
            }
        } catch {
            snmp_shutdown(name)
            context.release()
            throw error
        }
        // Reads no config (disabled) and starts connecting to the master.
        ls_snmp_init_library(name, libraryInitialized ? 1 : 0)
    }

    deinit {
        snmp_shutdown(name)
        context.release()
    }

    /// One turn of the agent loop (`ls_snmp_poll`: select, snmp_read, alarms).
    func poll(wakeFD: Int32, maxMilliseconds: Int32) {
        _ = try? netSNMPCall("select", retryEINTR: true) { ls_snmp_poll(wakeFD, maxMilliseconds) }
    }

    /// Sends one notification to the master (`send_v2trap`): snmpTrapOID.0, then the
    /// MIB's objects for its kind; the library prepends sysUpTime.0.
    func send(_ notification: NOCNotification, sensorName: String) {
        var list: UnsafeMutablePointer<netsnmp_variable_list>?
        SNMPValue.objectIdentifier(NotificationVarbinds.trapOID(notification))
            .append(to: &list, oid: LoopSentryMIB.snmpTrapOID)
        for (oid, value) in NotificationVarbinds.varbinds(notification, sensorName: sensorName) {
            value.append(to: &list, oid: oid)
        }
        send_v2trap(list)
        snmp_free_varbind(list)
    }
}

/// The node handler Net-SNMP calls for every request under `loopSentryObjects`; forwards
/// to the subagent stored as the handler's context.
func nocBridgeNodeHandler(
    _ handler: UnsafeMutablePointer<netsnmp_mib_handler>?,
    _ reginfo: UnsafeMutablePointer<netsnmp_handler_registration>?,
    _ reqinfo: UnsafeMutablePointer<netsnmp_agent_request_info>?,
    _ requests: UnsafeMutablePointer<netsnmp_request_info>?
) -> Int32 {
    guard let ctx = ls_handler_context(handler), let reqinfo else { return Int32(LS_SNMP_ERR_GENERR) }
    let subagent = Unmanaged<SNMPSubagent>.fromOpaque(ctx).takeUnretainedValue()
    subagent.serve(reqinfo, requests)
    return Int32(LS_SNMP_ERR_NOERROR)
}
