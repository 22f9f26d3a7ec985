import CNetSNMP
import Glibc
import LoopSentrySystem

/// A Net-SNMP agent library call that failed, named, with what it returned and errno.
public struct NetSNMPError: Error, Equatable, CustomStringConvertible {
    /// The C function that failed, e.g. `init_agent`.
    public let function: String
    /// Its return value.
    public let code: Int32
    /// errno right after the call (0 when the function does not set it).
    public let errno: Int32

    public var description: String {
        let reason = errno != 0 ? SystemCallError.describe(errno: errno) : "returned \(code)"
        return "\(function): \(reason)"
    }
}

/// The one funnel for Net-SNMP agent library calls: runs `body`, captures errno at
/// once, retries EINTR when asked, and throws a `NetSNMPError` naming `function` when
/// `failed` says the result is an error (by default: negative).
@discardableResult
func netSNMPCall(_ function: String, retryEINTR: Bool = false,
                 failed: (Int32) -> Bool = { $0 < 0 }, _ body: () -> Int32) throws(NetSNMPError) -> Int32 {
    while true {
        Glibc.errno = 0
        let result = body()
        let savedErrno = Glibc.errno
        if !failed(result) { return result }
        if retryEINTR, savedErrno == EINTR { continue }
        throw NetSNMPError(function: function, code: result, errno: savedErrno)
    }
}
