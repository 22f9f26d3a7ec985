import Foundation

/// The .deb under test: $LOOPSENTRY_DEB (scripts/test.sh builds it once with scripts/package.sh),
/// else built here by scripts/package.sh (a release build: minutes the first time).
enum DebianPackage {
    static let path: Result<String, Error> = Result {
        if let env = ProcessInfo.processInfo.environment["LOOPSENTRY_DEB"], !env.isEmpty { return env }
        let script = DaemonHarness.packageRoot.appendingPathComponent("scripts/package.sh").path
        return try Shell.must([script]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// `dpkg-deb --field` of the package.
    static func field(_ name: String) throws -> String {
        try Shell.must(["dpkg-deb", "--field", try path.get(), name]).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// A throwaway copy of the cached minimal Debian 12 root (scripts/test-root.sh), removed by
/// `remove()`. Commands run in it with `chroot`.
final class FreshDebianRoot {
    let path: String
    private static let aptArchive = "/var/cache/loopsentry-test/apt-archives"

    init() throws {
        let script = DaemonHarness.packageRoot.appendingPathComponent("scripts/test-root.sh").path
        let cached = try Shell.must([script]).trimmingCharacters(in: .whitespacesAndNewlines)
        path = "/var/tmp/loopsentry-root-\(UUID().uuidString.prefix(8))"
        try Shell.must(["cp", "-a", cached, path])
        try Shell.must(["cp", "/etc/resolv.conf", "\(path)/etc/resolv.conf"])
        // Packages downloaded by earlier runs, so a rerun needs no download.
        try FileManager.default.createDirectory(atPath: Self.aptArchive, withIntermediateDirectories: true)
        _ = try Shell.run(["sh", "-c", "cp \(Self.aptArchive)/*.deb \(path)/var/cache/apt/archives/ 2>/dev/null"])
        // The Swift runtime reads its arguments from /proc/self/cmdline, as a service has it.
        try Shell.must(["mount", "-t", "proc", "proc", "\(path)/proc"])
    }

    func remove() {
        _ = try? Shell.run(["umount", "\(path)/proc"])
        _ = try? Shell.run(["sh", "-c", "cp -n \(path)/var/cache/apt/archives/*.deb \(Self.aptArchive)/ 2>/dev/null"])
        _ = try? Shell.run(["rm", "-rf", "--one-file-system", path])
    }

    /// Runs `args` inside the root.
    @discardableResult
    func run(_ args: [String]) throws -> CommandResult {
        try Shell.run(["chroot", path] + args, environment: ["PATH": "/usr/sbin:/usr/bin:/sbin:/bin",
                                                              "DEBIAN_FRONTEND": "noninteractive", "LC_ALL": "C"])
    }
}
