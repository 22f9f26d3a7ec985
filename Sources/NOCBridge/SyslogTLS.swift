import CLoopSentryTLS

/// Owns an OpenSSL client context (`ls_tls_context_new` → `SSL_CTX`) built from TLS settings;
/// freed in `deinit`. One context serves every reconnection of a sender.
final class SyslogTLSContext {
    private let handle: OpaquePointer

    init(_ settings: SyslogTLSSettings) throws(SyslogTransportError) {
        var message = [CChar](repeating: 0, count: 512)
        let made = Self.withOptionalCString(settings.caFile) { ca in
            Self.withOptionalCString(settings.certificateFile) { cert in
                Self.withOptionalCString(settings.privateKeyFile) { key in
                    ls_tls_context_new(ca, cert, key, &message, message.count)
                }
            }
        }
        guard let made else {
            throw .tls(function: "ls_tls_context_new", message: Self.text(message))
        }
        handle = made
    }

    deinit { ls_tls_context_free(handle) }

    /// Runs the client handshake on a connected TCP socket; the session keeps `socket` alive.
    func connect(_ socket: SyslogSocket, expectedName: String?) throws(SyslogTransportError) -> SyslogTLSSession {
        var message = [CChar](repeating: 0, count: 512)
        let connection = Self.withOptionalCString(expectedName) { name in
            ls_tls_connect(handle, socket.fd, name, &message, message.count)
        }
        guard let connection else {
            throw .tls(function: "SSL_connect", message: Self.text(message))
        }
        return SyslogTLSSession(connection: connection, socket: socket, context: self)
    }

    static func text(_ buffer: [CChar]) -> String {
        String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private static func withOptionalCString<R>(_ string: String?, _ body: (UnsafePointer<CChar>?) -> R) -> R {
        guard let string else { return body(nil) }
        return string.withCString { body($0) }
    }
}

/// One TLS connection (`ls_tls_connection` → `SSL`) over a socket it keeps open; sends
/// close_notify and frees the session in `deinit`, before the socket closes.
final class SyslogTLSSession {
    private let connection: OpaquePointer
    private let socket: SyslogSocket
    private let context: SyslogTLSContext

    fileprivate init(connection: OpaquePointer, socket: SyslogSocket, context: SyslogTLSContext) {
        self.connection = connection
        self.socket = socket
        self.context = context
    }

    deinit { ls_tls_connection_free(connection) }

    /// Writes all of `bytes` (`SSL_write_ex`).
    func sendAll(_ bytes: [UInt8]) throws(SyslogTransportError) {
        var message = [CChar](repeating: 0, count: 512)
        let status = bytes.withUnsafeBytes { raw in
            ls_tls_write_all(connection, raw.baseAddress, raw.count, &message, message.count)
        }
        guard status == 0 else {
            throw .tls(function: "SSL_write_ex", message: SyslogTLSContext.text(message))
        }
    }

    /// Up to `max` bytes from the peer (`SSL_read_ex`); empty when it closed the connection.
    /// A read blocked past the socket's `SO_RCVTIMEO` throws `.timedOut`.
    func read(max: Int) throws(SyslogTransportError) -> [UInt8] {
        var message = [CChar](repeating: 0, count: 512)
        var buffer = [UInt8](repeating: 0, count: max)
        let got = buffer.withUnsafeMutableBytes { ls_tls_read(connection, $0.baseAddress, $0.count, &message, message.count) }
        guard got >= 0 else {
            let text = SyslogTLSContext.text(message)
            if text.hasSuffix("timed out") { throw .timedOut(function: "SSL_read_ex") }
            throw .tls(function: "SSL_read_ex", message: text)
        }
        return Array(buffer.prefix(got))
    }

    /// True when the collector sent close_notify, closed or reset the connection.
    func peerClosed() -> Bool { ls_tls_peer_closed(connection) != 0 }
}

/// Digests and random bytes through the OpenSSL shim: the webhooks' HMAC signature, the portal's
/// token hashes and token bytes. Kept here, with the TLS sessions, so this file stays the one
/// place the program calls OpenSSL.
public enum OpenSSLDigest {
    /// SHA-256 of `bytes`. OpenSSL fails only without memory or SHA-256.
    public static func sha256(_ bytes: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        let rc = bytes.withUnsafeBytes { b in out.withUnsafeMutableBufferPointer { ls_sha256(b.baseAddress, b.count, $0.baseAddress) } }
        precondition(rc == 0, "SHA-256 failed in OpenSSL")
        return out
    }

    /// `count` bytes from OpenSSL's CSPRNG, nil when it fails.
    public static func randomBytes(_ count: Int) -> [UInt8]? {
        var out = [UInt8](repeating: 0, count: count)
        return ls_random_bytes(&out, count) == 0 ? out : nil
    }
}

/// HMAC-SHA256 through the OpenSSL shim (`ls_hmac_sha256`): the webhooks' signature.
enum OpenSSLHMAC {
    /// The 32-byte MAC of `message` with `key`. OpenSSL fails only without memory or SHA-256.
    static func sha256(key: [UInt8], message: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        let rc = key.withUnsafeBytes { k in
            message.withUnsafeBytes { m in
                out.withUnsafeMutableBufferPointer { o in
                    ls_hmac_sha256(k.baseAddress, k.count, m.baseAddress, m.count, o.baseAddress)
                }
            }
        }
        precondition(rc == 0, "HMAC-SHA256 failed in OpenSSL")
        return out
    }
}
