import Foundation
import Testing

/// `loopsentry token SCOPE` (`--tenant NAME` or `--noc`): the token it printed once and the
/// `portal.tokens` line with its SHA-256.
func portalToken(_ scope: [String]) throws -> (token: String, line: String) {
    let lines = try Shell.must([loopsentryBinary, "token"] + scope).split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
    return (try #require(lines.first { $0.hasPrefix("lsp_") }), try #require(lines.first { $0.hasPrefix("- { name: ") }))
}

/// `curl` of `url` with `method` and, when given, a bearer token: (HTTP status, body).
func curlCall(_ method: String, _ url: String, token: String?) throws -> (Int, String) {
    let out = try Shell.must(["curl", "-s", "--max-time", "10", "-X", method, "-w", "\n%{http_code}"]
                             + (token.map { ["-H", "Authorization: Bearer \($0)"] } ?? []) + [url])
    let parts = out.split(separator: "\n", omittingEmptySubsequences: false)
    return (Int(parts.last ?? "") ?? 0, parts.dropLast().joined(separator: "\n"))
}
