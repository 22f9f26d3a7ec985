import LoopSentryConfig
import Testing

@Suite struct ConfigPortalTests {
    static let hashA = String(repeating: "a", count: 64)
    static let hashB = String(repeating: "b", count: 64)
    static let head = """
    interfaces:
      - name: eth1
    tenants:
      - name: org-a
        policy: alarm
        vlans: [{interface: eth1, vlans: "10"}]

    """

    func errors(_ portal: String) -> [String] {
        do {
            _ = try ConfigLoader.parse(Self.head + portal)
            return []
        } catch {
            return error.errors.map(\.description)
        }
    }

    @Test func aPortalWithTLSTokensAndLimitsIsRead() throws {
        let c = try ConfigLoader.parse(Self.head + """
        portal:
          listen: "127.0.0.1:8443"
          tls_cert: /etc/c.pem
          tls_key: /etc/k.pem
          requests_per_minute: 60
          burst: 5
          tokens:
            - { name: org-a-ops, tenant: org-a, sha256: \(Self.hashA) }
            - { name: noc, noc: true, sha256: \(Self.hashB) }
        """)
        let p = try #require(c.portal)
        #expect(p.host == "127.0.0.1" && p.port == 8443 && p.tls && p.requestsPerMinute == 60 && p.burst == 5)
        #expect(p.tokens == [PortalTokenConfig(name: "org-a-ops", scope: .tenant("org-a"), sha256: Self.hashA, line: 14),
                             PortalTokenConfig(name: "noc", scope: .noc, sha256: Self.hashB, line: 15)])
        #expect(c.explanation().last == "portal: https://127.0.0.1:8443/ with 2 token(s) (1 NOC), 120 requests/min per token, burst 5"
            .replacingOccurrences(of: "120", with: "60"))
    }

    @Test("each bad portal section is refused with the key and the line", arguments: [
        ("portal: {}\n", "portal.listen (line 7): is required"),
        ("portal: { listen: \"localhost:80\" }\n", "portal.listen (line 7): must name a numeric IPv4 or IPv6 address"),
        ("portal: { listen: \"127.0.0.1:80\", tls_cert: /c }\n", "portal.tls_key (line 7): tls_cert and tls_key go together"),
        ("portal: { listen: \"127.0.0.1:80\", burst: 0 }\n", "portal.burst (line 7): must be in 1-10000; got 0"),
        ("portal:\n  listen: \"127.0.0.1:80\"\n  tokens:\n    - { name: x, tenant: org-z, sha256: \(hashA) }\n",
         "portal.tokens[0].tenant (line 10): tenant 'org-z' is not in tenants (org-a)"),
        ("portal:\n  listen: \"127.0.0.1:80\"\n  tokens:\n    - { name: x, tenant: org-a, sha256: ABC }\n",
         "portal.tokens[0].sha256 (line 10): must be 64 lower-case hex digits (loopsentry token prints it)"),
        ("portal:\n  listen: \"127.0.0.1:80\"\n  tokens:\n    - { name: x, sha256: \(hashA) }\n",
         "portal.tokens[0] (line 10): needs tenant: NAME or noc: true"),
        ("portal:\n  listen: \"127.0.0.1:80\"\n  tokens:\n    - { name: x, tenant: org-a, noc: true, sha256: \(hashA) }\n",
         "portal.tokens[0] (line 10): has both tenant and noc"),
        ("portal:\n  listen: \"127.0.0.1:80\"\n  tokens:\n    - { name: x, noc: true, sha256: \(hashA) }\n    - { name: x, noc: true, sha256: \(hashB) }\n",
         "portal.tokens[1].name (line 11): token 'x' is already portal.tokens[0]"),
        ("portal:\n  listen: \"127.0.0.1:80\"\n  tokens:\n    - { name: x, noc: true, sha256: \(hashA) }\n    - { name: y, noc: true, sha256: \(hashA) }\n",
         "portal.tokens[1].sha256 (line 11): is the same hash as portal.tokens[0]"),
        ("portal:\n  listen: \"127.0.0.1:80\"\n  tokens:\n    - { name: x, noc: true, sha256: \(hashA), secret: 1 }\n",
         "portal.tokens[0].secret (line 10): unknown key (allowed: name, tenant, noc, sha256)"),
    ])
    func badPortal(yaml: String, expected: String) {
        let found = errors(yaml)
        #expect(found.contains { $0.hasPrefix(expected) }, "expected '\(expected)' in \(found)")
    }
}
