import Foundation

/// nft helpers the lab tests use as their oracle: counters in tables the tests add themselves,
/// read with the `nft` command (independent of the driver under test).
enum Nft {
    /// Loads `rules` (an nft script) in `netns`; throws when nft refuses it.
    static func load(netns: String, _ rules: String) throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("\(netns)-\(UInt32.random(in: 0...999_999)).nft").path
        try rules.write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        try Shell.must(["ip", "netns", "exec", netns, "nft", "-f", file])
    }

    /// The packets of named counter `name` in netdev table `table` of `netns`; throws when nft fails.
    static func packets(netns: String, table: String, counter name: String) throws -> Int {
        let out = try Shell.must(["ip", "netns", "exec", netns, "nft", "list", "counter", "netdev", table, name])
        guard let r = out.range(of: #"packets (\d+)"#, options: .regularExpression),
              let n = Int(out[r].dropFirst("packets ".count)) else { throw ShellError("no packet count in \(out.prefix(200))") }
        return n
    }
}
