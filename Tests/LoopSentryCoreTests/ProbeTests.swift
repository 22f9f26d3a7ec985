import LoopSentryCore
import Testing

@Suite struct ProbeTests {
    let id = try! ProbeIdentity(sensorID: 7)

    @Test func probeMACEncodesSensorAndVLANAndDecodesBack() {
        let mac = id.mac(for: VLANID(4094)!)
        #expect(mac.description == "06:4c:53:07:0f:fe")
        #expect(!mac.isGroup)
        #expect(id.vlan(fromProbeMAC: mac) == VLANID(4094))
        #expect(try! ProbeIdentity(sensorID: 8).vlan(fromProbeMAC: mac) == nil)
        #expect(id.matchValue == 0x064c_5307)
    }

    @Test func prefixMustBeLocallyAdministeredUnicast() {
        #expect(throws: ProbeError.badPrefix("must be locally administered (second-lowest bit of the first byte set)")) {
            try ProbeIdentity(prefix: [0x00, 0x11, 0x22])
        }
        #expect(throws: ProbeError.badPrefix("must be unicast (lowest bit of the first byte clear)")) {
            try ProbeIdentity(prefix: [0x03, 0x11, 0x22])
        }
        #expect(throws: ProbeError.badPrefix("needs 3 bytes, got 2")) { try ProbeIdentity(prefix: [0x02, 0x11]) }
    }

    @Test func probeFrameIsATaggedARPRequestFromTheProbeMAC() {
        let f = ProbeFrame(identity: id).bytes(vlan: VLANID(20)!)
        #expect(f.count == 64)
        #expect(Array(f[0..<6]) == [0xff, 0xff, 0xff, 0xff, 0xff, 0xff])
        #expect(Array(f[6..<12]) == id.mac(for: VLANID(20)!).bytes)
        #expect(Array(f[12..<16]) == [0x81, 0x00, 0x00, 20])
        #expect(Array(f[16..<18]) == [0x08, 0x06])
        #expect(Array(f[18..<26]) == [0x00, 0x01, 0x08, 0x00, 6, 4, 0x00, 0x01])
        #expect(Array(f[26..<32]) == id.mac(for: VLANID(20)!).bytes)       // sender hardware address
        #expect(Array(f[32..<36]) == [0, 0, 0, 0])                         // sender IP: ARP probe
        #expect(Array(f[42..<46]) == [192, 0, 2, 1])                       // target IP: TEST-NET-1
    }

    @Test func scheduleSpreadsVLANsEvenlyOverTheInterval() {
        let vlans = (1...4).map { VLANID($0)! }
        var s = ProbeSchedule(vlans: vlans, intervalNanos: 1_000, start: 0)
        #expect(s.due(at: 0).map(\.value) == [1])
        #expect(s.due(at: 249).isEmpty)
        #expect(s.due(at: 250).map(\.value) == [2])
        #expect(s.due(at: 760).map(\.value) == [3, 4])
        #expect(s.due(at: 1_000).map(\.value) == [1])
        #expect(s.nextDue == 1_250)
    }

    @Test func fourThousandVLANsNeverLeaveInOneBurst() {
        let vlans = (1...4094).map { VLANID($0)! }
        var s = ProbeSchedule(vlans: vlans, intervalNanos: 1_000_000_000, start: 0)
        var maxBatch = 0
        var total = 0
        var t: UInt64 = 0
        while t < 1_000_000_000 {
            let batch = s.due(at: t).count
            maxBatch = max(maxBatch, batch)
            total += batch
            t += 10_000_000   // a 10 ms tick
        }
        total += s.due(at: 999_999_999).count
        #expect(total == 4094)
        #expect(maxBatch <= 42)   // 4094 per second over 100 ticks
    }

    @Test func aCallerFarBehindSkipsAheadInsteadOfBursting() {
        var s = ProbeSchedule(vlans: (1...10).map { VLANID($0)! }, intervalNanos: 1_000, start: 0)
        _ = s.due(at: 0)
        let late = s.due(at: 5_000)
        #expect(late.count <= 10)
        #expect(s.nextDue! > 5_000)
    }
}
