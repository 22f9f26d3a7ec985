import Yams

extension ConfigLoader {
    static let portalKeys = ["listen", "tls_cert", "tls_key", "tokens", "requests_per_minute", "burst"]
    static let portalTokenKeys = ["name", "tenant", "noc", "sha256"]

    /// `portal:`: listen address, optional TLS files, tokens (each for one tenant or the NOC).
    static func readPortal(_ m: [String: Node], _ node: Node?, _ r: ConfigReader) -> PortalConfig? {
        guard let listen = readListen(r.require(m, "listen", "portal", node), "portal.listen", r) else { return nil }
        var p = PortalConfig(host: listen.host, port: listen.port)
        p.tlsCert = r.string(m["tls_cert"], "portal.tls_cert")
        p.tlsKey = r.string(m["tls_key"], "portal.tls_key")
        if (p.tlsCert == nil) != (p.tlsKey == nil) {
            r.fail(p.tlsCert == nil ? "portal.tls_cert" : "portal.tls_key", m["tls_cert"] ?? m["tls_key"], "tls_cert and tls_key go together")
        }
        if let v = r.int(m["requests_per_minute"], "portal.requests_per_minute", range: 1...60_000) { p.requestsPerMinute = v }
        if let v = r.int(m["burst"], "portal.burst", range: 1...10_000) { p.burst = v }
        p.tokens = r.sequence(m["tokens"], "portal.tokens").compactMap { readPortalToken($0.0, $0.1, r) }
        return p
    }

    static func readPortalToken(_ node: Node, _ path: String, _ r: ConfigReader) -> PortalTokenConfig? {
        guard let m = r.mapping(node, path, allowed: portalTokenKeys) else { return nil }
        let name = r.string(r.require(m, "name", path, node), "\(path).name")
        if let name, name.count > 64 || !name.allSatisfy({ $0.isLetter || $0.isNumber || "-_.@".contains($0) }) {
            r.fail("\(path).name", m["name"], "'\(name)' must be 1-64 letters, digits, '-', '_', '.' or '@'")
        }
        let hash = r.string(r.require(m, "sha256", path, node), "\(path).sha256")
        if let hash, hash.count != 64 || !hash.allSatisfy({ "0123456789abcdef".contains($0) }) {
            r.fail("\(path).sha256", m["sha256"], "must be 64 lower-case hex digits (loopsentry token prints it)")
        }
        let tenant = r.string(m["tenant"], "\(path).tenant")
        let noc = r.bool(m["noc"], "\(path).noc")
        let scope: PortalTokenConfig.Scope?
        switch (tenant, noc) {
        case let (t?, nil): scope = .tenant(t)
        case (nil, true?): scope = .noc
        case (nil, false?):
            r.fail("\(path).noc", m["noc"], "must be true when given (a tenant's token names its tenant instead)")
            scope = nil
        case (_?, _?):
            r.fail(path, node, "has both tenant and noc: a token is for one tenant or for the NOC")
            scope = nil
        case (nil, nil):
            if m["tenant"] == nil && m["noc"] == nil { r.fail(path, node, "needs tenant: NAME or noc: true") }
            scope = nil
        }
        guard let name, let hash, let scope else { return nil }
        return PortalTokenConfig(name: name, scope: scope, sha256: hash, line: node.mark?.line)
    }

    /// Token names and hashes are unique; a tenant's token names a tenant of the file.
    static func crossCheckPortal(_ c: Configuration, _ r: ConfigReader) {
        guard let p = c.portal else { return }
        let tenants = Set(c.tenants.map(\.name))
        var names: [String: Int] = [:]
        var hashes: [String: Int] = [:]
        for (i, t) in p.tokens.enumerated() {
            if let first = names[t.name] {
                r.add(ConfigError(path: "portal.tokens[\(i)].name", line: t.line, message: "token '\(t.name)' is already portal.tokens[\(first)]"))
            }
            if let first = hashes[t.sha256] {
                r.add(ConfigError(path: "portal.tokens[\(i)].sha256", line: t.line, message: "is the same hash as portal.tokens[\(first)]"))
            }
            names[t.name] = names[t.name] ?? i
            hashes[t.sha256] = hashes[t.sha256] ?? i
            if case let .tenant(name) = t.scope, !tenants.contains(name) {
                r.add(ConfigError(path: "portal.tokens[\(i)].tenant", line: t.line,
                                  message: "tenant '\(name)' is not in tenants (\(tenants.sorted().joined(separator: ", ")))"))
            }
        }
    }
}
