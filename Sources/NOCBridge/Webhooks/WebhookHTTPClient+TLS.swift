import Foundation
import Glibc

/// https POSTs through the program's OpenSSL funnel (the TLS code syslog over TLS uses), because
/// Foundation's URLSession on Linux cannot be given a private CA: it ignores `SSL_CERT_FILE`,
/// `SSL_CERT_DIR` and `CURL_CA_BUNDLE` and offers no per-request trust setting. The server
/// certificate must chain to `caFile` (or, without one, to the system trust store) and name the
/// URL's host. One HTTP/1.1 request per connection (`Connection: close`); only the status line
/// of the answer is read.
extension WebhookHTTPClient {
    /// POSTs over TLS; nil on a 2xx answer, else the failure in one line. The whole attempt —
    /// connect, handshake, request, the answer's status line — is bounded by `timeout`.
    func postTLS(url: URL, caFile: String?, headers: [String: String], body: Data, timeout: Double) -> String? {
        // An IPv6 literal without its brackets, for getaddrinfo and the certificate check.
        guard let host = url.host?.trimmingCharacters(in: CharacterSet(charactersIn: "[]")), !host.isEmpty else {
            return "no host in \(url)"
        }
        let hostField = host.contains(":") ? "[\(host)]" : host
        let port = url.port ?? 443
        let deadline = Date().addingTimeInterval(timeout)
        /// What is left of the attempt's time (at least 1 ms), for the next blocking call.
        func remaining() -> Duration { .milliseconds(max(1, Int64(deadline.timeIntervalSinceNow * 1000))) }
        do {
            let context = try tlsContext(caFile: caFile)
            let socket = try SyslogSocket.connectInet(host: host, port: port, stream: true, timeout: remaining())
            guard track(socket) else { return "cancelled" }
            defer { track(nil) }
            try socket.setTimeout(SO_RCVTIMEO, remaining())
            try socket.setTimeout(SO_SNDTIMEO, remaining())
            let session = try context.connect(socket, expectedName: host)
            // The request target as written in the URL (still percent-encoded).
            let parts = URLComponents(url: url, resolvingAgainstBaseURL: false)
            var path = parts.map(\.percentEncodedPath).flatMap { $0.isEmpty ? nil : $0 } ?? "/"
            if let query = parts?.percentEncodedQuery { path += "?\(query)" }
            var head = "POST \(path) HTTP/1.1\r\nHost: \(url.port.map { "\(hostField):\($0)" } ?? hostField)\r\n"
                + "Content-Type: application/json\r\nContent-Length: \(body.count)\r\nConnection: close\r\n"
            for (k, v) in headers.sorted(by: { $0.key < $1.key }) { head += "\(k): \(v)\r\n" }
            try session.sendAll(Array((head + "\r\n").utf8) + Array(body))
            var answer: [UInt8] = []
            while !answer.contains(0x0A) {
                guard Date() < deadline else { return "timed out after \(Self.seconds(timeout))" }
                try socket.setTimeout(SO_RCVTIMEO, remaining())
                let chunk = try session.read(max: 4096)
                if chunk.isEmpty { break }
                answer += chunk
            }
            return Self.failure(statusLine: String(decoding: answer.prefix { $0 != 0x0D && $0 != 0x0A }, as: UTF8.self))
        } catch {
            if case SyslogTransportError.timedOut = error { return "timed out after \(Self.seconds(timeout))" }
            // The shim's message already starts with the OpenSSL function's name.
            if case let SyslogTransportError.tls(_, message) = error { return message }
            return "\(error)"
        }
    }

    /// nil for `HTTP/1.x 2xx ...`, else "HTTP <status>" or why the answer is not HTTP.
    static func failure(statusLine: String) -> String? {
        let fields = statusLine.split(separator: " ", maxSplits: 2)
        guard fields.count >= 2, fields[0].hasPrefix("HTTP/"), let status = Int(fields[1]) else {
            return statusLine.isEmpty ? "no HTTP response" : "not an HTTP response: \(statusLine.prefix(80))"
        }
        return (200..<300).contains(status) ? nil : "HTTP \(status)"
    }
}
