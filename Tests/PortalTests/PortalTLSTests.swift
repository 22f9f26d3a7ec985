import Foundation
@testable import Portal
import Testing

/// `tls_cert`/`tls_key`: the portal speaks HTTPS (HummingbirdTLS, swift-nio-ssl); a bad file
/// fails the start with one line.
@Suite struct PortalTLSTests {
    /// A self-signed certificate for 127.0.0.1 made with the openssl tool, in a fresh folder.
    static func certificate() throws -> (cert: String, key: String, dir: String) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ls-portal-tls-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        p.arguments = ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                       "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", "\(dir)/key.pem", "-out", "\(dir)/cert.pem"]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        return ("\(dir)/cert.pem", "\(dir)/key.pem", dir)
    }

    /// curl's output for `path` over HTTPS, trusting only `cert`.
    static func curl(_ port: UInt16, _ path: String, cert: String, token: String) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        p.arguments = ["-sS", "--max-time", "5", "--cacert", cert, "-H", "Authorization: Bearer \(token)", "https://127.0.0.1:\(port)\(path)"]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    @Test func withCertificateAndKeyThePortalSpeaksHTTPS() async throws {
        let (cert, key, dir) = try Self.certificate()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let p = try await RunningPortal(tlsCert: cert, tlsKey: key).started()
        defer { p.stop() }
        #expect(p.server.endpoint.hasPrefix("https://127.0.0.1:"))
        let port = p.port
        let body = try await Task.detached { try Self.curl(port, "/api/v1/incidents", cert: cert, token: "token-of-org-b") }.value
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
