/// The little HTTP/1.1 the `/metrics` endpoint speaks, as pure functions over bytes: finding
/// the end of a request head, reading its request line, routing, and writing a response.
/// `MetricsServer` is the socket shell around these; tests drive them without a socket.
enum MetricsHTTP {
    /// The largest request head accepted, terminator included; a longer one is answered 400.
    static let maxHeadBytes = 8192
    /// The path that serves the exposition.
    static let metricsPath = "/metrics"

    /// The request line of a request head.
    struct RequestLine: Equatable {
        var method: String
        /// The request target as sent, e.g. `/metrics?x=1`.
        var target: String
        var version: String

        /// The target without its query string.
        var path: Substring { target.prefix { $0 != "?" } }
    }

    /// A response to write: status, extra headers and body. `Content-Length` and
    /// `Connection: close` are always added; each connection carries one request.
    struct Response: Equatable {
        var status: Int
        var headers: [Header] = []
        var body: [UInt8] = []

        struct Header: Equatable {
            var name: String
            var value: String
        }

        static func plain(_ status: Int, _ text: String, headers: [Header] = []) -> Response {
            Response(status: status,
                     headers: [Header(name: "Content-Type", value: "text/plain; charset=utf-8")] + headers,
                     body: Array((text + "\n").utf8))
        }

        static let badRequest = plain(400, "bad request")
        static let headTooLarge = plain(400, "request head larger than \(maxHeadBytes) bytes")
        static let requestTimeout = plain(408, "request head not received in time")
        static let notFound = plain(404, "not found; the exposition is at \(metricsPath)")
        static let methodNotAllowed = plain(405, "only GET is allowed", headers: [Header(name: "Allow", value: "GET")])

        /// The status line, headers and body as sent on the wire.
        func serialized() -> [UInt8] {
            var head = "HTTP/1.1 \(status) \(MetricsHTTP.reasonPhrase(status))\r\n"
            for header in headers { head += "\(header.name): \(header.value)\r\n" }
            head += "Content-Length: \(body.count)\r\nConnection: close\r\n\r\n"
            return Array(head.utf8) + body
        }
    }

    /// The index just past the blank line that ends the head in `bytes` (CRLF CRLF, or a bare
    /// LF LF as RFC 9112 tolerates), or nil when the head is not complete yet.
    static func headEnd(_ bytes: [UInt8]) -> Int? {
        var i = 0
        while i < bytes.count {
            if bytes[i] == 0x0A {
                if i + 1 < bytes.count, bytes[i + 1] == 0x0A { return i + 2 }
                if i + 2 < bytes.count, bytes[i + 1] == 0x0D, bytes[i + 2] == 0x0A { return i + 3 }
            }
            i += 1
        }
        return nil
    }

    /// The request line at the start of `head`: `METHOD SP target SP HTTP/1.x`, or nil when
    /// it is malformed (which is answered 400).
    static func parseRequestLine(_ head: ArraySlice<UInt8>) -> RequestLine? {
        let lineBytes = head.prefix { $0 != 0x0A }
        guard let line = String(validating: lineBytes, as: UTF8.self) else { return nil }
        let trimmed = line.hasSuffix("\r") ? String(line.dropLast()) : line
        let parts = trimmed.split(separator: " ", omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[0].isEmpty, parts[0].allSatisfy({ $0.isLetter && $0.isASCII }),
              parts[1].hasPrefix("/") || parts[1] == "*",
              parts[2] == "HTTP/1.1" || parts[2] == "HTTP/1.0" else { return nil }
        return RequestLine(method: String(parts[0]), target: String(parts[1]), version: String(parts[2]))
    }

    /// What to answer `line` (nil: malformed): GET /metrics → 200 with `exposition()` (called
    /// only then), another path → 404, another method on /metrics → 405.
    static func respond(to line: RequestLine?, exposition: () -> String) -> Response {
        guard let line else { return .badRequest }
        guard line.path == metricsPath else { return .notFound }
        guard line.method == "GET" else { return .methodNotAllowed }
        return Response(status: 200,
                        headers: [Response.Header(name: "Content-Type", value: MetricsExposition.contentType)],
                        body: Array(exposition().utf8))
    }

    /// The reason phrase of the statuses this endpoint sends.
    static func reasonPhrase(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 400: "Bad Request"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 408: "Request Timeout"
        default: "Status"
        }
    }
}
