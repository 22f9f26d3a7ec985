import Glibc

/// A plain libc call (socket, bind, poll, pipe, fcntl, open, posix_spawn…) that failed: what
/// was called and its errno, one line, e.g. `bind(127.0.0.1:9464): Address already in use (errno 98)`.
public struct SystemCallError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The call, with what it was called on when that helps, e.g. `connect /run/x.sock`.
    public let function: String
    /// errno right after the call (or the error number the call returned).
    public let errno: Int32

    public init(_ function: String, errno: Int32) {
        self.function = function
        self.errno = errno
    }

    public var description: String { "\(function): \(Self.describe(errno: errno))" }

    /// `strerror` text with the number, e.g. `No such file or directory (errno 2)`: the one
    /// way errno is shown in LoopSentry's messages.
    public static func describe(errno code: Int32) -> String {
        "\(String(cString: strerror(code))) (errno \(code))"
    }
}

/// The one funnel for plain libc calls: runs `body`, takes errno at once when it returns a
/// negative value, retries EINTR, and throws a `SystemCallError` naming `function`.
@discardableResult
public func systemCall<T: FixedWidthInteger>(_ function: @autoclosure () -> String,
                                             _ body: () -> T) throws(SystemCallError) -> T {
    while true {
        let result = body()
        if result >= 0 { return result }
        let code = Glibc.errno
        if code == EINTR { continue }
        throw SystemCallError(function(), errno: code)
    }
}
