import Foundation
import Glibc

/// A blocking TCP client for the portal's tests: connects to 127.0.0.1, sends raw bytes and
/// reads the whole answer (requests ask the server to close after one response).
final class HTTPTestClient: @unchecked Sendable {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// A parsed HTTP response: status, headers with lower-cased names, body.
    struct Reply {
        var status: Int
        var headers: [String: String]
        var body: String
    }

    let fd: Int32

    /// Connects to 127.0.0.1:`port`; reads time out after `timeoutSeconds`.
    init(port: UInt16, timeoutSeconds: Int = 30) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket: errno \(errno)") }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0 else {
            let e = errno
            close(fd)
            throw Failure(description: "connect to port \(port): \(String(cString: strerror(e)))")
        }
    }

    deinit { close(fd) }

    func send(_ text: String) {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { return }
            offset += n
        }
    }

    /// `readAll()` on a thread of its own.
    func readAllAsync() async -> String {
        await withCheckedContinuation { c in Thread { c.resume(returning: self.readAll()) }.start() }
    }

    /// Everything the server sends until it closes (or the read times out).
    func readAll() -> String {
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = recv(fd, &chunk, chunk.count, 0)
            if n <= 0 { break }
            out.append(contentsOf: chunk[..<n])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Reads and parses the response; nil when it is not HTTP.
    func reply() -> Reply? { Self.parse(readAll()) }

    /// Sends `request` on a new connection and parses the answer.
    static func exchange(port: UInt16, _ request: String) throws -> Reply {
        let client = try HTTPTestClient(port: port)
        client.send(request)
        guard let reply = client.reply() else { throw Failure(description: "no HTTP response") }
        return reply
    }

    static func parse(_ raw: String) -> Reply? {
        guard let split = raw.range(of: "\r\n\r\n") else { return nil }
        let lines = raw[..<split.lowerBound].components(separatedBy: "\r\n")
        let statusParts = lines[0].split(separator: " ")
        guard statusParts.count >= 2, statusParts[0] == "HTTP/1.1", let status = Int(statusParts[1]) else { return nil }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { return nil }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return Reply(status: status, headers: headers, body: String(raw[split.upperBound...]))
    }

    /// One request with `Connection: close`; `token` goes in `Authorization: Bearer`.
    /// Runs on a thread of its own: the blocking socket never holds a thread of the concurrency
    /// pool or of Dispatch's global queues (as few as the cores), which the server under test needs.
    static func request(port: UInt16, _ method: String, _ path: String, token: String? = nil, body: String? = nil,
                        headers: [String: String] = [:]) async throws -> Reply {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        if let token { head += "Authorization: Bearer \(token)\r\n" }
        for (k, v) in headers { head += "\(k): \(v)\r\n" }
        if let body { head += "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n" }
        else if method == "POST" { head += "Content-Length: 0\r\n" }
        let text = head + "\r\n" + (body ?? "")
        return try await withCheckedThrowingContinuation { c in
            Thread { c.resume(with: Result { try exchange(port: port, text) }) }.start()
        }
    }
}
