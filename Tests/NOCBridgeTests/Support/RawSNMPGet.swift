import Foundation

/// A minimal SNMPv2c GET client over UDP, so the benchmark measures request latency and not
/// the start-up of a tool process per request. Encodes one GetRequest per call (BER) and
/// waits for the response with the same request-id.
final class RawSNMPGet {
    private let fd: Int32
    private var requestID: Int32 = 1
    private let community: [UInt8]

    init(port: UInt16, community: String = "public") throws {
        self.community = Array(community.utf8)
        fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = port.bigEndian
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        var timeout = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        guard rc == 0 else { throw POSIXError(.ECONNREFUSED) }
    }

    deinit { close(fd) }

    /// Sends GET `oid` and returns the response's error-status, or nil on timeout.
    func get(_ oid: [UInt]) -> Int? {
        requestID &+= 1
        let varbind = tlv(0x30, tlv(0x06, encodeOID(oid)) + [0x05, 0x00])
        let pdu = tlv(0xA0, integer(Int(requestID)) + integer(0) + integer(0) + tlv(0x30, varbind))
        let message = tlv(0x30, integer(1) + tlv(0x04, community) + pdu)
        _ = message.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard n > 0 else { return nil }
            // The response echoes our request-id; error-status follows it.
            let idBytes = integer(Int(requestID))
            let bytes = Array(buffer[0..<n])
            if let at = find(idBytes, in: bytes), at + idBytes.count + 2 < n {
                return Int(bytes[at + idBytes.count + 2])
            }
        }
    }

    private func find(_ needle: [UInt8], in hay: [UInt8]) -> Int? {
        guard hay.count >= needle.count else { return nil }
        for i in 0...(hay.count - needle.count) where hay[i..<(i + needle.count)].elementsEqual(needle) { return i }
        return nil
    }

    private func tlv(_ tag: UInt8, _ value: [UInt8]) -> [UInt8] {
        let n = value.count
        let length: [UInt8] = n < 128 ? [UInt8(n)] : n < 256 ? [0x81, UInt8(n)] : [0x82, UInt8(n >> 8), UInt8(n & 0xff)]
        return [tag] + length + value
    }

    private func integer(_ v: Int) -> [UInt8] {
        var bytes = withUnsafeBytes(of: Int32(v).bigEndian, Array.init)
        while bytes.count > 1, (bytes[0] == 0 && bytes[1] < 0x80) || (bytes[0] == 0xff && bytes[1] >= 0x80) {
            bytes.removeFirst()
        }
        return tlv(0x02, bytes)
    }

    private func encodeOID(_ oid: [UInt]) -> [UInt8] {
        var out: [UInt8] = [UInt8(oid[0] * 40 + oid[1])]
        for arc in oid.dropFirst(2) {
            var chunk: [UInt8] = [UInt8(arc & 0x7f)]
            var rest = arc >> 7
            while rest > 0 { chunk.insert(UInt8(rest & 0x7f) | 0x80, at: 0); rest >>= 7 }
            out += chunk
        }
        return out
    }
}
