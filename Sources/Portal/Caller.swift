import Foundation
import LoopSentryConfig

/// Who sent a request: the token's name and whose VLANs it may see (nil tenant: the NOC, all).
public struct Caller: Equatable, Sendable {
    public var name: String
    public var tenant: String?

    public init(name: String, tenant: String?) {
        self.name = name
        self.tenant = tenant
    }

    /// True when the caller may see and act on a VLAN or incident of `owner` ("" when none).
    public func sees(_ owner: String) -> Bool { tenant == nil || tenant == owner }
}

/// The configured tokens by hash: `Authorization: Bearer TOKEN` → the caller, or nil.
public struct TokenBook: Sendable {
    private let byHash: [String: Caller]

    public init(_ tokens: [PortalTokenConfig]) {
        var map: [String: Caller] = [:]
        for t in tokens {
            switch t.scope {
            case let .tenant(name): map[t.sha256] = Caller(name: t.name, tenant: name)
            case .noc: map[t.sha256] = Caller(name: t.name, tenant: nil)
            }
        }
        byHash = map
    }

    /// The caller an `Authorization` header value names, nil when missing, malformed or unknown.
    public func caller(authorization: String?) -> Caller? {
        guard let header = authorization else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let token = parts[1].trimmingCharacters(in: .whitespaces)
        guard !token.isEmpty, token.utf8.count <= 256 else { return nil }
        return byHash[PortalToken.sha256Hex(token)]
    }
}
