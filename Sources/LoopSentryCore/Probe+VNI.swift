/// Self-probes inside a VXLAN VNI. The probe is the VLAN probe's ARP request, untagged, inside
/// a VXLAN header; its source MAC `PP:PP:PP:SS:1N:NN` says "VNI probe" (high nibble of the fifth
/// byte 1, where VLAN probes have 0) and carries the probed VNI's slot N (12 bits): a 24-bit VNI
/// does not fit, so the plan numbers the probed VNIs and the sensor keeps slot → VNI.
extension ProbeIdentity {
    /// The high nibble of a VNI probe MAC's fifth byte (`LS_PROBE_KIND_VNI`).
    public static let vniProbeKind: UInt8 = 0x1

    /// The source MAC of the VNI probe in `slot` (0..<`VNIProbePlan.maxVNIs`).
    public func mac(forVNISlot slot: Int) -> MACAddress {
        precondition((0..<VNIProbePlan.maxVNIs).contains(slot), "VNI probe slot \(slot) out of range")
        return MACAddress(prefix + [sensorID, Self.vniProbeKind << 4 | UInt8(slot >> 8), UInt8(slot & 0xff)])
    }

    /// The slot a VNI probe MAC encodes, or nil when the MAC is not one of this sensor's VNI probes.
    public func vniSlot(fromProbeMAC mac: MACAddress) -> Int? {
        guard Array(mac.bytes[0..<3]) == prefix, mac.bytes[3] == sensorID, mac.bytes[4] >> 4 == Self.vniProbeKind else { return nil }
        return Int(mac.bytes[4] & 0x0f) << 8 | Int(mac.bytes[5])
    }
}

/// A VTEP's underlay address, IPv4 (4 bytes) or IPv6 (16 bytes), a VNI probe's destination.
public struct VTEPAddress: Hashable, Sendable, CustomStringConvertible {
    public let bytes: [UInt8]
    /// `printed` is how the configuration spelled it (shown back in messages).
    public let printed: String

    /// Nil unless `bytes` has 4 or 16 bytes.
    public init?(bytes: [UInt8], printed: String) {
        guard bytes.count == 4 || bytes.count == 16 else { return nil }
        self.bytes = bytes
        self.printed = printed
    }

    public var isIPv6: Bool { bytes.count == 16 }
    public var description: String { printed }
}

/// The VNI self-probes of one underlay interface: the probed VNIs in slot order (ascending), the
/// VTEPs each VNI's probe goes to (the VNI's flood list: a loop inside the VNI brings the probe
/// back encapsulated, split horizon keeps it away otherwise) and the VXLAN UDP port.
public struct VNIProbePlan: Equatable, Sendable {
    /// Slots a probe MAC can name (12 bits).
    public static let maxVNIs = 4096

    /// The probed VNIs; a VNI's index is its slot.
    public let vnis: [VNI]
    public let vteps: [VNI: [VTEPAddress]]
    public let port: UInt16

    /// Fails when more than `maxVNIs` VNIs are probed; VNIs without a VTEP are left out.
    public init(flood: [VNI: [VTEPAddress]], port: UInt16 = VXLANWatch.defaultPort) throws(ProbeError) {
        let probed = flood.filter { !$0.value.isEmpty }
        guard probed.count <= Self.maxVNIs else {
            throw .tooManyVNIs("\(probed.count) VNIs have a flood list; at most \(Self.maxVNIs) can be probed on one interface")
        }
        vnis = probed.keys.sorted()
        vteps = probed
        self.port = port
    }

    /// The slot of `vni`, nil when it is not probed.
    public func slot(of vni: VNI) -> Int? {
        var (lo, hi) = (0, vnis.count)
        while lo < hi {
            let mid = (lo + hi) / 2
            if vnis[mid] < vni { lo = mid + 1 } else { hi = mid }
        }
        return lo < vnis.count && vnis[lo] == vni ? lo : nil
    }

    /// The VNI probed in `slot`, nil for a slot not in use.
    public func vni(atSlot slot: Int) -> VNI? { vnis.indices.contains(slot) ? vnis[slot] : nil }
}

extension ProbeFrame {
    /// The UDP payload of the probe of `vni`: the 8-byte VXLAN header (RFC 7348, I flag, the VNI)
    /// and the untagged 60-byte ARP probe from the MAC of `slot`.
    public func vxlanPayload(vni: VNI, slot: Int) -> [UInt8] {
        let mac = identity.mac(forVNISlot: slot)
        var arp: [UInt8] = [0x00, 0x01, 0x08, 0x00, 6, 4, 0x00, 0x01]   // Ethernet, IPv4, request
        arp += mac.bytes + senderIP + [0, 0, 0, 0, 0, 0] + targetIP
        let v = vni.value
        let header: [UInt8] = [0x08, 0, 0, 0, UInt8(v >> 16 & 0xff), UInt8(v >> 8 & 0xff), UInt8(v & 0xff), 0]
        return header + EthernetFrame(destination: .broadcast, source: mac, etherType: 0x0806, payload: arp).bytes()
    }
}
