import LoopSentryCore

/// The varbinds of a LOOPSENTRY-MIB notification after `snmpTrapOID.0`, as the MIB's
/// NOTIFICATION-TYPE `OBJECTS` clauses list them: the row's objects, each an instance
/// `.ifIndex.vlan` (`.ifIndex.vni` for a VXLAN segment), then `loopSentrySensorName.0`,
/// which sensor of a fleet sent it.
enum NotificationVarbinds {
    /// The OID of a VLAN notification of `kind` (the value of `snmpTrapOID.0`).
    static func trapOID(_ kind: NOCNotificationKind) -> LoopSentryMIB.OID {
        LoopSentryMIB.notificationOID(kind.rawValue)
    }

    /// The value of `snmpTrapOID.0` for `n`: a VNI event has its own notification types.
    static func trapOID(_ n: NOCNotification) -> LoopSentryMIB.OID {
        guard n.vni != nil else { return trapOID(n.kind) }
        return LoopSentryMIB.notificationOID(Int(LoopSentryMIB.VNINotification(n.kind).rawValue))
    }

    /// Full OIDs and values, in the MIB's order. A VNI notification carries the same objects of
    /// `loopSentryVniTable` (each instance `.ifIndex.vni`, so the segment is in every OID) and
    /// none of the VLAN-only ones (probes, actions).
    static func varbinds(_ n: NOCNotification, sensorName: String) -> [(oid: LoopSentryMIB.OID, value: SNMPValue)] {
        func cell(_ c: LoopSentryMIB.Column, _ v: SNMPValue) -> (oid: LoopSentryMIB.OID, value: SNMPValue) {
            if let vni = n.vni, let column = LoopSentryMIB.VNIColumn(c) {
                return (LoopSentryMIB.vniCellOID(column, ifIndex: n.key.ifIndex, vni: vni), v)
            }
            return (LoopSentryMIB.cellOID(c, ifIndex: n.key.ifIndex, vlan: n.key.vlan.value), v)
        }
        var list = [
            cell(.ifName, .string(n.ifName)),
            cell(.tenant, .string(n.tenant)),
            cell(.broadcastRate, .gauge32(n.broadcastRate)),
            cell(.risingThreshold, .gauge32(n.risingThreshold)),
            cell(.state, .integer(Int32(n.state.rawValue))),
        ]
        switch n.kind {
        case _ where n.vni != nil: break
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
