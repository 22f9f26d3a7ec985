#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// An open path to the collector for one destination: frames messages for its transport
/// and writes them. Used only by the sender's worker thread.
final class SyslogConnection {
    private enum Channel {
        case plain(SyslogSocket)
        case tls(SyslogTLSSession)
    }

    private let channel: Channel
    private let framesByOctetCount: Bool

    private init(channel: Channel, framesByOctetCount: Bool) {
        self.channel = channel
        self.framesByOctetCount = framesByOctetCount
    }

    /// Connects to `destination`; `tlsContext` is required for `.tls` and reused across reconnects.
    static func open(_ destination: SyslogDestination, tlsContext: SyslogTLSContext?,
                     connectTimeout: Duration, sendTimeout: Duration) throws(SyslogTransportError) -> SyslogConnection {
        switch destination {
        case .local(let path):
            let socket = try SyslogSocket.connectLocal(path: path, sendTimeout: sendTimeout)
            return SyslogConnection(channel: .plain(socket), framesByOctetCount: false)
        case .udp(let host, let port):
            let socket = try SyslogSocket.connectInet(host: host, port: port, stream: false, timeout: connectTimeout)
            try socket.setTimeout(SO_SNDTIMEO, sendTimeout)
            return SyslogConnection(channel: .plain(socket), framesByOctetCount: false)
        case .tcp(let host, let port):
            let socket = try SyslogSocket.connectInet(host: host, port: port, stream: true, timeout: connectTimeout)
            try socket.setTimeout(SO_SNDTIMEO, sendTimeout)
            return SyslogConnection(channel: .plain(socket), framesByOctetCount: true)
        case .tls(let host, let port, let settings):
            guard let tlsContext else { throw .tls(function: "ls_tls_context_new", message: "no TLS context") }
            let socket = try SyslogSocket.connectInet(host: host, port: port, stream: true, timeout: connectTimeout)
            let name = settings.verifyServerName ? (settings.serverName ?? host) : nil
            let session = try tlsContext.connect(socket, expectedName: name)
            try socket.setTimeout(SO_SNDTIMEO, sendTimeout)
            return SyslogConnection(channel: .tls(session), framesByOctetCount: true)
        }
    }

    /// Octet-counting frame (RFC 6587 section 3.4.1, RFC 5425 section 4.3): `MSG-LEN SP SYSLOG-MSG`.
    static func octetCountedFrame(_ message: [UInt8]) -> [UInt8] {
        Array("\(message.count) ".utf8) + message
    }

    /// Sends one message, framed for the transport.
    func send(_ message: [UInt8]) throws(SyslogTransportError) {
        let frame = framesByOctetCount ? Self.octetCountedFrame(message) : message
        switch channel {
        case .plain(let socket): try socket.sendAll(frame)
        case .tls(let session): try session.sendAll(frame)
        }
    }

    /// True when a stream collector has gone away; always false for datagrams.
    var peerClosed: Bool {
        guard framesByOctetCount else { return false }
        switch channel {
        case .plain(let socket): return socket.peerClosed()
        case .tls(let session): return session.peerClosed()
        }
    }
}
