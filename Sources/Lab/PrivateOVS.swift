import Foundation
import LoopSentrySystem

/// A private Open vSwitch: its own `ovsdb-server` and `ovs-vswitchd` with the userspace
/// datapath (bridges of `datapath_type=netdev`, no kernel module needed), everything — database,
/// `db.sock`, control sockets, pid files, logs — in one folder. Nothing here reads or writes a
/// system-wide OVS: every tool gets `--db` and the control socket explicitly, and the
/// environment's `OVS_RUNDIR`, `OVS_LOGDIR`, `OVS_DBDIR` and `OVS_SYSCONFDIR` point at the folder.
///
/// `ovs-vswitchd` runs inside network namespace `netns` (when given): the userspace datapath
/// opens its ports by name, so they must live there. Both daemons are children in process groups
/// of their own, so they outlive a short-lived CLI (the lab) and another process stops them by
/// their pid files (`PrivateOVS.stop(directory:)`).
public final class PrivateOVS: @unchecked Sendable {
    /// The folder of the database, sockets, pid files and logs.
    public let directory: String
    /// The namespace `ovs-vswitchd` runs in (nil: this process's).
    public let netns: String?
    private var children: [String: ChildProcess] = [:]
    private var leftRunning = false

    public static let schema = "/usr/share/openvswitch/vswitch.ovsschema"
    static let daemons = ["ovs-vswitchd", "ovsdb-server"]

    /// The database's Unix socket (the OVSDB JSON-RPC endpoint).
    public var socket: String { file("db.sock") }
    /// The database as the OVS tools name it: `unix:DIR/db.sock`.
    public var database: String { "unix:" + socket }

    public init(directory: String, netns: String? = nil) {
        self.directory = directory
        self.netns = netns
    }

    /// A private OVS in a fresh folder under the temporary directory, named after `tag` and this process.
    public convenience init(tag: String, netns: String? = nil) {
        self.init(directory: NSTemporaryDirectory() + "loopsentry-ovs-\(tag)-\(getpid())", netns: netns)
    }

    deinit { if !leftRunning { stop() } }

    /// Leaves the daemons running when this object goes (the lab's `up` exits; `down` stops
    /// them with `stop(directory:)`).
    public func leaveRunning() {
        leftRunning = true
        children.removeAll()
    }

    public func file(_ name: String) -> String { directory + "/" + name }

    /// Why this machine cannot run a private OVS (the tools or the schema are missing), or nil.
    public static var unavailableReason: String? {
        for tool in ["/usr/sbin/ovsdb-server", "/usr/sbin/ovs-vswitchd", "/usr/bin/ovs-vsctl", "/usr/bin/ovsdb-tool", "/usr/bin/ovs-appctl"]
        where !FileManager.default.isExecutableFile(atPath: tool) {
            return "\(tool) is missing (install openvswitch-switch)"
        }
        return FileManager.default.fileExists(atPath: schema) ? nil : "\(schema) is missing (install openvswitch-common)"
    }

    /// The environment of every OVS tool run here: the defaults point into the folder.
    public var environment: [String: String] {
        ProcessInfo.processInfo.environment.merging(
            ["OVS_RUNDIR": directory, "OVS_LOGDIR": directory, "OVS_DBDIR": directory, "OVS_SYSCONFDIR": directory]) { $1 }
    }

    /// Creates the database and starts both daemons; returns once `ovs-vswitchd` has applied the
    /// database (an `ovs-vsctl` that waits for its reload). On failure stops what started.
    public func start(timeout: Duration = .seconds(20)) throws {
        if let why = Self.unavailableReason { throw LabError.stepFailed("start a private Open vSwitch", why) }
        try? FileManager.default.removeItem(atPath: directory)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        do {
            try tool(["ovsdb-tool", "create", file("conf.db"), Self.schema])
            try startDatabase()
            try waitUntil(timeout, "ovsdb-server's socket \(socket)") { FileManager.default.fileExists(atPath: self.socket) }
            try vsctl(["--no-wait", "init"])
            try startSwitch()
            try vsctl(["init"], timeout: timeout)
        } catch {
            stop()
            throw error
        }
    }

    /// Starts `ovsdb-server` on the folder's database (again, after `stopDaemon("ovsdb-server")`).
    public func startDatabase() throws {
        try spawn("ovsdb-server", [file("conf.db"), "--remote=punix:" + socket, "--unixctl=" + file("ovsdb-server.ctl")])
    }

    /// Starts `ovs-vswitchd` (inside `netns`) against the folder's database.
    public func startSwitch() throws {
        try spawn("ovs-vswitchd", [database, "--unixctl=" + file("ovs-vswitchd.ctl")])
    }

    private func spawn(_ daemon: String, _ arguments: [String]) throws {
        let argv = (netns.map { daemon == "ovs-vswitchd" ? ["ip", "netns", "exec", $0] : [] } ?? [])
            + ["/usr/sbin/\(daemon)"] + arguments
            + ["--pidfile=" + file("\(daemon).pid"), "--log-file=" + file("\(daemon).log"), "-vsyslog:off", "-vconsole:off"]
        do {
            children[daemon] = try ChildProcess.spawn(.init(argv, environment: environment,
                                                            stdout: .file(file("\(daemon).out"), append: true),
                                                            stderr: .sameAsStdout, ownProcessGroup: true))
        } catch {
            throw LabError.stepFailed("start \(daemon)", "\(error)")
        }
    }

    /// Runs `ovs-vsctl --db=… --timeout=…` with `arguments`; returns its output, throws naming
    /// the command and its first line of output when it fails.
    @discardableResult
    public func vsctl(_ arguments: [String], timeout: Duration = .seconds(10)) throws -> String {
        let seconds = max(1, Int(timeout.components.seconds))
        return try tool(["ovs-vsctl", "--db=" + database, "--timeout=\(seconds)"] + arguments, timeout: timeout + .seconds(2))
    }

    /// Adds a bridge of the userspace datapath.
    public func addBridge(_ name: String) throws {
        try vsctl(["add-br", name, "--", "set", "Bridge", name, "datapath_type=netdev", "fail_mode=standalone"])
    }

    /// Adds interface `port` (already in `netns`) to `bridge`; `trunks` nil or empty: a trunk of
    /// every VLAN (OVS's empty `trunks`), else only those VLANs.
    public func addPort(_ port: String, to bridge: String, trunks: [Int]? = nil) throws {
        var args = ["add-port", bridge, port]
        if let trunks, !trunks.isEmpty { args.append("trunks=" + trunks.map(String.init).joined(separator: ",")) }
        try vsctl(args)
    }

    /// Runs one OVS tool with the folder's environment.
    @discardableResult
    func tool(_ argv: [String], timeout: Duration = .seconds(10)) throws -> String {
        let run: ChildProcess.Output
        do {
            run = try ChildProcess.run(argv, environment: environment, timeout: timeout)
        } catch {
            throw LabError.stepFailed(argv.joined(separator: " "), "\(error)")
        }
        guard run.exit.status == 0, !run.exit.timedOut else {
            let why = run.text.split(separator: "\n").first.map(String.init)
                ?? (run.exit.timedOut ? "timed out" : "exit status \(run.exit.status ?? -1)")
            throw LabError.stepFailed(argv.prefix(6).joined(separator: " "), why)
        }
        return run.text
    }

    private func waitUntil(_ timeout: Duration, _ what: String, _ condition: () -> Bool) throws {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        while !condition() {
            guard clock.now < deadline else { throw LabError.stepFailed("wait for \(what)", "not there after \(timeout)") }
            usleep(20_000)
        }
    }

    /// Stops one daemon (`ovs-appctl exit`, SIGKILL when it does not leave): an "OVS down" for tests.
    public func stopDaemon(_ daemon: String) {
        Self.stop(daemon, in: directory, child: children.removeValue(forKey: daemon))
    }

    /// Stops both daemons and removes the folder.
    public func stop() {
        for daemon in Self.daemons { stopDaemon(daemon) }
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Stops the private OVS in `directory` from any process (the lab's `down`): each daemon by
    /// its control socket, then by SIGKILL to the pid in its pid file when it is still there;
    /// removes the folder.
    public static func stop(directory: String) {
        for daemon in daemons { stop(daemon, in: directory, child: nil) }
        try? FileManager.default.removeItem(atPath: directory)
    }

    private static func stop(_ daemon: String, in directory: String, child: ChildProcess?) {
        let pidText = (try? String(contentsOfFile: "\(directory)/\(daemon).pid", encoding: .utf8)) ?? ""
        let pid = child?.pid ?? pid_t(pidText.trimmingCharacters(in: .whitespacesAndNewlines))
        guard let pid, running(pid, daemon, child) else { return }
        _ = try? ChildProcess.run(["ovs-appctl", "-t", "\(directory)/\(daemon).ctl", "exit"], timeout: .seconds(5))
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: .seconds(3))
        while running(pid, daemon, child), clock.now < deadline { usleep(20_000) }
        if running(pid, daemon, child) { _ = killpg(pid, SIGKILL); _ = kill(pid, SIGKILL) }
        child?.waitForExit()
    }

    /// True while `pid` is `daemon` and has not exited (a child of ours is reaped here; another
    /// process's zombie counts as gone).
    private static func running(_ pid: pid_t, _ daemon: String, _ child: ChildProcess?) -> Bool {
        if let child { return child.isRunning }
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let open = stat.firstIndex(of: "("), let close = stat.lastIndex(of: ")") else { return false }
        let name = stat[stat.index(after: open)..<close]
        let state = stat[stat.index(after: close)...].split(separator: " ").first
        return daemon.hasPrefix(name) && state != "Z"
    }
}
