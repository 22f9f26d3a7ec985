/// Where syslog messages go. Stream transports (TCP, TLS) frame each message with octet counting
/// (`LEN SP MSG`, RFC 6587 section 3.4.1 / RFC 5425 section 4.3); datagram transports send one
/// message per datagram (RFC 5426 and the local socket).
public enum SyslogDestination: Hashable, Sendable {
    /// The local syslog daemon's unix datagram socket, `/dev/log` by default.
    case local(path: String = "/dev/log")
    /// UDP, RFC 5426 (best effort: a lost datagram is not noticed).
    case udp(host: String, port: Int = 514)
    /// TCP with octet counting, RFC 6587.
    case tcp(host: String, port: Int = 514)
    /// TLS with octet counting, RFC 5425 (port 6514 by IANA assignment).
    case tls(host: String, port: Int = 6514, SyslogTLSSettings)

    /// Whether messages are framed by octet counting on a byte stream.
    public var isStream: Bool {
        switch self {
        case .tcp, .tls: true
        case .local, .udp: false
        }
    }

    /// The largest message sent when the configuration does not say: 2048 octets on datagrams
    /// (RFC 5426 section 3.2 says receivers SHOULD take 2048), 8192 on streams (RFC 5425 section 4.3.1).
    public var defaultMaxMessageLength: Int { isStream ? 8192 : 2048 }
}

/// TLS settings for RFC 5425. The server certificate is always verified against `caFile`
/// (or the system trust store); its name is checked unless `verifyServerName` is false.
public struct SyslogTLSSettings: Hashable, Sendable {
    /// PEM file with the CA certificate(s) that sign the collector's certificate; nil uses the
    /// system trust store.
    public var caFile: String?
    /// PEM certificate chain presented to collectors that ask for a client certificate.
    public var certificateFile: String?
    /// PEM private key of `certificateFile`.
    public var privateKeyFile: String?
    /// The name the server certificate must carry (DNS name or IP address); nil uses the host.
    public var serverName: String?
    /// When false, any certificate signed by the CA is accepted (rsyslog's `x509/certvalid`).
    public var verifyServerName: Bool

    public init(caFile: String? = nil, certificateFile: String? = nil, privateKeyFile: String? = nil,
                serverName: String? = nil, verifyServerName: Bool = true) {
        self.caFile = caFile
        self.certificateFile = certificateFile
        self.privateKeyFile = privateKeyFile
        self.serverName = serverName
        self.verifyServerName = verifyServerName
    }
}

/// Everything a `SyslogSender` needs; the defaults suit a daemon talking to one collector.
public struct SyslogSenderConfiguration: Sendable {
    public var destination: SyslogDestination
    /// Facility of every message (LoopSentry events and swift-log lines alike).
    public var facility: SyslogFacility
    /// HOSTNAME; nil uses the machine's host name (`gethostname`).
    public var hostname: String?
    /// PROCID; nil uses the process ID.
    public var procID: String?
    /// Messages waiting for the collector; when full, the oldest is dropped and counted.
    public var queueCapacity: Int
    /// Longest message in octets (MSG is cut to fit); nil uses `destination.defaultMaxMessageLength`.
    public var maxMessageLength: Int?
    /// Delay between reconnection attempts: doubles from `initial` up to `maximum`.
    public var backoff: SyslogBackoff
    /// Bound on establishing a connection (TCP connect plus TLS handshake).
    public var connectTimeout: Duration
    /// Bound on one blocked write; a collector slower than this is disconnected and retried.
    public var sendTimeout: Duration

    public init(destination: SyslogDestination, facility: SyslogFacility = .daemon,
                hostname: String? = nil, procID: String? = nil, queueCapacity: Int = 1024,
                maxMessageLength: Int? = nil, backoff: SyslogBackoff = SyslogBackoff(),
                connectTimeout: Duration = .seconds(2), sendTimeout: Duration = .seconds(5)) {
        self.destination = destination
        self.facility = facility
        self.hostname = hostname
        self.procID = procID
        self.queueCapacity = max(1, queueCapacity)
        self.maxMessageLength = maxMessageLength
        self.backoff = backoff
        self.connectTimeout = connectTimeout
        self.sendTimeout = sendTimeout
    }
}

/// Exponential reconnection backoff, a value: `failed()` returns the next delay and doubles it,
/// up to `maximum`; `reset()` after a successful write starts again from `initial`.
public struct SyslogBackoff: Hashable, Sendable {
    public var initial: Duration
    public var maximum: Duration
    public private(set) var consecutiveFailures = 0

    public init(initial: Duration = .milliseconds(100), maximum: Duration = .seconds(30)) {
        self.initial = initial
        self.maximum = max(initial, maximum)
    }

    /// Records a failure; returns how long to wait before the next attempt.
    public mutating func failed() -> Duration {
        var delay = initial
        for _ in 0..<min(consecutiveFailures, 62) where delay < maximum { delay = delay * 2 }
        consecutiveFailures += 1
        return min(delay, maximum)
    }

    /// Records a success: the next failure waits `initial` again.
    public mutating func reset() { consecutiveFailures = 0 }
}

extension SyslogDestination {
    /// Why a configured transport or address was refused.
    public struct AddressError: Error, Equatable, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// A destination from configuration text: `transport` is `local`, `udp`, `tcp` or `tls`;
    /// `address` is a socket path for `local`, else `host`, `host:port` or `[ipv6]:port`
    /// (default ports 514, 514 and 6514). `tls` applies to `tls` only.
    public init(transport: String, address: String, tls: SyslogTLSSettings = SyslogTLSSettings()) throws(AddressError) {
        if transport == "local" {
            guard address.hasPrefix("/") else { throw AddressError(description: "local needs a socket path, got '\(address)'") }
            self = .local(path: address)
            return
        }
        let defaultPort = transport == "tls" ? 6514 : 514
        var host = Substring(address)
        var port = defaultPort
        if host.hasPrefix("["), let close = host.firstIndex(of: "]") {
            let rest = host[host.index(after: close)...]
            host = host[host.index(after: host.startIndex)..<close]
            if !rest.isEmpty {
                guard rest.hasPrefix(":"), let p = Int(rest.dropFirst()) else {
                    throw AddressError(description: "bad port in '\(address)'")
                }
                port = p
            }
        } else if host.filter({ $0 == ":" }).count == 1, let colon = host.firstIndex(of: ":") {
            guard let p = Int(host[host.index(after: colon)...]) else { throw AddressError(description: "bad port in '\(address)'") }
            port = p
            host = host[..<colon]
        }
        guard !host.isEmpty, (1...65535).contains(port) else { throw AddressError(description: "bad address '\(address)'") }
        switch transport {
        case "udp": self = .udp(host: String(host), port: port)
        case "tcp": self = .tcp(host: String(host), port: port)
        case "tls": self = .tls(host: String(host), port: port, tls)
        default: throw AddressError(description: "unknown transport '\(transport)' (local, udp, tcp, tls)")
        }
    }
}
