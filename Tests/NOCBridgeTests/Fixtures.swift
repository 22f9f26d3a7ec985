import LoopSentryCore
@testable import NOCBridge

/// Rows and helpers shared by the unit and integration tests.
enum Fixtures {
    static let t0 = UTCTimestamp(millisecondsSince1970: 1_795_000_000_000)

    static func row(_ ifIndex: Int32, _ vlan: Int, name: String = "trunk0", state: IncidentState = .normal,
                    policy: RemediationPolicy = .ack, tenant: String = "acme",
                    rising: UInt32 = 1000, falling: UInt32 = 100) -> VLANStatusRow {
        VLANStatusRow(
            key: VLANStatusKey(ifIndex: ifIndex, vlan: VLANID(vlan)!), ifName: name,
            counters: VLANCounters(broadcast: UInt64(vlan) * 10, multicast: UInt64(vlan) * 3,
                                   frames: UInt64(vlan) * 100 + 5_000_000_000, bytes: 0),
            returnedProbes: UInt64(vlan % 7), broadcastRate: UInt32(vlan) * 2, multicastRate: 7,
            frameRate: UInt32(vlan) * 20, risingThreshold: rising, fallingThreshold: falling,
            tenant: tenant, policy: policy, state: state, lastChange: t0)
    }

    /// Three interfaces' worth of rows, deliberately unsorted.
    static let rows: [VLANStatusRow] = [
        row(7, 30, name: "trunk1", state: .cut, policy: .auto, tenant: "globex"),
        row(3, 20, state: .pendingAck),
        row(3, 10, state: .detected),
        row(7, 5, name: "trunk1"),
        row(3, 4094, state: .cutFailed),
    ]

    static let table = VLANStatusTable(rows)

    static func key(_ ifIndex: Int32, _ vlan: Int) -> VLANStatusKey {
        VLANStatusKey(ifIndex: ifIndex, vlan: VLANID(vlan)!)
    }
}
