import Foundation
import NOCBridge

/// The portal's bearer tokens: made from 32 random bytes, known to the configuration only by
/// their SHA-256 (OpenSSL, through NOCBridge's `OpenSSLDigest`, the one place it is called).
public enum PortalToken {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// A new token: `lsp_` and 43 base64url characters (256 random bits).
    public static func generate() throws -> String {
        guard let bytes = OpenSSLDigest.randomBytes(32) else { throw Failure(description: "the random number generator failed") }
        let text = Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        return "lsp_" + text
    }

    /// Lower-case hex SHA-256 of the token's UTF-8 text.
    public static func sha256Hex(_ token: String) -> String {
        OpenSSLDigest.sha256(Array(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// The configuration line for a token named `name` (a tenant's, or the NOC's when `tenant` is nil).
    public static func configLine(name: String, tenant: String?, token: String) -> String {
        let scope = tenant.map { "tenant: \($0)" } ?? "noc: true"
        return "- { name: \(name), \(scope), sha256: \(sha256Hex(token)) }"
    }
}
