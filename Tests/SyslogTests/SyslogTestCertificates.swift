import Foundation

/// A throwaway PKI made with GnuTLS's `certtool` in a temporary folder: a test CA, a server
/// certificate for `localhost` / 127.0.0.1, a client certificate, and an unrelated "rogue" CA
/// that must not be trusted.
struct SyslogTestCertificates: Sendable {
    let directory: URL
    var caFile: String { path("ca.pem") }
    var serverCertificateFile: String { path("server.pem") }
    var serverKeyFile: String { path("server-key.pem") }
    var clientCertificateFile: String { path("client.pem") }
    var clientKeyFile: String { path("client-key.pem") }
    var rogueCAFile: String { path("rogue-ca.pem") }

    static let certtool = "/usr/bin/certtool"

    static func make() throws -> SyslogTestCertificates {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ls-pki-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let pki = SyslogTestCertificates(directory: directory)
        try pki.selfSigned(name: "ca", commonName: "LoopSentry Test CA")
        try pki.selfSigned(name: "rogue-ca", commonName: "Rogue CA")
        try pki.issued(name: "server", template: ["cn = \"localhost\"", "dns_name = \"localhost\"",
                                                  "ip_address = \"127.0.0.1\"", "tls_www_server"])
        try pki.issued(name: "client", template: ["cn = \"loopsentry-sensor\"", "tls_www_client"])
        return pki
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }

    private func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    private func selfSigned(name: String, commonName: String) throws {
        try key(name)
        try write(template: ["cn = \"\(commonName)\"", "ca", "cert_signing_key", "expiration_days = 2"], to: name)
        try run(["--generate-self-signed", "--load-privkey", path("\(name)-key.pem"),
                 "--template", path("\(name).tmpl"), "--outfile", path("\(name).pem")])
    }

    private func issued(name: String, template: [String]) throws {
        try key(name)
        try write(template: template + ["signing_key", "encryption_key", "expiration_days = 2"], to: name)
        try run(["--generate-certificate", "--load-privkey", path("\(name)-key.pem"),
                 "--load-ca-certificate", caFile, "--load-ca-privkey", path("ca-key.pem"),
                 "--template", path("\(name).tmpl"), "--outfile", path("\(name).pem")])
    }

    private func key(_ name: String) throws {
        try run(["--generate-privkey", "--key-type", "ecdsa", "--outfile", path("\(name)-key.pem")])
    }

    private func write(template: [String], to name: String) throws {
        try (template.joined(separator: "\n") + "\n").write(toFile: path("\(name).tmpl"), atomically: true, encoding: .utf8)
    }

    private func run(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.certtool)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let detail = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CertificateError.certtool(arguments.first ?? "", String(decoding: detail, as: UTF8.self))
        }
    }

    enum CertificateError: Error { case certtool(String, String) }
}
