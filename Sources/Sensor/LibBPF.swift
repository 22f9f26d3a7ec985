import CLoopSentryBPF
import Foundation

/// The one funnel for libbpf calls: runs `body`, takes a negative return (libbpf 1.x
/// returns -errno) or errno at once, retries EINTR, and throws `SensorError.libbpf`
/// naming the C function, with libbpf's captured log when it printed one.
@discardableResult
func libbpfCall(_ function: String, _ body: () -> Int32) throws -> Int32 {
    while true {
        errno = 0
        let rc = body()
        if rc >= 0 { return rc }
        let err = rc < -1 ? -rc : (errno != 0 ? errno : -rc)
        if err == EINTR { continue }
        throw libbpfError(function, err)
    }
}

/// Same funnel for calls returning a pointer (NULL on failure with errno set).
func libbpfPointer<T>(_ function: String, _ body: () -> T?) throws -> T {
    errno = 0
    if let p = body() { return p }
    throw libbpfError(function, errno != 0 ? errno : EINVAL)
}

func libbpfError(_ function: String, _ err: Int32) -> SensorError {
    if err == EPERM || err == EACCES, geteuid() != 0 {
        return .permissionDenied(function)
    }
    return .libbpf(function: function, errno: err, detail: LibBPFLog.take())
}

/// libbpf's log, routed into a buffer by `ls_libbpf_capture_logs` so that messages
/// (verifier output, netlink errors) end up in errors instead of on stderr.
enum LibBPFLog {
    static func enableCapture() { ls_libbpf_capture_logs() }

    /// The last meaningful captured line, trimmed.
    static func take() -> String {
        var buf = [CChar](repeating: 0, count: 4096)
        ls_libbpf_take_log(&buf, buf.count)
        let text = cString(buf)
        let lines = text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        return lines.last.map { String($0) } ?? ""
    }
}


/// Decodes a NUL-terminated C buffer.
func cString(_ buf: [CChar]) -> String {
    let bytes = buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
    return String(decoding: bytes, as: UTF8.self)
}
