import LoopSentryCore
import LoopSentryDaemon
import Testing

/// The attachment check, and the rows `loopsentry status` shows.
@Suite struct InterfaceAndStatusTests {
    @Test("a lost interface is reported once; when it comes back its rows keep their VLANs under the new ifindex")
    func goneAndReattached() {
        var h = Harness()
        #expect(h.interfaceChecked("trunk0", .inPlace, at: 1).isEmpty)
        #expect(trace(h.interfaceChecked("trunk0", .gone, at: 2)) == [
            "record interfaceLost trunk0: interface gone; waiting for it to come back"])
        #expect(h.interfaceChecked("trunk0", .gone, at: 3).isEmpty)
        #expect(trace(h.interfaceChecked("trunk0", .reattached(ifIndex: 12), at: 4)) == [
            "record sensorReattached trunk0: ifindex 12", "publish"])
        #expect(h.coordinator.board.sortedRows.map(\.key) == [10, 11, 20, 21, 30].map {
            VLANStatusKey(ifIndex: 12, vlan: VLANID($0)!)
        })
        #expect(h.coordinator.board.sortedRows.map(\.tenant) == ["org-a", "org-a", "org-b", "org-b", "org-c"])
        #expect(trace(h.interfaceChecked("trunk0", .gone, at: 5)) == [
            "record interfaceLost trunk0: interface gone; waiting for it to come back"])
        _ = h.interfaceChecked("trunk0", .reattached(ifIndex: 12), at: 6)
        #expect(notifications(h.storm(30, from: 7)).map(\.key) == [VLANStatusKey(ifIndex: 12, vlan: VLANID(30)!)])
    }

    @Test("status lists every row with tenant, policy, state, rates, last action and open incident")
    func statusRows() {
        var h = Harness()
        _ = h.polls(from: 1.0, to: 1.2, [10: 5000, 20: 5000, 100: 40])
        _ = h.poll(at: 1.3, [10: 5000, 20: 5000, 100: 40])
        _ = h.operator_(.dismiss, 20, at: 2)
        let status = h.coordinator.status(interfaces: 1)
        func row(_ vlan: Int, _ tenant: String, _ policy: String, _ state: String, _ rate: Double, incident: UInt64? = nil,
                 lastAction: String = "") -> ControlStatusRow {
            ControlStatusRow(interface: "trunk0", vlan: vlan, tenant: tenant, policy: policy, state: state, broadcastPerSecond: rate,
                             framesPerSecond: rate, risingThreshold: 1000, incident: incident, lastAction: lastAction)
        }
        #expect(status.ok)
        #expect(status.message == "loopsentry: 1 interface(s), 1 open incident(s)")
        #expect(status.rows == [
            row(10, "org-a", "auto", "cutting", 5000, incident: 1),
            row(11, "org-a", "auto", "normal", 0),
            row(20, "org-b", "ack", "normal", 5000,
                lastAction: "dismiss by alice: accepted"),
            row(21, "org-b", "ack", "normal", 0),
            row(30, "org-c", "alarm", "normal", 0),
            row(100, "", "alarm", "normal", 40),
        ])
    }
}
