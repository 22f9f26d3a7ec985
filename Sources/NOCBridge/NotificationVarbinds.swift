import LoopSentryCore

/// The varbinds of a LOOPSENTRY-MIB notification after `snmpTrapOID.0`, as the MIB's
/// NOTIFICATION-TYPE `OBJECTS` clauses list them: the row's objects, each an instance
/// `.ifIndex.vlan`, then `loopSentrySensorName.0`, which sensor of a fleet sent it.
enum NotificationVarbinds {
    /// The notification's OID (the value of `snmpTrapOID.0`).
    static func trapOID(_ kind: NOCNotificationKind) -> LoopSentryMIB.OID {
        LoopSentryMIB.notificationOID(kind.rawValue)
    }

    /// Full OIDs and values, in the MIB's order.
    static func varbinds(_ n: NOCNotification, sensorName: String) -> [(oid: LoopSentryMIB.OID, value: SNMPValue)] {
        func cell(_ c: LoopSentryMIB.Column, _ v: SNMPValue) -> (oid: LoopSentryMIB.OID, value: SNMPValue) {
            (LoopSentryMIB.cellOID(c, ifIndex: n.key.ifIndex, vlan: n.key.vlan.value), v)
        }
        var list = [
            cell(.ifName, .string(n.ifName)),
            cell(.tenant, .string(n.tenant)),
            cell(.broadcastRate, .gauge32(n.broadcastRate)),
            cell(.risingThreshold, .gauge32(n.risingThreshold)),
            cell(.state, .integer(Int32(n.state.rawValue))),
        ]
        switch n.kind {
        case .loopConfirmed: list.append(cell(.returnedProbes, .counter64(n.returnedProbes)))
        case .cutApplied, .vlanRestored: list.append(cell(.actionAuthor, .string(n.actionAuthor)))
        case .cutFailed: list.append(cell(.actionResult, .string(n.actionResult)))
        case .stormDetected, .cutPending, .stormCleared: break
        }
        list.append((LoopSentryMIB.scalarOID(.sensorName), .string(sensorName)))
        // A multicast storm: the rate that crossed, after the MIB's OBJECTS (RFC 3416 4.2.6 lets
        // an agent append variables it chooses).
        if n.kind == .stormDetected && n.storm == .multicast {
            list.append(cell(.multicastRate, .gauge32(n.multicastRate)))
        }
        return list
    }
}
