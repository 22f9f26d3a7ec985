import CLoopSentryBPF
import Foundation
import LoopSentryCore
import LoopSentrySystem

/// Sends VNI self-probes (a VXLAN header and the inner probe frame as the UDP payload) to VTEPs
/// through plain UDP sockets, one per address family in use: the kernel routes and resolves
/// the underlay, so no raw socket is needed. Opened in `init`, on the calling thread, so the
/// sockets belong to that thread's network namespace.
final class VXLANProbeSocket {
    private var ipv4: Int32 = -1
    private var ipv6: Int32 = -1
    let port: UInt16

    /// Opens a UDP socket for each family among `vteps` (`socket(AF_INET/AF_INET6, SOCK_DGRAM)`).
    init(vteps: [VTEPAddress], port: UInt16) throws {
        self.port = port
        do {
            if vteps.contains(where: { !$0.isIPv6 }) {
                ipv4 = try systemCall("socket(AF_INET, SOCK_DGRAM)") {
                    socket(AF_INET, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
                }
            }
            if vteps.contains(where: \.isIPv6) {
                ipv6 = try systemCall("socket(AF_INET6, SOCK_DGRAM)") {
                    socket(AF_INET6, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
                }
            }
        } catch {
            closeAll()
            throw SensorError.system(error)
        }
    }

    deinit { closeAll() }

    private func closeAll() {
        if ipv4 >= 0 { close(ipv4) }
        if ipv6 >= 0 { close(ipv6) }
        ipv4 = -1
        ipv6 = -1
    }

    /// Sends `payload` to `vtep` at the VXLAN port (`sendto`); EINTR is retried by the funnel.
    func send(_ payload: [UInt8], to vtep: VTEPAddress) throws {
        let sent: Int
        do {
            if vtep.isIPv6 {
                var a = sockaddr_in6()
                a.sin6_family = sa_family_t(AF_INET6)
                a.sin6_port = port.bigEndian
                withUnsafeMutableBytes(of: &a.sin6_addr) { $0.copyBytes(from: vtep.bytes) }
                sent = try Self.sendto(ipv6, payload, &a, vtep)
            } else {
                var a = sockaddr_in()
                a.sin_family = sa_family_t(AF_INET)
                a.sin_port = port.bigEndian
                withUnsafeMutableBytes(of: &a.sin_addr) { $0.copyBytes(from: vtep.bytes) }
                sent = try Self.sendto(ipv4, payload, &a, vtep)
            }
        } catch {
            throw SensorError.system(error)
        }
        if sent != payload.count {
            throw SensorError.system(SystemCallError("sendto(\(vtep))", errno: EMSGSIZE))
        }
    }

    private static func sendto<Address>(_ fd: Int32, _ payload: [UInt8], _ address: inout Address,
                                        _ vtep: VTEPAddress) throws(SystemCallError) -> Int {
        try systemCall("sendto(\(vtep) UDP)") {
            payload.withUnsafeBytes { p in
                withUnsafePointer(to: &address) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        Glibc.sendto(fd, p.baseAddress, p.count, 0, $0, socklen_t(MemoryLayout<Address>.size))
                    }
                }
            }
        }
    }
}
