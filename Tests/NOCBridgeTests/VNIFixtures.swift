import LoopSentryCore
@testable import NOCBridge

/// VNI rows shared by the VNI table's unit and integration tests.
extension Fixtures {
    /// A VNI row on `ifIndex` (its key holds VLAN 0, as the daemon publishes it).
    static func vniRow(_ ifIndex: Int32, _ vni: Int, name: String = "underlay0", state: IncidentState = .normal,
                       tenant: String = "org-v") -> VLANStatusRow {
        var r = VLANStatusRow(
            key: VLANStatusKey(ifIndex: ifIndex, vlan: VLANID(masking: 0)), ifName: name,
            counters: VLANCounters(broadcast: UInt64(vni) * 2, multicast: 9, frames: UInt64(vni) * 10 + 6_000_000_000, bytes: 1),
            broadcastRate: 4000, multicastRate: 3, frameRate: 4100, risingThreshold: 1000, fallingThreshold: 500,
            tenant: tenant, policy: .alarm, state: state, lastChange: t0)
        r.vni = VNI(vni)!
        r.returnedProbes = UInt64(vni % 7)
        return r
    }

    /// Two underlays' VNIs, deliberately unsorted; 16777215 is the largest VNI.
    static let vniRows: [VLANStatusRow] = [
        vniRow(9, 5001, name: "underlay1"),
        vniRow(3, 16_777_215),
        vniRow(3, 5001, state: .detected),
        vniRow(3, 200),
    ]
}
