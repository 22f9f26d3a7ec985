import Foundation
import LoopSentryCore
import LoopSentrySystem

/// The daemon's control socket: a Unix stream socket, mode 0600 (root only), one JSON request
/// line in, one response line out. Requests are parsed and validated on the socket's own
/// thread; valid ones go to `handle` together with who sent them (peer uid from SO_PEERCRED).
/// Each connection is served on a thread of its own (at most `maxClients` at once).
final class ControlServer: @unchecked Sendable {
    let path: String
    private let fd: Int32
    private let handle: @Sendable (ControlRequest, String) -> ControlResponse
    private var thread: Thread?
    private let lock = NSLock()
    private var stopped = false
    /// Connections being served now; each has its own thread, so an idle or slow client (it has
    /// 5 s to send its line) cannot hold up the others.
    private var active = 0
    static let maxClients = 16

    init(path: String, handle: @escaping @Sendable (ControlRequest, String) -> ControlResponse) throws {
        self.path = path
        self.handle = handle
        try Self.prepareDirectory(for: path)
        var addr = try UnixSocket.address(path)
        let s = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard s >= 0 else { throw UnixSocket.failure("socket for", path) }
        // A socket file left by a killed daemon: remove it if nobody answers on it.
        if FileManager.default.fileExists(atPath: path) {
            if ControlClient.isLive(path) {
                close(s)
                throw UnixSocket.Failure(description: "control socket \(path) is in use: is another loopsentry running?")
            }
            unlink(path)
        }
        let old = umask(0o177)
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(s, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        umask(old)
        guard rc == 0 else { let e = UnixSocket.failure("bind", path); close(s); throw e }
        chmod(path, 0o600)
        guard listen(s, 16) == 0 else { let e = UnixSocket.failure("listen", path); close(s); throw e }
        fd = s
    }

    deinit { stop() }

    /// Makes sure the socket's directory exists (created 0755 when missing, as systemd's
    /// RuntimeDirectory= would) and is writable; otherwise throws one line naming the directory,
    /// the reason (errno of `mkdir`/`access`) and the configuration key. The daemon calls it
    /// before it opens the journal or attaches anything, so a bad path costs nothing.
    static func prepareDirectory(for path: String) throws {
        let dir = URL(fileURLWithPath: path).deletingLastPathComponent().path
        var st = stat()
        if stat(dir, &st) != 0 {
            guard errno == ENOENT else { throw directoryFailure("cannot be read", dir, path) }
            let parent = URL(fileURLWithPath: dir).deletingLastPathComponent().path
            guard mkdir(dir, 0o755) == 0 || errno == EEXIST else {
                throw directoryFailure(errno == ENOENT ? "does not exist (nor does \(parent))" : "does not exist and cannot be created",
                                       dir, path)
            }
            return
        }
        guard (st.st_mode & S_IFMT) == S_IFDIR else {
            throw UnixSocket.Failure(description: "control socket directory \(dir) is not a directory (control.socket: \(path))")
        }
        guard access(dir, W_OK | X_OK) == 0 else { throw directoryFailure("is not writable", dir, path) }
    }

    private static func directoryFailure(_ what: String, _ dir: String, _ path: String) -> UnixSocket.Failure {
        UnixSocket.Failure(description: "control socket directory \(dir) \(what): \(SystemCallError.describe(errno: errno)) (control.socket: \(path))")
    }

    func start() {
        let t = Thread { [weak self] in self?.acceptLoop() }
        t.name = "loopsentry-control"
        thread = t
        t.start()
    }

    func stop() {
        let first = lock.withLock { () -> Bool in
            if stopped { return false }
            stopped = true
            return true
        }
        guard first else { return }
        shutdown(fd, Int32(SHUT_RDWR))
        close(fd)
        unlink(path)
    }

    private func acceptLoop() {
        while !lock.withLock({ stopped }) {
            let c = accept(fd, nil, nil)
            if c < 0 {
                if errno == EINTR { continue }
                return
            }
            let admitted = lock.withLock { () -> Bool in
                guard active < Self.maxClients else { return false }
                active += 1
                return true
            }
            guard admitted else {
                UnixSocket.writeAll(c, Data(#"{"message":"bad control request: too many clients, try again","ok":false}"#.utf8 + [0x0a]))
                close(c)
                continue
            }
            Thread.detachNewThread { [self] in
                serve(c)
                close(c)
                lock.withLock { active -= 1 }
            }
        }
    }

    private func serve(_ c: Int32) {
        UnixSocket.setTimeout(c, seconds: 5)
        var cred = PeerCredentials()
        var len = socklen_t(MemoryLayout<PeerCredentials>.size)
        let who = getsockopt(c, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0 ? "cli uid \(cred.uid) pid \(cred.pid)" : "cli"
        let response: ControlResponse
        if let line = UnixSocket.readLine(c, limit: ControlRequest.maxLength) {
            do throws(ControlProtocolError) {
                response = handle(try ControlRequest.parse(line), who)
            } catch {
                response = ControlResponse(ok: false, message: error.description)
            }
        } else {
            response = ControlResponse(ok: false, message: "bad control request: no request line within 5 s")
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var data = (try? encoder.encode(response)) ?? Data(#"{"ok":false,"message":"internal error"}"#.utf8)
        data.append(0x0a)
        UnixSocket.writeAll(c, data)
    }
}

/// The CLI's side: send one request, read one response.
public enum ControlClient {
    /// Sends `request` to the daemon on `path` and returns its answer; throws one line.
    public static func send(_ request: ControlRequest, path: String) throws -> ControlResponse {
        var addr = try UnixSocket.address(path)
        let s = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard s >= 0 else { throw UnixSocket.failure("socket for", path) }
        defer { close(s) }
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(s, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard rc == 0 else {
            if errno == ENOENT || errno == ECONNREFUSED {
                throw UnixSocket.Failure(description: "the daemon is not running (no control socket at \(path))")
            }
            throw UnixSocket.failure("cannot connect to control socket", path)
        }
        UnixSocket.setTimeout(s, seconds: 10)
        var line = try JSONEncoder().encode(request)
        line.append(0x0a)
        UnixSocket.writeAll(s, line)
        guard let reply = UnixSocket.readLine(s, limit: 16 << 20) else {
            throw UnixSocket.Failure(description: "no answer from the daemon on \(path)")
        }
        return try JSONDecoder().decode(ControlResponse.self, from: reply)
    }

    /// True when something accepts connections on `path`.
    public static func isLive(_ path: String) -> Bool {
        guard var addr = try? UnixSocket.address(path) else { return false }
        let s = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard s >= 0 else { return false }
        defer { close(s) }
        return withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(s, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        } == 0
    }
}

/// `struct ucred` from <sys/socket.h> (Linux ABI: pid, uid, gid), for SO_PEERCRED.
struct PeerCredentials {
    var pid: Int32 = 0
    var uid: UInt32 = 0
    var gid: UInt32 = 0
}
