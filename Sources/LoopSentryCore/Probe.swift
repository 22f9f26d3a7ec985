/// How this sensor's self-probes are recognised: source MAC `PP:PP:PP:SS:0V:VV`, a 3-byte
/// locally administered unicast prefix, the sensor's id and the VLAN the probe was sent on
/// (VNI probes: `PP:PP:PP:SS:1N:NN`, see `Probe+VNI.swift`).
/// Two sensors on one network need different ids; the BPF program matches the first four bytes.
public struct ProbeIdentity: Equatable, Sendable {
    public static let defaultPrefix: [UInt8] = [0x06, 0x4c, 0x53]   // "LS", locally administered

    public let prefix: [UInt8]
    public let sensorID: UInt8

    /// Fails when the prefix is not 3 bytes of a locally administered unicast address.
    public init(prefix: [UInt8] = ProbeIdentity.defaultPrefix, sensorID: UInt8 = 1) throws(ProbeError) {
        guard prefix.count == 3 else { throw .badPrefix("needs 3 bytes, got \(prefix.count)") }
        guard prefix[0] & 0x02 != 0 else { throw .badPrefix("must be locally administered (second-lowest bit of the first byte set)") }
        guard prefix[0] & 0x01 == 0 else { throw .badPrefix("must be unicast (lowest bit of the first byte clear)") }
        self.prefix = prefix
        self.sensorID = sensorID
    }

    /// The first four MAC bytes as a big-endian number: `ls_config.probe_prefix`.
    public var matchValue: UInt32 {
        UInt32(prefix[0]) << 24 | UInt32(prefix[1]) << 16 | UInt32(prefix[2]) << 8 | UInt32(sensorID)
    }

    /// The source MAC of the probe for `vlan`.
    public func mac(for vlan: VLANID) -> MACAddress {
        MACAddress(prefix + [sensorID, UInt8(vlan.value >> 8), UInt8(vlan.value & 0xff)])
    }

    /// The VLAN a probe MAC encodes, or nil when the MAC is not one of this sensor's VLAN probes.
    public func vlan(fromProbeMAC mac: MACAddress) -> VLANID? {
        guard Array(mac.bytes[0..<3]) == prefix, mac.bytes[3] == sensorID, mac.bytes[4] & 0xf0 == 0 else { return nil }
        return VLANID(masking: UInt16(mac.bytes[4]) << 8 | UInt16(mac.bytes[5]))
    }
}

public enum ProbeError: Error, Equatable, CustomStringConvertible {
    case badPrefix(String)
    case tooManyVNIs(String)
    public var description: String {
        switch self {
        case let .badPrefix(why): "probe MAC prefix \(why)"
        case let .tooManyVNIs(why): why
        }
    }
}

/// Counters of returned self-probes for one VLAN (the VLAN they were sent on).
public struct ProbeCounters: Equatable, Sendable {
    /// Probes that came back to this sensor: loop evidence.
    public var returned: UInt64
    /// Of those, probes that came back untagged or on another VLAN: VLANs bridged together.
    public var leaked: UInt64
    public init(returned: UInt64 = 0, leaked: UInt64 = 0) { self.returned = returned; self.leaked = leaked }
}

/// A self-probe: an 802.1Q-tagged ARP request (RFC 826) to the broadcast address from the
/// probe MAC of its VLAN. Sender IP 0.0.0.0 makes it an ARP probe (RFC 5227) that no host
/// learns from; the target is an address that exists nowhere (default 192.0.2.1, TEST-NET-1,
/// RFC 5737), so nobody answers.
public struct ProbeFrame: Sendable {
    public var identity: ProbeIdentity
    public var senderIP: [UInt8]
    public var targetIP: [UInt8]

    public init(identity: ProbeIdentity, senderIP: [UInt8] = [0, 0, 0, 0], targetIP: [UInt8] = [192, 0, 2, 1]) {
        self.identity = identity
        self.senderIP = senderIP
        self.targetIP = targetIP
    }

    /// The 64-byte frame (60 bytes + tag) for `vlan`.
    public func bytes(vlan: VLANID) -> [UInt8] {
        let mac = identity.mac(for: vlan)
        var arp: [UInt8] = [0x00, 0x01, 0x08, 0x00, 6, 4, 0x00, 0x01]   // Ethernet, IPv4, request
        arp += mac.bytes + senderIP + [0, 0, 0, 0, 0, 0] + targetIP
        return EthernetFrame(destination: .broadcast, source: mac, tags: [VLANTag(vid: vlan.value)],
                             etherType: 0x0806, payload: arp).bytes(length: 64)
    }
}
