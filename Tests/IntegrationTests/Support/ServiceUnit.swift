import Foundation

/// The shipped systemd unit (config/loopsentry.service), read as systemd reads directives:
/// `Key=value` lines outside comments; a key given on several lines collects every value.
/// Tests run LoopSentry with exactly the capabilities parsed from it, so a change to the unit
/// changes what the tests grant.
struct ServiceUnit {
    static let shipped = try! ServiceUnit(path: DaemonHarness.packageRoot.appendingPathComponent("config/loopsentry.service").path)

    let directives: [String: [String]]

    init(path: String) throws {
        var found: [String: [String]] = [:]
        for raw in try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n") {
            let line = raw.trimmingCharacters(in: .whitespaces)
            guard !line.isEmpty, !line.hasPrefix("#"), !line.hasPrefix(";"), !line.hasPrefix("["),
                  let eq = line.firstIndex(of: "=") else { continue }
            found[String(line[..<eq]), default: []].append(String(line[line.index(after: eq)...]))
        }
        directives = found
    }

    /// Every whitespace-separated word of every `key=` line.
    func words(_ key: String) -> [String] {
        (directives[key] ?? []).flatMap { $0.split(separator: " ").map(String.init) }
    }

    /// AmbientCapabilities as setpriv names them (`CAP_NET_ADMIN` → `net_admin`).
    var ambientCapabilities: [String] {
        words("AmbientCapabilities").map { $0.lowercased().replacingOccurrences(of: "cap_", with: "") }
    }
}

/// The unprivileged system user the tests run LoopSentry as (the unit's `User=` on a test
/// machine), created on first use like the package's postinst creates `loopsentry`.
enum ServiceTestUser {
    static let name = "loopsentry-test"
    /// Suites that need the user run side by side: one creates it, the others wait and find it.
    private static let creating = NSLock()

    static func ensure() throws {
        creating.lock()
        defer { creating.unlock() }
        if getpwnam(name) != nil { return }
        try Shell.must(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name])
    }

    /// `setpriv` switching to the user with exactly the unit's capabilities: ambient (so they
    /// survive exec), inheritable and bounding set, and no_new_privs as NoNewPrivileges=yes.
    static func setpriv(_ unit: ServiceUnit = .shipped) -> [String] {
        let caps = (["-all"] + unit.ambientCapabilities.map { "+\($0)" }).joined(separator: ",")
        return ["/usr/bin/setpriv", "--reuid=\(name)", "--regid=\(name)", "--clear-groups",
                "--inh-caps=\(caps)", "--ambient-caps=\(caps)", "--bounding-set=\(caps)", "--no-new-privs", "--"]
    }

    /// Hands `path` (a test's private folder) to the user, as StateDirectory=/RuntimeDirectory= do.
    static func own(_ path: String) throws {
        try Shell.must(["chown", "-R", "\(name):\(name)", path])
    }
}
