import CLoopSentryBPF
import Foundation
import LoopSentrySystem

/// Sends raw Ethernet frames on one interface through an `AF_PACKET` / `SOCK_RAW` socket
/// (tag in-band, as a trunk carries it). Used by the lab's tenant hosts, the tests and the
/// benchmarks. Sending only: the socket's protocol is 0, so it receives nothing.
public final class FrameSender {
    private let fd: Int32
    public let interface: String

    public init(interface: String) throws {
        self.interface = interface
        let index = try TCIngressAttachment.ifindex(of: interface)
        let s: Int32
        do {
            s = try systemCall("socket(AF_PACKET)") { socket(AF_PACKET, Int32(SOCK_RAW.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0) }
        } catch {
            if error.errno == EPERM || error.errno == EACCES { throw SensorError.permissionDenied("socket(AF_PACKET)") }
            throw SensorError.system(error)
        }
        var addr = sockaddr_ll()
        addr.sll_family = UInt16(AF_PACKET)
        addr.sll_ifindex = index
        do {
            try systemCall("bind(AF_PACKET, \(interface))") {
                withUnsafePointer(to: &addr) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(s, $0, socklen_t(MemoryLayout<sockaddr_ll>.size)) }
                }
            }
        } catch {
            close(s)
            throw SensorError.system(error)
        }
        var one: Int32 = 1   // PACKET_QDISC_BYPASS: straight to the driver, like pktgen
        _ = setsockopt(s, SOL_PACKET, 20, &one, socklen_t(MemoryLayout<Int32>.size))
        fd = s
    }

    deinit { close(fd) }

    /// Sends one frame; retries EINTR and ENOBUFS (queue full) so that every frame goes out.
    public func send(_ frame: [UInt8]) throws {
        guard frame.count >= 14 else { throw SensorError.invalidFrame("\(frame.count) bytes, shorter than an Ethernet header") }
        while true {
            let n = frame.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, 0) }
            if n == frame.count { return }
            let e = errno
            if n < 0 && (e == EINTR || e == ENOBUFS || e == EAGAIN) {
                if e != EINTR { usleep(50) }
                continue
            }
            throw SensorError.system(SystemCallError("send(AF_PACKET, \(interface))", errno: n < 0 ? e : EMSGSIZE))
        }
    }
}
