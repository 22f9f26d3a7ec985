/// `portal:`: the tenant portal's HTTP(S) server, its bearer tokens and their rate limit.
public struct PortalConfig: Equatable, Sendable {
    public var host: String
    public var port: Int
    /// PEM certificate chain and private key: HTTPS when both are set.
    public var tlsCert: String?
    public var tlsKey: String?
    public var tokens: [PortalTokenConfig] = []
    /// Each token's bucket: refilled at this many requests per minute, holding at most `burst`.
    public var requestsPerMinute = 120
    public var burst = 30

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// True when the portal speaks HTTPS.
    public var tls: Bool { tlsCert != nil && tlsKey != nil }
}

/// One bearer token of the portal, known only by the SHA-256 of its text.
public struct PortalTokenConfig: Equatable, Sendable {
    /// Whose VLANs the token sees and acts on.
    public enum Scope: Equatable, Sendable {
        case tenant(String)
        case noc
    }

    /// Shown as the author of the token's actions in the journal.
    public var name: String
    public var scope: Scope
    /// Lower-case hex SHA-256 of the token.
    public var sha256: String
    public var line: Int?

    public init(name: String, scope: Scope, sha256: String, line: Int? = nil) {
        self.name = name
        self.scope = scope
        self.sha256 = sha256
        self.line = line
    }
}
