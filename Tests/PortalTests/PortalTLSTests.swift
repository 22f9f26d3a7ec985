import Foundation
@testable import Portal
import Testing

/// `tls_cert`/`tls_key`: the portal speaks HTTPS (HummingbirdTLS, swift-nio-ssl); a bad file
/// fails the start with one line.
@Suite struct PortalTLSTests {
    /// A self-signed certificate for 127.0.0.1 made with the openssl tool, in a fresh folder.
    static func certificate() async throws -> (cert: String, key: String, dir: String) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ls-portal-tls-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        _ = try await runTool("/usr/bin/openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                                             "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", "\(dir)/key.pem", "-out", "\(dir)/cert.pem"])
        return ("\(dir)/cert.pem", "\(dir)/key.pem", dir)
    }

    /// curl's output for `path` over HTTPS, trusting only `cert`.
    static func curl(_ port: UInt16, _ path: String, cert: String, token: String) async throws -> String {
        try await runTool("/usr/bin/curl", ["-sS", "--max-time", "30", "--cacert", cert, "-H", "Authorization: Bearer \(token)",
                                      "https://127.0.0.1:\(port)\(path)"]).output
    }

    @Test func withCertificateAndKeyThePortalSpeaksHTTPS() async throws {
        let (cert, key, dir) = try await Self.certificate()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let p = try await RunningPortal(tlsCert: cert, tlsKey: key).started()
        defer { p.stop() }
        #expect(p.server.endpoint.hasPrefix("https://127.0.0.1:"))
        let port = p.port
        let body = try await Self.curl(port, "/api/v1/incidents", cert: cert, token: "token-of-org-b")
        #expect(body.hasPrefix(#"{"incidents":[{"ack_deadline":"2026-11-30T01:05:00.000Z","id":1,"#), "\(body)")
    }

    @Test func anUnreadableCertificateFailsTheStartWithOneLine() throws {
        let error = #expect(throws: PortalServer.Failure.self) {
            try PortalServer(host: "127.0.0.1", port: 0, role: .metrics, tlsCert: "/nonexistent/c.pem", tlsKey: "/nonexistent/k.pem") { "" }
        }
        #expect(error?.description.hasPrefix("portal TLS: cannot load /nonexistent/c.pem / /nonexistent/k.pem: ") == true)
        #expect(error?.description.contains("\n") == false)
    }
}
