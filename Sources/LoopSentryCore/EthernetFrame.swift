/// A 48-bit MAC address.
public struct MACAddress: Hashable, Sendable, CustomStringConvertible {
    public var bytes: [UInt8]

    public init(_ bytes: [UInt8]) {
        precondition(bytes.count == 6, "a MAC address has 6 bytes")
        self.bytes = bytes
    }

    /// Parses `aa:bb:cc:dd:ee:ff`; nil when malformed.
    public init?(parsing text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 6 else { return nil }
        var out: [UInt8] = []
        for p in parts {
            guard p.count == 2, let b = UInt8(p, radix: 16) else { return nil }
            out.append(b)
        }
        bytes = out
    }

    public static let broadcast = MACAddress([0xff, 0xff, 0xff, 0xff, 0xff, 0xff])
    public var isGroup: Bool { bytes[0] & 1 == 1 }
    public var isBroadcast: Bool { self == .broadcast }
    public var description: String {
        bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined(separator: ":")
    }
}

/// An 802.1Q / 802.1ad tag as it appears on the wire.
public struct VLANTag: Hashable, Sendable {
    public static let tpid8021Q: UInt16 = 0x8100
    public static let tpid8021AD: UInt16 = 0x88a8

    public var tpid: UInt16
    public var vid: UInt16
    public var pcp: UInt8

    public init(tpid: UInt16 = VLANTag.tpid8021Q, vid: UInt16, pcp: UInt8 = 0) {
        self.tpid = tpid
        self.vid = vid
        self.pcp = pcp
    }

    public var tci: UInt16 { UInt16(pcp & 7) << 13 | (vid & 0x0fff) }
}

/// Builds Ethernet frames for tests, the lab and probes: destination, source, zero or
/// more tags (outermost first), EtherType and payload, padded to the 60-byte minimum
/// (FCS not included, as the kernel hands frames to BPF).
public struct EthernetFrame: Sendable {
    public static let minimumLength = 60

    public var destination: MACAddress
    public var source: MACAddress
    public var tags: [VLANTag]
    public var etherType: UInt16
    public var payload: [UInt8]

    public init(destination: MACAddress, source: MACAddress, tags: [VLANTag] = [],
                etherType: UInt16 = 0x88b5, payload: [UInt8] = []) {
        self.destination = destination
        self.source = source
        self.tags = tags
        self.etherType = etherType
        self.payload = payload
    }

    /// Header length: 14 bytes plus 4 per tag.
    public var headerLength: Int { 14 + 4 * tags.count }

    /// The frame's bytes, padded with zeros to `max(60, length)`.
    public func bytes(length: Int? = nil) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(max(Self.minimumLength, length ?? 0, headerLength + payload.count))
        out += destination.bytes
        out += source.bytes
        for tag in tags {
            out += Self.be16(tag.tpid)
            out += Self.be16(tag.tci)
        }
        out += Self.be16(etherType)
        out += payload
        let target = max(Self.minimumLength, length ?? 0)
        if out.count < target { out += [UInt8](repeating: 0, count: target - out.count) }
        return out
    }

    static func be16(_ v: UInt16) -> [UInt8] { [UInt8(v >> 8), UInt8(v & 0xff)] }
}
