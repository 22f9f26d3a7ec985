import Glibc
import LoopSentrySystem

/// The metrics endpoint could not be set up: names the endpoint, the C function and errno,
/// on one line, e.g. `metrics endpoint 127.0.0.1:9464: bind: Address already in use (errno 98)`.
public struct MetricsServerError: Error, Equatable, CustomStringConvertible {
    /// `host:port` as configured (`[host]:port` for IPv6).
    public let endpoint: String
    /// The C function that failed, or `inet_pton` for a host that is not a numeric address.
    public let function: String
    /// errno right after the call (0 when there is none).
    public let errno: Int32

    public var description: String {
        let reason = function == "inet_pton" ? "\(function): not a numeric IPv4 or IPv6 address"
            : SystemCallError(function, errno: errno).description
        return "metrics endpoint \(endpoint): \(reason)"
    }
}

/// The socket calls behind `MetricsServer`, each through `systemCall` (the one funnel for libc
/// calls), with failures turned into a `MetricsServerError` naming the endpoint.
enum MetricsSocket {
    /// `host:port` for messages, bracketing an IPv6 host.
    static func endpoint(_ host: String, _ port: UInt16) -> String {
        host.contains(":") && !host.hasPrefix("[") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    /// A listening, non-blocking, close-on-exec TCP socket bound to `host` (numeric IPv4 or
    /// IPv6, brackets allowed) and `port` (0: any free port), with SO_REUSEADDR so a restart
    /// does not wait out TIME_WAIT. Returns the descriptor and the port actually bound
    /// (`getsockname`). Closes the socket on every failure path.
    static func listen(host: String, port: UInt16, backlog: Int32 = 16) throws(MetricsServerError) -> (fd: Int32, port: UInt16) {
        let where_ = endpoint(host, port)
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        var storage = sockaddr_storage()
        let length: socklen_t
        var v4 = sockaddr_in()
        var v6 = sockaddr_in6()
        if inet_pton(AF_INET, bare, &v4.sin_addr) == 1 {
            v4.sin_family = sa_family_t(AF_INET)
            v4.sin_port = port.bigEndian
            withUnsafeMutableBytes(of: &storage) { dst in withUnsafeBytes(of: v4) { dst.copyMemory(from: $0) } }
            length = socklen_t(MemoryLayout<sockaddr_in>.size)
        } else if inet_pton(AF_INET6, bare, &v6.sin6_addr) == 1 {
            v6.sin6_family = sa_family_t(AF_INET6)
            v6.sin6_port = port.bigEndian
            withUnsafeMutableBytes(of: &storage) { dst in withUnsafeBytes(of: v6) { dst.copyMemory(from: $0) } }
            length = socklen_t(MemoryLayout<sockaddr_in6>.size)
        } else {
            throw MetricsServerError(endpoint: where_, function: "inet_pton", errno: 0)
        }
        let family = Int32(storage.ss_family)
        let fd = try call("socket", where_) {
            socket(family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        }
        do throws(MetricsServerError) {
            var one: Int32 = 1
            try call("setsockopt(SO_REUSEADDR)", where_) {
                setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
            }
            try call("bind", where_) {
                withUnsafePointer(to: &storage) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
                }
            }
            try call("listen", where_) { Glibc.listen(fd, backlog) }
            var bound = sockaddr_storage()
            var boundLength = socklen_t(MemoryLayout<sockaddr_storage>.size)
            try call("getsockname", where_) {
                withUnsafeMutablePointer(to: &bound) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &boundLength) }
                }
            }
            return (fd, boundPort(bound))
        } catch {
            close(fd)
            throw error
        }
    }

    /// The port in a bound IPv4 or IPv6 address, in host byte order.
    static func boundPort(_ address: sockaddr_storage) -> UInt16 {
        let isV6 = Int32(address.ss_family) == AF_INET6
        return withUnsafeBytes(of: address) { raw in
            isV6
                ? UInt16(bigEndian: raw.load(as: sockaddr_in6.self).sin6_port)
                : UInt16(bigEndian: raw.load(as: sockaddr_in.self).sin_port)
        }
    }

    /// Runs a libc call through `systemCall` (EINTR retried) and names `endpoint` on failure.
    @discardableResult
    static func call(_ function: String, _ endpoint: String, _ body: () -> Int32) throws(MetricsServerError) -> Int32 {
        do {
            return try systemCall(function, body)
        } catch {
            throw MetricsServerError(endpoint: endpoint, function: function, errno: error.errno)
        }
    }

    /// Milliseconds from `now` to `deadline` (nanoseconds, monotonic) for `poll`, at least 0.
    static func pollTimeout(until deadline: UInt64, now: UInt64) -> Int32 {
        deadline <= now ? 0 : Int32(min((deadline - now + 999_999) / 1_000_000, UInt64(Int32.max)))
    }
}
