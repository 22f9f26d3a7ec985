import Foundation
import LoopSentryCore
@testable import NOCBridge
import Testing

/// A VXLAN VNI's status row at the edges: /metrics names it in `loopsentry_vni_*` series with a
/// `vni` label, syslog carries `vni=`, webhooks carry `vni`, and SNMP serves it in the VNI table, not the VLAN table.
@Suite struct VNIRowTests {
    static let vniRow: VLANStatusRow = {
        var r = VLANStatusRow(key: VLANStatusKey(ifIndex: 3, vlan: VLANID(masking: 0)), ifName: "underlay0",
                              counters: VLANCounters(broadcast: 40, multicast: 2, frames: 50, bytes: 6400),
                              broadcastRate: 4000, multicastRate: 3, frameRate: 4100, risingThreshold: 1000, fallingThreshold: 500,
                              tenant: "org-v", policy: .alarm, state: .detected, lastChange: Fixtures.t0)
        r.vni = VNI(5001)!
        return r
    }()
    static let vlanRow = VLANStatusRow(key: Fixtures.key(3, 10), ifName: "underlay0", risingThreshold: 500, fallingThreshold: 50,
                                       policy: .alarm, lastChange: Fixtures.t0)

    @Test("/metrics renders VNI rows as loopsentry_vni_* series with a vni label, after the VLAN families")
    func metrics() {
        var probed = Self.vniRow
        (probed.returnedProbes, probed.leakedProbes) = (9, 1)
        let text = MetricsExposition.render(rows: [probed, Self.vlanRow], extra: MetricsExtra())
        #expect(ExpositionValidator.problems(in: text).isEmpty)
        let lines = text.split(separator: "\n").map(String.init)
        let vni = lines.filter { $0.hasPrefix("loopsentry_vni_") }
        #expect(vni == [
            "loopsentry_vni_broadcast_pps{interface=\"underlay0\",vni=\"5001\",tenant=\"org-v\"} 4000",
            "loopsentry_vni_multicast_pps{interface=\"underlay0\",vni=\"5001\",tenant=\"org-v\"} 3",
            "loopsentry_vni_frames_pps{interface=\"underlay0\",vni=\"5001\",tenant=\"org-v\"} 4100",
            "loopsentry_vni_broadcast_frames_total{interface=\"underlay0\",vni=\"5001\",tenant=\"org-v\"} 40",
            "loopsentry_vni_multicast_frames_total{interface=\"underlay0\",vni=\"5001\",tenant=\"org-v\"} 2",
            "loopsentry_vni_frames_total{interface=\"underlay0\",vni=\"5001\",tenant=\"org-v\"} 50",
            "loopsentry_vni_bytes_total{interface=\"underlay0\",vni=\"5001\",tenant=\"org-v\"} 6400",
            "loopsentry_vni_probes_returned_total{interface=\"underlay0\",vni=\"5001\",tenant=\"org-v\"} 9",
            "loopsentry_vni_probes_leaked_total{interface=\"underlay0\",vni=\"5001\",tenant=\"org-v\"} 1",
            "loopsentry_vni_rising_threshold_pps{interface=\"underlay0\",vni=\"5001\",tenant=\"org-v\"} 1000",
            "loopsentry_vni_falling_threshold_pps{interface=\"underlay0\",vni=\"5001\",tenant=\"org-v\"} 500",
            "loopsentry_vni_incident_state{interface=\"underlay0\",vni=\"5001\",tenant=\"org-v\",policy=\"alarm\",state=\"detected\"} 1",
            "loopsentry_vni_state_changed_timestamp_seconds{interface=\"underlay0\",vni=\"5001\",tenant=\"org-v\"} 1795000000",
        ])
        // The VLAN families hold the VLAN row only.
        #expect(lines.filter { $0.hasPrefix("loopsentry_vlan_broadcast_pps{") }
            == ["loopsentry_vlan_broadcast_pps{interface=\"underlay0\",vlan=\"10\",tenant=\"\"} 0"])
        #expect(lines.contains("# HELP loopsentry_vni_frames_total Inner frames of any kind seen on the VNI since the sensor attached."))
        #expect(lines.contains("# HELP loopsentry_vni_probes_leaked_total LoopSentry's own probe frames sent on the VNI that came back "
                               + "in another VNI (the VNI is bridged into another one)."))
        let firstVNI = lines.firstIndex { $0.hasPrefix("# HELP loopsentry_vni_") } ?? 0
        #expect(firstVNI > (lines.lastIndex { $0.hasPrefix("loopsentry_vlan_") } ?? Int.max))
    }

    @Test("a VNI notification goes to syslog with vni= and an empty vlan=, and to webhooks with vni")
    func syslogAndWebhook() {
        var n = NOCNotification(kind: .stormDetected, row: Self.vniRow)
        #expect(n.vni == VNI(5001)!)
        var event = SyslogEvent(n, incident: "7")
        event.sensor = "s1"
        let sd = event.structuredDataElement.parameters.map { "\($0.name)=\($0.value)" }
        #expect(sd == ["ifname=underlay0", "vlan=", "tenant=org-v", "rate=4000", "threshold=1000", "state=detected",
                       "incident=7", "sensor=s1", "vni=5001"])
        #expect(event.text == "broadcast storm detected on underlay0 VNI 5001 tenant org-v: 4000 pps (threshold 1000 pps), state detected")
        var cut = SyslogEvent(NOCNotification(kind: .cutApplied, row: Self.vniRow), incident: "7")
        cut.detail = nil
        #expect(cut.text.hasPrefix("VNI cut from underlay on underlay0 VNI 5001 tenant org-v"), "\(cut.text)")
        #expect(SyslogEvent(NOCNotification(kind: .cutApplied, row: Self.vlanRow)).text.hasPrefix("VLAN cut from trunk on "))
        let payload = WebhookPayload(id: "x", sensor: nil, notification: n, incident: 7, detail: "", time: Date(timeIntervalSince1970: 0))
        #expect(payload.vni == 5001 && payload.json().contains("\"vni\":5001"))
        n.vni = nil
        #expect(!WebhookPayload(id: "x", sensor: nil, notification: n, incident: 7, detail: "", time: Date(timeIntervalSince1970: 0))
            .json().contains("vni"))
        let vlanEvent = SyslogEvent(NOCNotification(kind: .stormDetected, row: Self.vlanRow))
        #expect(!vlanEvent.structuredDataElement.parameters.contains { $0.name == "vni" })
    }

    @Test("the SNMP VLAN table skips VNI rows, which go to the VNI table")
    func snmpTableSkipsVNIRows() {
        // A VNI row whose key looks like a valid index is skipped all the same: by its VNI, not its VLAN 0.
        var lookalike = Self.vniRow
        lookalike.key = Fixtures.key(3, 11)
        let table = VLANStatusTable([Self.vniRow, Self.vlanRow, lookalike])
        #expect(table.rows.map(\.key) == [Fixtures.key(3, 10)])
        #expect(table.rows.allSatisfy { $0.vni == nil })
        #expect(table.vniRows.count == 1 && table.vniRow(ifIndex: 3, vni: VNI(5001)!)?.key == lookalike.key)
    }
}
