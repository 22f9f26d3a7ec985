import Foundation
import Testing

/// `loopsentry token SCOPE` (`--tenant NAME` or `--noc`): the token it printed once and the
/// `portal.tokens` line with its SHA-256.
func portalToken(_ scope: [String]) throws -> (token: String, line: String) {
    let lines = try Shell.must([loopsentryBinary, "token"] + scope).split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
    return (try #require(lines.first { $0.hasPrefix("lsp_") }), try #require(lines.first { $0.hasPrefix("- { name: ") }))
}
