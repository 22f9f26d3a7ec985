import Foundation
import LoopSentryConfig
import LoopSentryCore
import Testing

/// `tenants[].webhooks`: each problem is one line naming the key and its line.
@Suite struct ConfigWebhookTests {
    func config(_ webhooks: String) -> String {
        """
        interfaces:
          - name: eth1
        tenants:
          - name: acme
            policy: alarm
            vlans: [{ interface: eth1, vlans: "10" }]
            webhooks:
        \(webhooks)
        """
    }

    func errors(_ yaml: String) -> [String] { ConfigLoaderTests().errors(yaml) }

    /// The one-line errors of loading the file at `path` (checks on the files it names), or none.
    func loadErrors(_ path: String) -> [String] {
        do {
            _ = try ConfigLoader.load(path: path)
            return []
        } catch {
            return error.errors.map(\.description)
        }
    }

    @Test("webhooks are read with their defaults")
    func reads() throws {
        let c = try ConfigLoader.parse(config("""
              - { url: "https://noc.example.net/hooks/loopsentry", secret_file: /etc/loopsentry/acme.secret }
              - { url: "http://127.0.0.1:8080/x", secret_file: s, timeout_s: 3 }
        """))
        let w = c.tenants[0].webhooks
        #expect(w.map(\.url) == ["https://noc.example.net/hooks/loopsentry", "http://127.0.0.1:8080/x"])
        #expect(w.map(\.secretFile) == ["/etc/loopsentry/acme.secret", "s"] && w.map(\.timeoutSeconds) == [10, 3])
        #expect(w.map(\.secretLine) == [8, 9])
    }

    @Test("a bad URL, a missing key, an unknown key, a bad timeout: one line each, naming key and line")
    func badLines() {
        #expect(errors(config("      - { url: \"ftp://h/x\", secret_file: s }"))
                == ["tenants[0].webhooks[0].url (line 8): 'ftp://h/x' is not an http:// or https:// URL with a host"])
        #expect(errors(config("      - { url: \"http:///x\", secret_file: s }"))
                == ["tenants[0].webhooks[0].url (line 8): 'http:///x' is not an http:// or https:// URL with a host"])
        #expect(errors(config("      - { url: \"https://u:p@h/x\", secret_file: s }"))
                == ["tenants[0].webhooks[0].url (line 8): 'https://u:p@h/x' is not an http:// or https:// URL with a host"])
        #expect(errors(config("      - { url: \"http://h/x\" }")) == ["tenants[0].webhooks[0].secret_file (line 8): is required"])
        #expect(errors(config("      - { url: \"http://h/x\", secret_file: s, secret: x }")).first?
                .hasPrefix("tenants[0].webhooks[0].secret (line 8): unknown key (allowed: url, secret_file, timeout_s, ca_file)") == true)
        #expect(errors(config("      - { url: \"http://h/x\", secret_file: s, timeout_s: 0 }"))
                == ["tenants[0].webhooks[0].timeout_s (line 8): must be in 1-300; got 0"])
        #expect(errors(config("      - \"http://h/x\"")).first?.hasPrefix("tenants[0].webhooks[0] (line 8): must be a mapping") == true)
        for e in errors(config("      - { url: \"http://h/\\u2028x\", secret_file: s }")) { #expect(!e.contains("\n") && !e.contains("\u{2028}")) }
    }

    @Test("load: the secret file must exist, be private (0600) and not empty; relative to the file's folder")
    func secretFile() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("loopsentry-hook-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.path + "/c.yaml"
        try config("      - { url: \"http://127.0.0.1:1/h\", secret_file: acme.secret }").write(toFile: path, atomically: true, encoding: .utf8)
        func load() -> [String] { loadErrors(path) }
        #expect(load() == ["tenants[0].webhooks[0].secret_file (line 8): secret file \(dir.path)/acme.secret does not exist"])
        try "s3cret\n".write(toFile: dir.path + "/acme.secret", atomically: true, encoding: .utf8)
        chmod(dir.path + "/acme.secret", 0o640)
        #expect(load() == ["tenants[0].webhooks[0].secret_file (line 8): secret file \(dir.path)/acme.secret is readable "
                           + "by group or others (mode 640): chmod 600 it"])
        chmod(dir.path + "/acme.secret", 0o600)
        let c = try ConfigLoader.load(path: path)
        #expect(c.tenants[0].webhooks[0].secretFile == dir.path + "/acme.secret")
        #expect(ConfigLoader.webhookSecret(path: dir.path + "/acme.secret") == Array("s3cret".utf8))
        try " \n".write(toFile: dir.path + "/acme.secret", atomically: false, encoding: .utf8)
        #expect(load() == ["tenants[0].webhooks[0].secret_file (line 8): secret file \(dir.path)/acme.secret is empty"])
    }

    @Test("ca_file: https only; load checks it is readable and holds a PEM certificate, relative to the file's folder")
    func caFile() throws {
        #expect(errors(config("      - { url: \"http://h/x\", secret_file: s, ca_file: ca.pem }"))
                == ["tenants[0].webhooks[0].ca_file (line 8): applies to https:// URLs only, and 'http://h/x' is not one"])
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("loopsentry-hook-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.path + "/c.yaml"
        try config("      - { url: \"https://127.0.0.1:1/h\", secret_file: acme.secret,\n          ca_file: ca.pem }")
            .write(toFile: path, atomically: true, encoding: .utf8)
        try "s3cret\n".write(toFile: dir.path + "/acme.secret", atomically: true, encoding: .utf8)
        chmod(dir.path + "/acme.secret", 0o600)
        func load() -> [String] { loadErrors(path) }
        #expect(load() == ["tenants[0].webhooks[0].ca_file (line 9): CA file \(dir.path)/ca.pem cannot be read"])
        try "not a certificate\n".write(toFile: dir.path + "/ca.pem", atomically: true, encoding: .utf8)
        #expect(load() == ["tenants[0].webhooks[0].ca_file (line 9): CA file \(dir.path)/ca.pem holds no PEM certificate"])
        try "-----BEGIN CERTIFICATE-----\nMII=\n-----END CERTIFICATE-----\n".write(toFile: dir.path + "/ca.pem", atomically: true, encoding: .utf8)
        #expect(load().isEmpty)
        #expect(try ConfigLoader.load(path: path).tenants[0].webhooks[0].caFile == dir.path + "/ca.pem")
    }

    @Test("webhooks.retention_days: 30 by default, 1-3650, other keys refused")
    func retention() throws {
        let base = "interfaces:\n  - name: eth1\n"
        #expect(try ConfigLoader.parse(base).webhooks.retentionDays == 30)
        #expect(try ConfigLoader.parse(base + "webhooks: { retention_days: 7 }").webhooks.retentionDays == 7)
        #expect(errors(base + "webhooks: { retention_days: 0 }") == ["webhooks.retention_days (line 3): must be in 1-3650; got 0"])
        #expect(errors(base + "webhooks: { keep: 3 }").first?.hasPrefix("webhooks.keep (line 3): unknown key (allowed: retention_days)") == true)
    }
}
