import Foundation
import Testing

/// The examples we ship (config/, docs/, README.md) never show SNMPv1/v2c write access: writes
/// (operator actions) go only through SNMPv3 users that `loopsentry snmp-vacm` limits by VACM.
/// The tests' and the lab's private snmpd (127.0.0.1 only, torn down after each run) keep
/// `rwcommunity private 127.0.0.1`; they live in Sources/Lab and Tests/, not in these files.
@Suite struct ShippedExamplesTests {
    static let root = SNMPTools.repoRoot

    /// Every shipped example file: config/*, docs/*.md, README.md.
    static var files: [URL] {
        let fm = FileManager.default
        var out = [root.appendingPathComponent("README.md")]
        for dir in ["config", "docs"] {
            let d = root.appendingPathComponent(dir)
            out += ((try? fm.contentsOfDirectory(atPath: d.path)) ?? []).sorted().map { d.appendingPathComponent($0) }
        }
        return out
    }

    /// Lines that would grant or use write access without SNMPv3: `rwcommunity`/`rwcommunity6`,
    /// a `com2sec`-based `access` line for v1/v2c/any with a write view other than `none`, and
    /// `snmpset -v1`/`-v2c` commands.
    static func v2cWriteLines(_ text: String) -> [String] {
        text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { line in
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard let first = words.first else { return false }
            if first == "rwcommunity" || first == "rwcommunity6" { return true }
            if first == "access", words.count >= 8, ["v1", "v2c", "any"].contains(words[3]), words[7] != "none" { return true }
            return first == "snmpset" && (words.contains("-v2c") || words.contains("-v1") || words.contains("2c"))
        }
    }

    @Test func theFinderCatchesEachKindOfV2cWriteLine() {
        #expect(Self.v2cWriteLines("""
            rocommunity public 127.0.0.1
              rwcommunity noc-write 10.0.0.0/8 .1.3.6.1.4.1.8072
            rwcommunity6 w ::1
            access g "" v2c noauth exact all all none
            access g "" any noauth exact all all none
            access g "" usm priv exact all all none
            snmpset -v2c -c noc host x i 2
            snmpset -v3 -l authPriv host x i 2
            the `rwcommunity` directive in prose is fine
            """) == ["rwcommunity noc-write 10.0.0.0/8 .1.3.6.1.4.1.8072", "rwcommunity6 w ::1",
                     "access g \"\" v2c noauth exact all all none", "access g \"\" any noauth exact all all none",
                     "snmpset -v2c -c noc host x i 2"])
    }

    @Test func shippedConfigDocsAndReadmeShowNoSNMPv2cWriteAccess() throws {
        let files = Self.files
        #expect(files.count >= 5)
        #expect(files.contains { $0.lastPathComponent == "snmp.md" } && files.contains { $0.lastPathComponent == "security.md" })
        for f in files {
            guard let text = try? String(contentsOf: f, encoding: .utf8) else { continue }
            #expect(Self.v2cWriteLines(text) == [], "\(f.path)")
        }
    }
}
