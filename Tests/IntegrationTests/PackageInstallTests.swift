import Foundation
import Testing

/// The Debian package (scripts/package.sh) installed with apt into a fresh minimal Debian 12 root:
/// its Depends are enough for the binary to run there, postinst creates the service user, the
/// example configuration is a valid conffile, and lintian has nothing to say.
@Suite(.serialized, .enabled(if: runningAsRoot, "needs root for chroot, apt and debootstrap (run as root; CI does)"))
final class PackageInstallTests {
    @Test("installed with apt into a fresh Debian 12 root: --version, check-config of the example, the loopsentry user, the conffile")
    func installsIntoFreshRoot() throws {
        let deb = try DebianPackage.path.get()
        let root = try FreshDebianRoot()
        defer { root.remove() }
        try Shell.must(["cp", deb, "\(root.path)/tmp/loopsentry.deb"])
        let install = try root.run(["apt-get", "install", "-y", "-q", "--no-install-recommends", "/tmp/loopsentry.deb"])
        #expect(install.status == 0, "\(install.stdout.suffix(2000))\(install.stderr)")

        let version = try root.run(["loopsentry", "--version"])
        let packaged = try DebianPackage.field("Version")
        #expect(version.status == 0 && version.stdout == "\(packaged)\n", "\(version.stderr)")
        let check = try root.run(["loopsentry", "check-config", "/etc/loopsentry/loopsentry.example.yaml"])
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        #expect(check.stderr.isEmpty)

        let user = try root.run(["getent", "passwd", "loopsentry"]).stdout.trimmingCharacters(in: .newlines)
            .split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        #expect(user.count == 7 && (Int(user[2]) ?? 1000) < 1000, "not a system user: \(user)")
        #expect(user.last?.hasSuffix("nologin") == true)
        let conffiles = try root.run(["dpkg-query", "-W", "-f=${Conffiles}", "loopsentry"]).stdout
        #expect(conffiles.contains("/etc/loopsentry/loopsentry.example.yaml"))
        for file in ["/usr/share/snmp/mibs/LOOPSENTRY-MIB.txt", "/usr/share/loopsentry/mibs/LOOPSENTRY-MIB.txt",
                     "/usr/share/loopsentry/playbooks/linux-bridge-vlan.yml", "/lib/systemd/system/loopsentry.service",
                     "/usr/share/loopsentry/deploy/prometheus/loopsentry.rules.yml", "/usr/share/loopsentry/deploy/alertmanager/alertmanager.yml"] {
            #expect(FileManager.default.fileExists(atPath: root.path + file), "missing \(file)")
        }
        // Removing keeps the conffile; purging removes it.
        #expect(try root.run(["dpkg", "--purge", "loopsentry"]).status == 0)
        #expect(!FileManager.default.fileExists(atPath: root.path + "/etc/loopsentry/loopsentry.example.yaml"))
    }

    @Test("the binary carries the Swift runtime, and every library it needs comes from a package in Depends")
    func dependsCoverNeededLibraries() throws {
        let deb = try DebianPackage.path.get()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("loopsentry-deb-\(UUID().uuidString.prefix(8))").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Shell.must(["dpkg-deb", "-x", deb, dir])
        let needed = try Shell.must(["objdump", "-p", "\(dir)/usr/bin/loopsentry"]).split(separator: "\n")
            .filter { $0.contains("NEEDED") }.compactMap { $0.split(separator: " ").last.map(String.init) }
        #expect(!needed.isEmpty)
        #expect(needed.allSatisfy { !$0.hasPrefix("libswift") && !$0.hasPrefix("libFoundation") && !$0.hasPrefix("libdispatch") },
                "\(needed)")
        let depends = try DebianPackage.field("Depends")
        #expect(depends.hasPrefix("adduser, "), "postinst needs adduser: \(depends)")
        for expected in ["libbpf1", "libelf1", "libsnmp40", "libnftables1", "libssl3", "libsqlite3-0"] {
            #expect(depends.contains("\(expected) ("), "Depends lacks \(expected): \(depends)")
        }
        #expect(try DebianPackage.field("Recommends").contains("ansible"))
    }

    @Test("lintian reports no error or warning; every override is explained in the package's overrides file")
    func lintianClean() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/lintian") else {
            Issue.record("lintian is missing: scripts/setup.sh installs it")
            return
        }
        let r = try Shell.run(["lintian", "--fail-on", "error,warning", "--no-tag-display-limit", try DebianPackage.path.get()])
        let tags = r.stdout.split(separator: "\n").filter { $0.hasPrefix("E:") || $0.hasPrefix("W:") }
        #expect(r.status == 0 && tags.isEmpty, "\(r.stdout)\(r.stderr)")
        let overrides = try String(contentsOfFile: DaemonHarness.packageRoot.appendingPathComponent("packaging/lintian-overrides").path,
                                   encoding: .utf8).split(separator: "\n")
        for (i, line) in overrides.enumerated() where !line.hasPrefix("#") {
            #expect(i > 0 && overrides[i - 1].hasPrefix("#"), "override without a comment explaining it: \(line)")
        }
    }

    @Test("systemd-analyze verify accepts the packaged unit: no unknown key, no bad value, its binary executable")
    func unitVerifies() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/systemd-analyze") else {
            Issue.record("systemd-analyze is missing: scripts/setup.sh installs systemd")
            return
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("loopsentry-unit-\(UUID().uuidString.prefix(8))").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Shell.must(["dpkg-deb", "-x", try DebianPackage.path.get(), dir])
        // verify checks that ExecStart's binary exists: point it at the extracted one, nothing else changes.
        let unit = try String(contentsOfFile: "\(dir)/lib/systemd/system/loopsentry.service", encoding: .utf8)
            .replacingOccurrences(of: "/usr/bin/loopsentry", with: "\(dir)/usr/bin/loopsentry")
        try unit.write(toFile: "\(dir)/loopsentry.service", atomically: true, encoding: .utf8)
        let r = try Shell.run(["systemd-analyze", "verify", "\(dir)/loopsentry.service"])
        // Unknown keys and bad values only print a line (status 0): the output must be empty.
        #expect(r.status == 0 && r.stderr.isEmpty && r.stdout.isEmpty, "\(r.stdout)\(r.stderr)")
    }
}
