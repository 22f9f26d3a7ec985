import Foundation

/// The secrets an SNMP cut authenticates with, read from the file `remediation.snmp.credentials`
/// names (never inline in the main configuration). The file is `key: value` lines; `#` starts a
/// comment; values may be quoted with `"` or `'`.
///
/// SNMPv2c:
///
///     version: 2c
///     community: s3cret-write-community
///
/// SNMPv3 (USM):
///
///     version: 3
///     user: loopsentry
///     security_level: authPriv        # noAuthNoPriv | authNoPriv | authPriv (default: from the keys given)
///     auth_protocol: SHA-256          # MD5 | SHA | SHA-224 | SHA-256 | SHA-384 | SHA-512
///     auth_passphrase: at-least-8-characters
///     priv_protocol: AES              # DES | AES | AES-192 | AES-256
///     priv_passphrase: at-least-8-characters
///     context: ""                     # optional contextName
public struct SNMPCredentials: Equatable, Sendable {
    /// SNMP version.
    public enum Version: String, Sendable { case v2c = "2c", v3 = "3" }
    /// USM authentication protocols, spelled as in Net-SNMP's `-a`.
    public enum AuthProtocol: String, Sendable, CaseIterable {
        case md5 = "MD5", sha = "SHA", sha224 = "SHA-224", sha256 = "SHA-256", sha384 = "SHA-384", sha512 = "SHA-512"
    }
    /// USM privacy protocols.
    public enum PrivProtocol: String, Sendable, CaseIterable {
        case des = "DES", aes = "AES", aes192 = "AES-192", aes256 = "AES-256"
    }
    /// USM security levels.
    public enum SecurityLevel: String, Sendable, CaseIterable {
        case noAuthNoPriv, authNoPriv, authPriv
    }

    public var version: Version
    /// v2c: the community with write access.
    public var community: String?
    /// v3: the USM user, its level, protocols and passphrases, and the context.
    public var user: String?
    public var securityLevel: SecurityLevel = .noAuthNoPriv
    public var authProtocol: AuthProtocol?
    public var authPassphrase: String?
    public var privProtocol: PrivProtocol?
    public var privPassphrase: String?
    public var context: String?

    /// A v2c community.
    public static func community(_ community: String) -> SNMPCredentials {
        SNMPCredentials(version: .v2c, community: community)
    }
}

/// A credentials file that cannot be used, in one line naming the file, line and key.
public struct SNMPCredentialsError: Error, Equatable, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}

extension SNMPCredentials {
    static let keys = ["version", "community", "user", "security_level", "auth_protocol", "auth_passphrase",
                       "priv_protocol", "priv_passphrase", "context"]

    /// Parses the file's text. Pure. `file` only names the file in errors.
    public static func parse(_ text: String, file: String) throws(SNMPCredentialsError) -> SNMPCredentials {
        var values: [String: (value: String, line: Int)] = [:]
        for (i, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = i + 1
            let content = stripComment(String(raw)).trimmingCharacters(in: .whitespaces)
            if content.isEmpty { continue }
            guard let colon = content.firstIndex(of: ":") else {
                throw fail(file, line, nil, "expected 'key: value'")
            }
            let key = content[..<colon].trimmingCharacters(in: .whitespaces)
            guard keys.contains(key) else { throw fail(file, line, key, "unknown key (known: \(keys.joined(separator: ", ")))") }
            guard values[key] == nil else { throw fail(file, line, key, "appears twice") }
            values[key] = (unquote(content[content.index(after: colon)...].trimmingCharacters(in: .whitespaces)), line)
        }
        func value(_ key: String) -> String? { values[key]?.value }
        func line(_ key: String) -> Int { values[key]?.line ?? 0 }
        func require(_ key: String, _ why: String) throws(SNMPCredentialsError) -> String {
            guard let v = value(key), !v.isEmpty else { throw fail(file, nil, key, "is required \(why)") }
            return v
        }
        func choice<T: RawRepresentable & CaseIterable>(_ key: String, _: T.Type) throws(SNMPCredentialsError) -> T?
            where T.RawValue == String {
            guard let v = value(key) else { return nil }
            guard let c = T.allCases.first(where: { $0.rawValue.lowercased() == v.lowercased() }) else {
                throw fail(file, line(key), key, "'\(v)' is not one of \(T.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return c
        }
        guard let versionText = value("version") else { throw fail(file, nil, "version", "is required (2c or 3)") }
        let lowered = versionText.lowercased()
        guard let version = Version(rawValue: lowered.hasPrefix("v") ? String(lowered.dropFirst()) : lowered) else {
            throw fail(file, line("version"), "version", "'\(versionText)' is not 2c or 3")
        }
        if version == .v2c {
            let community = try require("community", "with version 2c")
            for key in ["user", "security_level", "auth_protocol", "auth_passphrase", "priv_protocol", "priv_passphrase", "context"]
            where values[key] != nil {
                throw fail(file, line(key), key, "is for version 3 only")
            }
            return .community(community)
        }
        if values["community"] != nil { throw fail(file, line("community"), "community", "is for version 2c only") }
        var c = SNMPCredentials(version: .v3, user: try require("user", "with version 3"))
        c.authProtocol = try choice("auth_protocol", AuthProtocol.self)
        c.privProtocol = try choice("priv_protocol", PrivProtocol.self)
        c.authPassphrase = value("auth_passphrase")
        c.privPassphrase = value("priv_passphrase")
        c.context = value("context")
        let inferred: SecurityLevel = c.privProtocol != nil ? .authPriv : c.authProtocol != nil ? .authNoPriv : .noAuthNoPriv
        c.securityLevel = try choice("security_level", SecurityLevel.self) ?? inferred
        let needsAuth = c.securityLevel != .noAuthNoPriv, needsPriv = c.securityLevel == .authPriv
        for (key, needed, present) in [("auth_protocol", needsAuth, c.authProtocol != nil), ("auth_passphrase", needsAuth, c.authPassphrase != nil),
                                       ("priv_protocol", needsPriv, c.privProtocol != nil), ("priv_passphrase", needsPriv, c.privPassphrase != nil)] {
            if needed && !present { throw fail(file, nil, key, "is required with security_level \(c.securityLevel.rawValue)") }
            if !needed && present { throw fail(file, line(key), key, "is not used with security_level \(c.securityLevel.rawValue)") }
        }
        for key in ["auth_passphrase", "priv_passphrase"] {
            if let v = value(key), v.utf8.count < 8 { throw fail(file, line(key), key, "must be at least 8 characters (RFC 3414)") }
        }
        return c
    }

    /// Reads and parses `path`, refusing a file that is not a regular file or that group or
    /// others may read (the configuration loader checks this too; the driver re-checks on use).
    public static func load(_ path: String) throws(SNMPCredentialsError) -> SNMPCredentials {
        var st = stat()
        guard stat(path, &st) == 0 else { throw SNMPCredentialsError(message: "credentials file \(path) does not exist") }
        guard st.st_mode & S_IFMT == S_IFREG else { throw SNMPCredentialsError(message: "credentials file \(path) is not a regular file") }
        if st.st_mode & 0o077 != 0 {
            throw SNMPCredentialsError(message: "credentials file \(path) is readable by group or others (mode "
                                       + "\(String(st.st_mode & 0o777, radix: 8))): chmod 600 it")
        }
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw SNMPCredentialsError(message: "credentials file \(path) cannot be read (permissions?)")
        }
        return try parse(text, file: path)
    }

    static func fail(_ file: String, _ line: Int?, _ key: String?, _ why: String) -> SNMPCredentialsError {
        let place = line.map { "\(file) line \($0)" } ?? file
        return SNMPCredentialsError(message: "credentials file \(place): " + (key.map { "\($0) " } ?? "") + why)
    }

    /// The line without a `#` comment outside quotes.
    static func stripComment(_ line: String) -> String {
        var quote: Character?
        for (i, ch) in zip(line.indices, line) {
            if let q = quote { if ch == q { quote = nil } } else if ch == "\"" || ch == "'" { quote = ch } else if ch == "#" {
                return String(line[..<i])
            }
        }
        return line
    }

    static func unquote(_ v: String) -> String {
        if v.count >= 2, let f = v.first, f == v.last, f == "\"" || f == "'" { return String(v.dropFirst().dropLast()) }
        return v
    }
}
