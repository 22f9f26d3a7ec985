import Foundation

/// A throwaway PKI for an https webhook receiver, made with the openssl tool in a temporary
/// folder: a test CA, a server certificate for 127.0.0.1 signed by it, and a self-signed
/// certificate for 127.0.0.1 that nobody trusts.
struct WebhookTestPKI {
    let directory: URL
    var caFile: String { path("ca.pem") }
    var serverCertificate: String { path("server.pem") }
    var serverKey: String { path("server-key.pem") }
    var untrustedCertificate: String { path("untrusted.pem") }
    var untrustedKey: String { path("untrusted-key.pem") }

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("ls-hook-pki-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2"]
        try openssl(["req", "-x509"] + ec + ["-keyout", path("ca-key.pem"), "-out", caFile, "-subj", "/CN=LoopSentry Webhook Test CA",
                     "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"])
        try openssl(["req"] + ec.filter { $0 != "-days" && $0 != "2" } + ["-keyout", serverKey, "-out", path("server.csr"), "-subj", "/CN=127.0.0.1"])
        try "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n".write(toFile: path("server.ext"), atomically: true, encoding: .utf8)
        try openssl(["x509", "-req", "-in", path("server.csr"), "-CA", caFile, "-CAkey", path("ca-key.pem"), "-CAcreateserial",
                     "-days", "2", "-extfile", path("server.ext"), "-out", serverCertificate])
        try openssl(["req", "-x509"] + ec + ["-keyout", untrustedKey, "-out", untrustedCertificate, "-subj", "/CN=127.0.0.1",
                     "-addext", "subjectAltName=IP:127.0.0.1"])
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }

    private func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    private func openssl(_ arguments: [String]) throws { _ = try Shell.must(["/usr/bin/openssl"] + arguments) }
}
