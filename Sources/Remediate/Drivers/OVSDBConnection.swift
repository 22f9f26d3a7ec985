import Foundation
import LoopSentrySystem

/// Why an OVSDB request failed, as one line.
public enum OVSDBError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The socket could not be opened or used (the database is down, the path is wrong).
    case system(SystemCallError)
    /// No answer before the deadline.
    case timedOut(String)
    /// The server closed the connection.
    case closed
    /// The answer was not the JSON-RPC the protocol defines.
    case protocolError(String)
    /// The server refused the request or an operation of the transaction (`error`, `details`).
    case refused(String)

    public var description: String {
        switch self {
        case .system(let e): "\(e)"
        case .timedOut(let what): "no answer to \(what) in time"
        case .closed: "the database closed the connection"
        case .protocolError(let why): "bad answer: \(why)"
        case .refused(let why): why
        }
    }
}

/// One JSON-RPC connection (RFC 7047) to an OVSDB server's Unix socket, blocking, every call
/// bounded by one deadline. Answers the server's `echo` requests; one request at a time.
final class OVSDBConnection {
    private let fd: Int32
    /// Every call of this connection ends by then.
    let deadline: ContinuousClock.Instant
    private var buffer: [UInt8] = []
    private var nextID = 1

    /// Connects to the socket at `path`; throws `.system` naming `connect PATH` when it cannot.
    init(path: String, deadline: ContinuousClock.Instant) throws(OVSDBError) {
        self.deadline = deadline
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            throw .system(SystemCallError("connect \(path)", errno: ENAMETOOLONG))
        }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
        do {
            fd = try systemCall("socket AF_UNIX") { socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0) }
        } catch { throw .system(error) }
        do {
            try systemCall("connect \(path)") {
                withUnsafePointer(to: &address) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
                }
            }
        } catch {
            close(fd)
            throw .system(error)
        }
    }

    deinit { close(fd) }

    /// Runs one `transact` on database `Open_vSwitch`; returns the operations' results. An
    /// operation that failed (its result has `error`) throws `.refused` with its error and details.
    func transact(_ operations: [[String: Any]]) throws(OVSDBError) -> [[String: Any]] {
        let result = try call("transact", ["Open_vSwitch"] + operations)
        guard let results = result as? [Any] else { throw .protocolError("transact result is not an array") }
        let objects = results.map { $0 as? [String: Any] ?? [:] }
        if let failed = objects.first(where: { $0["error"] != nil }) {
            let details = (failed["details"] as? String).map { ": \($0)" } ?? ""
            throw .refused("\(failed["error"] as? String ?? "error")\(details)")
        }
        return objects
    }

    /// Sends request `method` and returns its `result`, answering echo requests meanwhile.
    func call(_ method: String, _ params: [Any]) throws(OVSDBError) -> Any {
        let id = nextID
        nextID += 1
        try send(["method": method, "params": params, "id": id])
        while true {
            let message = try receive(what: method)
            if message["method"] as? String == "echo", let echoID = message["id"] {
                try send(["result": message["params"] ?? [], "error": NSNull(), "id": echoID])
                continue
            }
            guard (message["id"] as? Int) == id else { continue }   // a notification or an older answer
            if let error = message["error"], !(error is NSNull) {
                throw .refused("\(method): \((error as? String) ?? "\(error)")")
            }
            return message["result"] ?? NSNull()
        }
    }

    private func send(_ object: [String: Any]) throws(OVSDBError) {
        let data: Data
        do { data = try JSONSerialization.data(withJSONObject: object) } catch {
            throw .protocolError("cannot encode the request: \(error)")
        }
        var sent = 0
        let bytes = [UInt8](data)
        while sent < bytes.count {
            try wait(for: Int16(POLLOUT), what: "the request")
            let n: Int
            do {
                n = try systemCall("send to the database") {
                    bytes[sent...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                }
            } catch { throw .system(error) }
            sent += n
        }
    }

    /// Reads until one whole JSON object is buffered and returns it.
    private func receive(what: String) throws(OVSDBError) -> [String: Any] {
        while true {
            if let end = Self.endOfFirstObject(buffer) {
                let text = Data(buffer[..<end])
                buffer.removeFirst(end)
                guard let object = (try? JSONSerialization.jsonObject(with: text)) as? [String: Any] else {
                    throw .protocolError("not a JSON object")
                }
                return object
            }
            try wait(for: Int16(POLLIN), what: what)
            var chunk = [UInt8](repeating: 0, count: 65536)
            let n: Int
            do { n = try systemCall("recv from the database") { recv(fd, &chunk, chunk.count, 0) } } catch { throw .system(error) }
            if n == 0 { throw .closed }
            buffer.append(contentsOf: chunk[..<n])
        }
    }

    private func wait(for events: Int16, what: String) throws(OVSDBError) {
        let clock = ContinuousClock()
        while true {
            let left = clock.now.duration(to: deadline)
            guard left > .zero else { throw .timedOut(what) }
            var p = pollfd(fd: fd, events: events, revents: 0)
            let ms = Int32(clamping: left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000 + 1)
            let ready: Int32
            do { ready = try systemCall("poll the database socket") { poll(&p, 1, ms) } } catch { throw .system(error) }
            if ready > 0 { return }
        }
    }

    /// The index just past the first complete top-level JSON object in `bytes` (strings and
    /// escapes respected), or nil while it is incomplete.
    static func endOfFirstObject(_ bytes: [UInt8]) -> Int? {
        var depth = 0, inString = false, escaped = false
        for (i, b) in bytes.enumerated() {
            if inString {
                if escaped { escaped = false } else if b == UInt8(ascii: "\\") { escaped = true } else if b == UInt8(ascii: "\"") { inString = false }
                continue
            }
            switch b {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                if depth == 0 { return i + 1 }
            default: break
            }
        }
        return nil
    }
}
