import CLoopSentryTLS
import Foundation

/// The portal's bearer tokens: made from 32 random bytes, known to the configuration only by
/// their SHA-256 (OpenSSL, through the `CLoopSentryTLS` shim).
public enum PortalToken {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// A new token: `lsp_` and 43 base64url characters (256 random bits).
    public static func generate() throws -> String {
        var bytes = [UInt8](repeating: 0, count: 32)
        guard ls_random_bytes(&bytes, bytes.count) == 0 else { throw Failure(description: "the random number generator failed") }
        let text = Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        return "lsp_" + text
    }

    /// Lower-case hex SHA-256 of the token's UTF-8 text.
    public static func sha256Hex(_ token: String) -> String {
        var digest = [UInt8](repeating: 0, count: 32)
        let bytes = Array(token.utf8)
        _ = bytes.withUnsafeBytes { ls_sha256($0.baseAddress, $0.count, &digest) }
        return digest.map { String(format: "%02x", $0) }.joined()
    }

    /// The configuration line for a token named `name` (a tenant's, or the NOC's when `tenant` is nil).
    public static func configLine(name: String, tenant: String?, token: String) -> String {
        let scope = tenant.map { "tenant: \($0)" } ?? "noc: true"
        return "- { name: \(name), \(scope), sha256: \(sha256Hex(token)) }"
    }
}
