import Foundation
import Glibc
import LoopSentryCore
import Testing
@testable import Sensor

/// The VNI probe sender's UDP path on loopback: the datagram a VTEP would receive is exactly the
/// probe's VXLAN payload, over IPv4 and IPv6, at the configured port. The receiver is a plain
/// UDP socket bound to port 0 (a free port).
@Suite struct VXLANProbeSocketTests {
    /// A UDP socket bound to `address` (4 or 16 bytes) on a free port; returns (fd, port).
    func receiver(_ address: [UInt8]) throws -> (Int32, UInt16) {
        let v6 = address.count == 16
        let fd = socket(v6 ? AF_INET6 : AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        try #require(fd >= 0, "socket: errno \(errno)")
        var tv = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var storage = sockaddr_storage()
        var length = socklen_t(v6 ? MemoryLayout<sockaddr_in6>.size : MemoryLayout<sockaddr_in>.size)
        withUnsafeMutableBytes(of: &storage) { raw in
            if v6 {
                var a = sockaddr_in6()
                a.sin6_family = sa_family_t(AF_INET6)
                withUnsafeMutableBytes(of: &a.sin6_addr) { $0.copyBytes(from: address) }
                withUnsafeBytes(of: &a) { raw.copyMemory(from: $0) }
            } else {
                var a = sockaddr_in()
                a.sin_family = sa_family_t(AF_INET)
                withUnsafeMutableBytes(of: &a.sin_addr) { $0.copyBytes(from: address) }
                withUnsafeBytes(of: &a) { raw.copyMemory(from: $0) }
            }
        }
        let bound = withUnsafePointer(to: &storage) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        try #require(bound == 0, "bind: errno \(errno)")
        _ = withUnsafeMutablePointer(to: &storage) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        let port = withUnsafeBytes(of: &storage) { raw in UInt16(raw[2]) << 8 | UInt16(raw[3]) }   // sin_port / sin6_port, network order
        return (fd, port)
    }

    @Test("a VNI probe reaches a VTEP as exactly its VXLAN payload, over IPv4 and IPv6", arguments: [
        ([UInt8]([127, 0, 0, 1]), "127.0.0.1"), ([UInt8](repeating: 0, count: 15) + [1], "::1"),
    ])
    func datagramIsThePayload(address: [UInt8], printed: String) throws {
        let (fd, port) = try receiver(address)
        defer { close(fd) }
        let vtep = try #require(VTEPAddress(bytes: address, printed: printed))
        let payload = ProbeFrame(identity: try ProbeIdentity(sensorID: 3)).vxlanPayload(vni: VNI(5000)!, slot: 0)
        let socket = try VXLANProbeSocket(vteps: [vtep], port: port)
        try socket.send(payload, to: vtep)
        var buffer = [UInt8](repeating: 0, count: 2048)
        let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        try #require(n > 0, "nothing received: errno \(errno)")
        #expect(Array(buffer.prefix(n)) == payload)
    }
}
