import Foundation
import LoopSentryCore
import Testing

/// VNI self-probes in the pure core: the probe MAC's encoding (kind nibble 1 and a 12-bit slot,
/// beside VLAN probes' kind 0), the plan's slots, the datagram's bytes, and returns reaching the
/// Detector on the VNI's key through the same path as VLAN probes.
@Suite struct VNIProbeTests {
    let identity = try! ProbeIdentity(sensorID: 7)
    let vtep = VTEPAddress(bytes: [10, 99, 0, 1], printed: "10.99.0.1")!

    @Test func aVNIProbeMACSaysVNIAndCarriesItsSlotAndIsNoVLANProbe() {
        #expect(identity.mac(forVNISlot: 0).bytes == [0x06, 0x4c, 0x53, 0x07, 0x10, 0x00])
        #expect(identity.mac(forVNISlot: 4095).bytes == [0x06, 0x4c, 0x53, 0x07, 0x1f, 0xff])
        #expect(identity.vniSlot(fromProbeMAC: MACAddress([0x06, 0x4c, 0x53, 0x07, 0x12, 0x34])) == 0x234)
        #expect(identity.vlan(fromProbeMAC: identity.mac(forVNISlot: 100)) == nil)
        #expect(identity.vniSlot(fromProbeMAC: identity.mac(for: VLANID(100)!)) == nil)
        #expect(identity.vniSlot(fromProbeMAC: MACAddress([0x06, 0x4c, 0x53, 0x08, 0x10, 0x00])) == nil, "another sensor's")
    }

    @Test func thePlanNumbersProbedVNIsInAscendingOrderAndSkipsVNIsWithoutVTEPs() throws {
        let plan = try VNIProbePlan(flood: [VNI(7000)!: [vtep], VNI(5000)!: [vtep], VNI(6000)!: []], port: 8472)
        #expect(plan.vnis == [VNI(5000)!, VNI(7000)!])
        #expect(plan.slot(of: VNI(7000)!) == 1 && plan.slot(of: VNI(6000)!) == nil && plan.slot(of: VNI(4999)!) == nil)
        #expect(plan.vni(atSlot: 0) == VNI(5000)! && plan.vni(atSlot: 2) == nil)
        #expect(plan.port == 8472)
    }

    @Test func moreThan4096ProbedVNIsAreRefused() {
        let flood = Dictionary(uniqueKeysWithValues: (1...4097).map { (VNI($0)!, [vtep]) })
        #expect(throws: ProbeError.tooManyVNIs("4097 VNIs have a flood list; at most 4096 can be probed on one interface")) {
            try VNIProbePlan(flood: flood)
        }
    }

    @Test func theDatagramIsAVXLANHeaderWithTheIFlagAndVNIThenTheUntaggedARPProbe() {
        let payload = ProbeFrame(identity: identity).vxlanPayload(vni: VNI(0x123456)!, slot: 2)
        #expect(payload.count == 68)
        #expect(Array(payload[0..<8]) == [0x08, 0, 0, 0, 0x12, 0x34, 0x56, 0])
        #expect(Array(payload[8..<14]) == [0xff, 0xff, 0xff, 0xff, 0xff, 0xff])
        #expect(Array(payload[14..<20]) == [0x06, 0x4c, 0x53, 0x07, 0x10, 0x02])
        #expect(Array(payload[20..<22]) == [0x08, 0x06], "ARP, no tag")
        #expect(Array(payload[22..<30]) == [0x00, 0x01, 0x08, 0x00, 6, 4, 0x00, 0x01], "request")
        #expect(Array(payload[30..<36]) == [0x06, 0x4c, 0x53, 0x07, 0x10, 0x02], "sender MAC")
        #expect(Array(payload[36..<40]) == [0, 0, 0, 0] && Array(payload[46..<50]) == [192, 0, 2, 1])
    }

    @Test func returnedVNIProbesAreProbeReturnsOfTheVNISegment() {
        var calc = RateCalculator()
        _ = calc.update(CounterSnapshot(monotonicNanos: 0, vniProbes: [VNI(5000)!: ProbeCounters(returned: 2, leaked: 0)]))
        _ = calc.update(CounterSnapshot(monotonicNanos: 100, probes: [VLANID(20)!: ProbeCounters(returned: 1)],
                                        vniProbes: [VNI(5000)!: ProbeCounters(returned: 5, leaked: 0),
                                                    VNI(5001)!: ProbeCounters()]))
        #expect(calc.probeReturns == [.vni(VNI(5000)!): 3, .vlan(VLANID(20)!): 1])
    }

    @Test func aVNIProbeReturnConfirmsTheVNIsLoopAndARisingVNIIsNamedForAnExtraProbe() {
        var stage = DetectionStage(interface: "ul0", policy: DetectionPolicy(), countsPairs: false)
        let hot = [VNIRate(key: VNI(5000)!, broadcastPerSecond: 4000, multicastPerSecond: 0, framesPerSecond: 4000,
                           bytesPerSecond: 0, totals: .zero),
                   VNIRate(key: VNI(5001)!, broadcastPerSecond: 10, multicastPerSecond: 0, framesPerSecond: 10,
                           bytesPerSecond: 0, totals: .zero)]
        let first = stage.observe(rates: [], pairRates: [], probeReturns: [:], vniRates: hot, watchesVNIs: true, at: ms(100))
        #expect(first.probeSoon == [.vni(VNI(5000)!)])
        let second = stage.observe(rates: [], pairRates: [], probeReturns: [.vni(VNI(5000)!): 1], vniRates: hot,
                                   watchesVNIs: true, at: ms(200))
        let vniKey = DetectionKey(interface: "ul0", vni: VNI(5000)!)
        #expect(second.events == [.loopConfirmed(key: vniKey, probesReturned: 1, at: ms(200))])
        #expect(second.probeSoon.isEmpty, "a confirmed loop needs no more urgent probes")
        #expect(stage.detector.activeStorm(for: vniKey)?.loopConfirmed == true)
        #expect(stage.detector.activeStorm(for: DetectionKey(interface: "ul0", vlan: VLANID(5000 % 4096)!)) == nil)
    }
}

extension VNIProbeTests {
    @Test func theMonitorReportPutsReturnedVNIProbesOnTheVNIRowsAndCountsSentDatagrams() throws {
        let rates = [VNIRate(key: VNI(5000)!, broadcastPerSecond: 10, multicastPerSecond: 0, framesPerSecond: 10,
                             bytesPerSecond: 600, totals: VLANCounters(broadcast: 10, multicast: 0, frames: 10, bytes: 600)),
                     VNIRate(key: VNI(5001)!, broadcastPerSecond: 0, multicastPerSecond: 0, framesPerSecond: 0,
                             bytesPerSecond: 0, totals: .zero),
                     VNIRate(key: VNI(6000)!, broadcastPerSecond: 0, multicastPerSecond: 0, framesPerSecond: 0,
                             bytesPerSecond: 0, totals: .zero)]
        var report = MonitorReport(time: "t", interface: "trunk0", intervalNanos: 100_000_000, rates: [], global: GlobalCounters(),
                                   top: 10, vniRates: rates,
                                   vniProbes: [VNI(5000)!: ProbeCounters(returned: 4, leaked: 1), VNI(5001)!: ProbeCounters()])
        report.vniProbesSentTotal = 12
        let rows = Dictionary(uniqueKeysWithValues: report.vnis.map { ($0.vni!, $0) })
        #expect(rows[5000]?.probesReturned == 4 && rows[5000]?.probesLeaked == 1)
        #expect(rows[5001]?.probesReturned == 0)
        #expect(rows[6000]?.probesReturned == nil, "a VNI that is not probed has no probe columns")
        #expect(report.table().contains("VNI probes sent 12, returned 5000: 4 (leaked 1), 5001: 0"))
        let json = String(decoding: try JSONEncoder().encode(report), as: UTF8.self)
        #expect(json.contains("\"vni_probes_sent_total\":12") && json.contains("\"probes_returned\":4"))
        #expect(!json.contains("\"probes_returned\":null"))
    }
}
