import Foundation

/// The NOC side of the lab, private to one run: snmpd as AgentX master (UDP on a free loopback
/// port, AgentX on a Unix socket in the run's folder), snmptrapd receiving its notifications
/// into a file, and rsyslogd receiving RFC 5424 over TCP (octet counting) into a file, with
/// mmpstrucdata's parse of the structured data beside it. Nothing touches the system daemons.
public final class LabServices: @unchecked Sendable {
    public let directory: URL
    public let snmpPort: Int
    public let trapPort: Int
    public let syslogPort: Int
    public var agentxSocket: String { file("agentx.sock") }
    public var trapLog: String { file("traps.log") }
    public var syslogRaw: String { file("syslog.log") }
    public var syslogParsed: String { file("syslog-sd.log") }
    public let mibPath: String
    public static let mibModules = "SNMPv2-MIB:LOOPSENTRY-MIB"
    private(set) var processes: [ServiceProcess] = []

    /// `mibs` is the folder holding LOOPSENTRY-MIB.txt; the run's folder is named after the lab's
    /// prefix and this process, so processes of labs side by side are told apart by their paths.
    public init(mibs: String, names: LabNamespaces = .standard) throws {
        directory = URL(fileURLWithPath: NSTemporaryDirectory())
            .appendingPathComponent("loopsentry-lab-services-\(names.prefix)-\(getpid())")
        try? FileManager.default.removeItem(at: directory)
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("persist"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("rsyslog"), withIntermediateDirectories: true)
        snmpPort = Self.freePort(udp: true)
        trapPort = Self.freePort(udp: true)
        syslogPort = Self.freePort(udp: false)
        mibPath = (Self.erlangMIBs().map { [$0] } ?? []).joined() + ":" + mibs
    }

    public func file(_ name: String) -> String { directory.appendingPathComponent(name).path }

    public var snmpEnvironment: [String: String] {
        ["SNMP_PERSISTENT_DIR": file("persist"), "SNMPCONFPATH": directory.path, "MIBS": "", "MIBDIRS": mibPath]
    }

    /// Starts snmptrapd, snmpd and rsyslogd; on failure stops what started.
    public func start() throws {
        try """
        master agentx
        agentXSocket \(agentxSocket)
        agentXPerms 0600 0700
        agentXTimeout 5
        rocommunity public 127.0.0.1
        rwcommunity private 127.0.0.1
        trap2sink 127.0.0.1:\(trapPort) public
        dontLogTCPWrappersConnects yes

        """.write(toFile: file("snmpd.conf"), atomically: true, encoding: .utf8)
        try "disableAuthorization yes\n".write(toFile: file("snmptrapd.conf"), atomically: true, encoding: .utf8)
        try """
        global(workDirectory="\(file("rsyslog"))")
        module(load="imtcp")
        module(load="mmpstrucdata")
        template(name="raw" type="string" string="%rawmsg%\\n")
        template(name="sd" type="string" string="%msgid% %$!rfc5424-sd%\\n")
        ruleset(name="loopsentry") {
          action(type="mmpstrucdata")
          action(type="omfile" file="\(syslogRaw)" template="raw")
          action(type="omfile" file="\(syslogParsed)" template="sd")
        }
        input(type="imtcp" address="127.0.0.1" port="\(syslogPort)" ruleset="loopsentry")

        """.write(toFile: file("rsyslog.conf"), atomically: true, encoding: .utf8)
        for f in [trapLog, syslogRaw, syslogParsed] { _ = FileManager.default.createFile(atPath: f, contents: nil) }
        do {
            processes.append(try ServiceProcess(
                name: "snmptrapd",
                arguments: ["/usr/sbin/snmptrapd", "-f", "-Lf", trapLog, "-C", "-c", file("snmptrapd.conf"),
                            "-p", file("snmptrapd.pid"), "-M", mibPath, "-m", Self.mibModules, "udp:127.0.0.1:\(trapPort)"],
                environment: snmpEnvironment, output: file("snmptrapd.out")))
            try startSNMPD()
            processes.append(try ServiceProcess(
                name: "rsyslogd",
                arguments: ["/usr/sbin/rsyslogd", "-n", "-f", file("rsyslog.conf"), "-i", file("rsyslogd.pid")],
                environment: [:], output: file("rsyslogd.out")))
        } catch {
            stop()
            throw error
        }
        guard Self.waitUntil(seconds: 10, { FileManager.default.fileExists(atPath: self.agentxSocket) && Self.tcpOpen(self.syslogPort) }) else {
            stop()
            throw LabError.stepFailed("start snmpd and rsyslogd", "no AgentX socket or syslog port after 10 s (see \(directory.path))")
        }
    }

    /// (Re)starts snmpd alone, e.g. after `crashSNMPD()`.
    public func startSNMPD() throws {
        processes.append(try ServiceProcess(
            name: "snmpd",
            arguments: ["/usr/sbin/snmpd", "-f", "-Lf", file("snmpd.log"), "-C", "-c", file("snmpd.conf"),
                        "-p", file("snmpd.pid"), "-I", "-smux", "udp:127.0.0.1:\(snmpPort)"],
            environment: snmpEnvironment, output: file("snmpd.out")))
    }

    /// Kills snmpd with SIGKILL, as a crash.
    public func crashSNMPD() {
        processes.filter { $0.name == "snmpd" }.forEach { $0.crash() }
        processes.removeAll { $0.name == "snmpd" }
    }

    public func stop() {
        for p in processes.reversed() { p.stop() }
        processes.removeAll()
    }

    /// Runs an SNMP tool (snmpget, snmpset, snmpwalk, …) against the private snmpd with the MIB loaded.
    public func snmp(_ tool: String, _ arguments: [String], community: String = "public") throws -> (status: Int32, output: String) {
        let r = try LabRunner.execute(LabStep(["env"] + snmpEnvironment.map { "\($0.key)=\($0.value)" }
            + ["/usr/bin/\(tool)", "-v2c", "-c", community, "-M", mibPath, "-m", Self.mibModules, "-t", "2", "-r", "1",
               "127.0.0.1:\(snmpPort)"] + arguments))
        return (r.status, r.output)
    }

    /// The first `snmp-*/mibs` folder of Debian's erlang-snmp: the IETF base MIBs as text.
    public static func erlangMIBs() -> String? {
        let base = "/usr/lib/erlang/lib"
        let dirs = (try? FileManager.default.contentsOfDirectory(atPath: base)) ?? []
        return dirs.filter { $0.hasPrefix("snmp-") }.sorted().last.map { "\(base)/\($0)/mibs" }
    }

    static func waitUntil(seconds: Double, _ cond: () -> Bool) -> Bool {
        let end = Date().addingTimeInterval(seconds)
        while Date() < end {
            if cond() { return true }
            usleep(50_000)
        }
        return cond()
    }

    /// A loopback port free right now (bound to port 0, then released).
    public static func freePort(udp: Bool) -> Int {
        let s = socket(AF_INET, Int32(udp ? SOCK_DGRAM.rawValue : SOCK_STREAM.rawValue), 0)
        defer { close(s) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(s, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(s, $0, &len) } }
        return Int(UInt16(bigEndian: addr.sin_port))
    }

    static func tcpOpen(_ port: Int) -> Bool {
        let s = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(s) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(s, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } } == 0
    }
}
