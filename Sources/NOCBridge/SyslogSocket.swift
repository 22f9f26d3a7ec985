import Glibc
import LoopSentrySystem

/// Why a syslog transport failed. Each case names the C function that failed.
public enum SyslogTransportError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A plain libc call failed.
    case system(SystemCallError)
    /// `getaddrinfo` could not resolve the collector's host.
    case resolve(host: String, message: String)
    /// An OpenSSL call failed; `message` carries its reason (verification result included).
    case tls(function: String, message: String)
    /// A connection or write did not finish within its timeout.
    case timedOut(function: String)
    /// The collector closed the connection.
    case closedByPeer

    public var description: String {
        switch self {
        case .system(let error): error.description
        case .resolve(let host, let message): "getaddrinfo(\(host)): \(message)"
        case .tls(let function, let message): "\(function): \(message)"
        case .timedOut(let function): "\(function): timed out"
        case .closedByPeer: "connection closed by the collector"
        }
    }
}

/// A libc call through `systemCall` (the one funnel: EINTR retried, errno taken at once), its
/// failure as a transport error.
@discardableResult
func syslogSystemCall<T: FixedWidthInteger>(_ function: String, _ body: () -> T) throws(SyslogTransportError) -> T {
    do { return try systemCall(function, body) } catch { throw .system(error) }
}

/// A connected socket file descriptor, closed when the value is released.
final class SyslogSocket {
    let fd: Int32
    let isStream: Bool

    private init(fd: Int32, isStream: Bool) {
        self.fd = fd
        self.isStream = isStream
    }

    deinit { close(fd) }

    /// A unix datagram socket connected to `path` (the local syslog socket).
    static func connectLocal(path: String, sendTimeout: Duration) throws(SyslogTransportError) -> SyslogSocket {
        let fd = try syslogSystemCall("socket") { socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0) }
        let sock = SyslogSocket(fd: fd, isStream: false)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard path.utf8.count < capacity else { throw .system(SystemCallError("connect", errno: ENAMETOOLONG)) }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: path.utf8)
            raw[path.utf8.count] = 0
        }
        try withUnsafePointer(to: &address) { (pointer) throws(SyslogTransportError) in
            try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { (sa) throws(SyslogTransportError) in
                _ = try syslogSystemCall("connect") { Glibc.connect(fd, sa, socklen_t(MemoryLayout<sockaddr_un>.size)) }
            }
        }
        try sock.setTimeout(SO_SNDTIMEO, sendTimeout)
        return sock
    }

    /// A TCP or UDP socket connected to the first address of `host` that answers within `timeout`.
    static func connectInet(host: String, port: Int, stream: Bool, timeout: Duration) throws(SyslogTransportError) -> SyslogSocket {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = stream ? Int32(SOCK_STREAM.rawValue) : Int32(SOCK_DGRAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else {
            throw .resolve(host: host, message: String(cString: gai_strerror(status)))
        }
        defer { freeaddrinfo(list) }
        var lastError = SyslogTransportError.resolve(host: host, message: "no address")
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let info = entry {
            entry = info.pointee.ai_next
            do {
                let fd = try syslogSystemCall("socket") {
                    socket(info.pointee.ai_family, info.pointee.ai_socktype | Int32(SOCK_CLOEXEC.rawValue), info.pointee.ai_protocol)
                }
                let sock = SyslogSocket(fd: fd, isStream: stream)
                try sock.connect(info.pointee.ai_addr, info.pointee.ai_addrlen, timeout: timeout)
                return sock
            } catch {
                lastError = error
            }
        }
        throw lastError
    }

    /// `connect` without blocking longer than `timeout`: non-blocking connect, `poll`, `SO_ERROR`.
    private func connect(_ address: UnsafePointer<sockaddr>, _ length: socklen_t, timeout: Duration) throws(SyslogTransportError) {
        let flags = try syslogSystemCall("fcntl") { fcntl(fd, F_GETFL) }
        try syslogSystemCall("fcntl") { fcntl(fd, F_SETFL, flags | O_NONBLOCK) }
        if Glibc.connect(fd, address, length) < 0 {
            let code = errno
            guard code == EINPROGRESS || code == EINTR else { throw .system(SystemCallError("connect", errno: code)) }
            var pfd = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
            let ready = try syslogSystemCall("poll") { poll(&pfd, 1, Self.milliseconds(timeout)) }
            guard ready > 0 else { throw .timedOut(function: "connect") }
            var soError: Int32 = 0
            var size = socklen_t(MemoryLayout<Int32>.size)
            try syslogSystemCall("getsockopt") { getsockopt(fd, SOL_SOCKET, SO_ERROR, &soError, &size) }
            guard soError == 0 else { throw .system(SystemCallError("connect", errno: soError)) }
        }
        try syslogSystemCall("fcntl") { fcntl(fd, F_SETFL, flags) }
        try setTimeout(SO_SNDTIMEO, timeout)
        try setTimeout(SO_RCVTIMEO, timeout)
    }

    /// Sets `SO_SNDTIMEO` or `SO_RCVTIMEO` so a blocked call returns `EAGAIN` after `timeout`.
    func setTimeout(_ option: Int32, _ timeout: Duration) throws(SyslogTransportError) {
        let ms = Self.milliseconds(timeout)
        var tv = timeval(tv_sec: Int(ms / 1000), tv_usec: suseconds_t(ms % 1000) * 1000)
        try syslogSystemCall("setsockopt") { setsockopt(fd, SOL_SOCKET, option, &tv, socklen_t(MemoryLayout<timeval>.size)) }
    }

    /// Writes every byte (`send` with `MSG_NOSIGNAL`); a datagram must go out whole.
    /// A send blocked past `SO_SNDTIMEO` throws `.timedOut`.
    func sendAll(_ bytes: [UInt8]) throws(SyslogTransportError) {
        var offset = 0
        repeat {
            let result = bytes.withUnsafeBytes { raw in
                send(fd, raw.baseAddress.map { $0 + offset }, raw.count - offset, linuxMsgNoSignal)
            }
            if result < 0 {
                let code = errno
                if code == EINTR { continue }
                if code == EAGAIN || code == EWOULDBLOCK { throw .timedOut(function: "send") }
                throw .system(SystemCallError("send", errno: code))
            }
            if !isStream && result != bytes.count { throw .system(SystemCallError("send", errno: EMSGSIZE)) }
            offset += result
        } while offset < bytes.count
    }

    /// True when a stream peer has closed or reset the connection (a syslog collector sends
    /// nothing, so anything readable on a plain socket is an end-of-file or an error).
    func peerClosed() -> Bool {
        var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&pfd, 1, 0) > 0 else { return false }
        var byte: UInt8 = 0
        let got = recv(fd, &byte, 1, Int32(MSG_PEEK | MSG_DONTWAIT))
        return got == 0 || (got < 0 && errno != EAGAIN && errno != EINTR)
    }

    static func milliseconds(_ duration: Duration) -> Int32 {
        let (seconds, attoseconds) = duration.components
        let ms = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        return Int32(clamping: max(ms, 1))
    }
}

/// `MSG_NOSIGNAL` from <sys/socket.h> (Linux ABI value): an EPIPE instead of SIGPIPE. Spelled
/// out because Glibc's Swift module does not export the macro in every build configuration.
let linuxMsgNoSignal: Int32 = 0x4000
