import LoopSentryCore
@testable import Portal
import Testing

/// The portal is per VLAN: a VXLAN VNI's row and notifications are kept off it.
@Suite struct PortalVNIRowTests {
    @Test("the portal keeps VLAN rows only")
    func vniRowsAreNotShown() {
        let sink = PortalSink()
        var vni = RunningPortal.row(20, tenant: "org-b")
        vni.key = VLANStatusKey(ifIndex: 3, vlan: VLANID(masking: 0))
        vni.vni = VNI(5001)!
        sink.publish([RunningPortal.row(10, tenant: "org-a"), vni])
        #expect(sink.currentRows.map(\.key.vlan.value) == [10])
        #expect(sink.currentRows.allSatisfy { $0.vni == nil })
        sink.close()
    }
}
