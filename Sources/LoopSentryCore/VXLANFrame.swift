/// Builds VXLAN packets (RFC 7348) for tests, the lab's senders and the benchmarks: an inner
/// Ethernet frame inside outer Ethernet + IPv4 or IPv6 + UDP + the 8-byte VXLAN header.
public struct VXLANFrame: Sendable {
    /// The outer IP header.
    public enum Outer: Sendable, Equatable {
        /// IPv4 from `source` to `destination`; `options` (a multiple of 4, at most 40 bytes) go
        /// after the fixed header; `fragmentOffset` (in 8-byte units) and `moreFragments` set the
        /// fragment fields.
        case ipv4(source: [UInt8], destination: [UInt8], options: [UInt8] = [], fragmentOffset: UInt16 = 0,
                  moreFragments: Bool = false)
        /// IPv6 from `source` to `destination` (16 bytes each), next header UDP.
        case ipv6(source: [UInt8], destination: [UInt8])

        /// 192.0.2.1 → 192.0.2.2 (TEST-NET-1: never routed).
        public static let testIPv4 = Outer.ipv4(source: [192, 0, 2, 1], destination: [192, 0, 2, 2])
        /// 2001:db8::1 → 2001:db8::2 (documentation prefix).
        public static let testIPv6 = Outer.ipv6(source: [0x20, 0x01, 0x0d, 0xb8] + [UInt8](repeating: 0, count: 11) + [1],
                                                destination: [0x20, 0x01, 0x0d, 0xb8] + [UInt8](repeating: 0, count: 11) + [2])
    }

    public var outerDestination: MACAddress
    public var outerSource: MACAddress
    public var outer: Outer
    public var udpSourcePort: UInt16
    public var udpDestinationPort: UInt16
    public var vni: VNI
    /// VXLAN flags byte; 0x08 (I: the VNI is valid) in every well-formed packet.
    public var flags: UInt8
    public var inner: EthernetFrame

    public init(outerDestination: MACAddress = MACAddress([0x02, 0, 0, 0, 0xee, 2]),
                outerSource: MACAddress = MACAddress([0x02, 0, 0, 0, 0xee, 1]),
                outer: Outer = .testIPv4, udpSourcePort: UInt16 = 49152,
                udpDestinationPort: UInt16 = VXLANWatch.defaultPort, vni: VNI, flags: UInt8 = 0x08,
                inner: EthernetFrame) {
        self.outerDestination = outerDestination
        self.outerSource = outerSource
        self.outer = outer
        self.udpSourcePort = udpSourcePort
        self.udpDestinationPort = udpDestinationPort
        self.vni = vni
        self.flags = flags
        self.inner = inner
    }

    /// Bytes from the outer Ethernet header to the end of the VXLAN header.
    public var encapsulationLength: Int {
        switch outer {
        case let .ipv4(_, _, options, _, _): 14 + 20 + options.count + 8 + 8
        case .ipv6: 14 + 40 + 8 + 8
        }
    }

    /// The whole packet; the inner frame is `inner.bytes(length: innerLength)` (60 bytes by default).
    public func bytes(innerLength: Int? = nil) -> [UInt8] {
        let innerBytes = inner.bytes(length: innerLength)
        let v = vni.value
        let vxlan: [UInt8] = [flags, 0, 0, 0, UInt8(v >> 16 & 0xff), UInt8(v >> 8 & 0xff), UInt8(v & 0xff), 0]
        let udpLength = UInt16(8 + vxlan.count + innerBytes.count)
        let udp = EthernetFrame.be16(udpSourcePort) + EthernetFrame.be16(udpDestinationPort)
            + EthernetFrame.be16(udpLength) + [0, 0]   // checksum 0: allowed for tunnels (RFC 6935 for IPv6)
        var out = outerDestination.bytes + outerSource.bytes
        switch outer {
        case let .ipv4(source, destination, options, fragmentOffset, moreFragments):
            precondition(source.count == 4 && destination.count == 4 && options.count % 4 == 0 && options.count <= 40)
            out += EthernetFrame.be16(0x0800)
            let headerLength = 20 + options.count
            let fragment = (moreFragments ? 0x2000 : 0) | (fragmentOffset & 0x1fff)
            var ip: [UInt8] = [0x40 | UInt8(headerLength / 4), 0]
            ip += EthernetFrame.be16(UInt16(headerLength) + udpLength) + [0, 1] + EthernetFrame.be16(fragment)
            ip += [64, 17, 0, 0] + source + destination + options
            let sum = Self.checksum(ip)
            ip[10] = UInt8(sum >> 8)
            ip[11] = UInt8(sum & 0xff)
            out += ip
        case let .ipv6(source, destination):
            precondition(source.count == 16 && destination.count == 16)
            out += EthernetFrame.be16(0x86dd)
            out += [0x60, 0, 0, 0] + EthernetFrame.be16(udpLength) + [17, 64] + source + destination
        }
        return out + udp + vxlan + innerBytes
    }

    /// The Internet checksum (RFC 1071) of a header.
    static func checksum(_ bytes: [UInt8]) -> UInt16 {
        var sum: UInt32 = 0
        var i = 0
        while i + 1 < bytes.count {
            sum += UInt32(bytes[i]) << 8 | UInt32(bytes[i + 1])
            i += 2
        }
        if i < bytes.count { sum += UInt32(bytes[i]) << 8 }
        while sum >> 16 != 0 { sum = (sum & 0xffff) + (sum >> 16) }
        return ~UInt16(sum)
    }
}
