import Foundation
import LoopSentrySystem

/// Small helpers over AF_UNIX stream sockets for the control socket.
public enum UnixSocket {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    static func address(_ path: String) throws -> sockaddr_un {
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: addr.sun_path) else {
            throw Failure(description: "control socket path too long (\(bytes.count) bytes): \(path)")
        }
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in
            for (i, b) in bytes.enumerated() { raw[i] = b }
        }
        return addr
    }

    /// The libc call that just failed on `path`, with its errno.
    static func failure(_ what: String, _ path: String) -> SystemCallError {
        SystemCallError("\(what) \(path)", errno: errno)
    }

    /// Reads until a newline or `limit` bytes; nil on timeout or error before any newline.
    static func readLine(_ fd: Int32, limit: Int) -> Data? {
        var data = Data()
        var buf = [UInt8](repeating: 0, count: 1024)
        while data.count <= limit {
            let n = read(fd, &buf, buf.count)
            if n <= 0 { return data.isEmpty ? nil : data }
            data.append(contentsOf: buf[0..<n])
            if let nl = data.firstIndex(of: 0x0a) { return data[..<nl] }
        }
        return data
    }

    /// Writes every byte with `send(MSG_NOSIGNAL)`: a client that hung up before its answer
    /// must cost an EPIPE, not a SIGPIPE that kills the daemon.
    static func writeAll(_ fd: Int32, _ data: Data) {
        data.withUnsafeBytes { raw in
            var off = 0
            while off < raw.count {
                let n = send(fd, raw.baseAddress! + off, raw.count - off, Int32(MSG_NOSIGNAL))
                if n <= 0 { return }
                off += n
            }
        }
    }

    static func setTimeout(_ fd: Int32, seconds: Int) {
        var tv = timeval(tv_sec: seconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    }
}
