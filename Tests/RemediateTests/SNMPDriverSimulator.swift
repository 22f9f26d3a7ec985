import Foundation
import LoopSentryCore
import Remediate
import Testing

/// A real SNMP command responder for the SNMP cut driver's tests: snmpsim from the package's
/// `.venv` (scripts/setup.sh), on a private UDP port of 127.0.0.1, serving `.snmprec` files
/// written into a fresh directory. Writable objects use snmpsim's `writecache` module;
/// `vlanTrunkPortSetSerialNo` uses a small TestAndIncr module written next to the data.
/// `stop()` ends it; tests call it in `defer`.
final class SNMPSimulator {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path
    static let responder = "\(root)/.venv/bin/snmpsim-command-responder"
    static let available = FileManager.default.isExecutableFile(atPath: responder)
    static let unavailable: Comment = "snmpsim is not installed in .venv (scripts/setup.sh installs it)"

    /// The SNMPv3 user every simulator accepts (context "public" selects public.snmprec).
    static let v3User = (name: "lsuser", auth: "SHA-256", authKey: "auth-pass-123", priv: "AES", privKey: "priv-pass-123")

    let directory: URL
    let port: Int
    private let process: Process
    private let output: URL

    /// `files` maps a community (the file name) to its records (`oid|tag|value` lines, any order).
    init(files: [String: [String]]) throws {
        directory = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("ls-snmpsim-\(UUID().uuidString.prefix(8))")
        let data = directory.appendingPathComponent("data"), modules = directory.appendingPathComponent("variation")
        for d in [data, modules, directory.appendingPathComponent("cache")] {
            try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        }
        // The readiness probe's community.
        let all = files.merging(["probe": ["1.3.6.1.2.1.1.1.0|4|loopsentry test agent"]]) { a, _ in a }
        for (community, records) in all {
            try (Self.sorted(records).joined(separator: "\n") + "\n")
                .write(to: data.appendingPathComponent("\(community).snmprec"), atomically: true, encoding: .utf8)
        }
        try Self.testAndIncrModule.write(to: modules.appendingPathComponent("testandincr.py"), atomically: true, encoding: .utf8)
        port = try freeUDPPort()
        output = directory.appendingPathComponent("snmpsim.log")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        let builtIn = try Self.builtInVariationDirectory()
        process = Process()
        process.executableURL = URL(fileURLWithPath: Self.responder)
        let u = Self.v3User
        process.arguments = [
            "--data-dir=\(data.path)", "--cache-dir=\(directory.path)/cache",
            "--variation-modules-dir=\(modules.path)", "--variation-modules-dir=\(builtIn)",
            "--agent-udpv4-endpoint=127.0.0.1:\(port)", "--log-level=error",
            "--v3-user=\(u.name)", "--v3-auth-key=\(u.authKey)", "--v3-auth-proto=SHA256",
            "--v3-priv-key=\(u.privKey)", "--v3-priv-proto=AES",
        ]
        // snmpsim refuses to run as root unless told: it only listens on loopback here.
        process.environment = ProcessInfo.processInfo.environment.merging(["SNMPSIM_ALLOW_ROOT": "true"]) { $1 }
        let log = try FileHandle(forWritingTo: output)
        process.standardOutput = log
        process.standardError = log
        try process.run()
        try waitUntilAnswering()
    }

    deinit { stop() }

    /// Ends the responder (SIGTERM; SIGKILL when it is still there after a second, as snmpsim
    /// may sit in its I/O loop) and removes its directory.
    func stop() {
        if process.isRunning {
            process.terminate()
            let deadline = Date().addingTimeInterval(1)
            while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: directory)
    }

    /// The agent address for a cut target.
    var address: String { "udp:127.0.0.1:\(port)" }

    /// Polls with `snmpget` until the responder answers (at most 20 s).
    private func waitUntilAnswering() throws {
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            guard process.isRunning else { break }
            if let out = try? SNMPTool.run("snmpget", ["-v2c", "-c", "probe", "-t", "0.2", "-r", "0", "-Oqv",
                                                      "127.0.0.1:\(port)", "1.3.6.1.2.1.1.1.0"]), out.status == 0 {
                return
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        let log = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
        stop()
        throw SimulatorError(message: "snmpsim did not answer on 127.0.0.1:\(port): \(log.suffix(2000))")
    }

    /// Reads one object with Net-SNMP's `snmpget` (the independent oracle), v2c community `community`.
    func get(_ oid: SNMPObjectID, community: String = "public") throws -> SNMPToolValue {
        let out = try SNMPTool.run("snmpget", ["-v2c", "-c", community, "-On", "-Oqv", "-Ox", "-t", "2", "-r", "1",
                                               "127.0.0.1:\(port)", oid.map(String.init).joined(separator: ".")])
        guard out.status == 0 else { throw SimulatorError(message: "snmpget failed: \(out.text)") }
        return SNMPToolValue(out.text)
    }

    /// The records in numeric OID order (snmpsim expects sorted files).
    static func sorted(_ records: [String]) -> [String] {
        func arcs(_ r: String) -> [Int] { r.split(separator: "|")[0].split(separator: ".").map { Int($0)! } }
        return records.sorted { arcs($0).lexicographicallyPrecedes(arcs($1)) }
    }

    /// snmpsim's own variation modules (writecache), beside the ones written here.
    static func builtInVariationDirectory() throws -> String {
        let lib = "\(root)/.venv/lib"
        for python in (try FileManager.default.contentsOfDirectory(atPath: lib)).sorted() {
            let dir = "\(lib)/\(python)/site-packages/snmpsim/variation"
            if FileManager.default.fileExists(atPath: "\(dir)/writecache.py") { return dir }
        }
        throw SimulatorError(message: "no snmpsim/variation directory under \(lib)")
    }

    /// SNMPv2-TC TestAndIncr as an snmpsim variation module: a SET succeeds only with the
    /// current value, which then increments; `races=N` bumps the value before each of the first
    /// N SETs (another manager writing first), so those SETs fail with inconsistentValue.
    static let testAndIncrModule = """
    from pysnmp.smi import error
    from snmpsim.grammar.snmprec import SnmprecGrammar
    from snmpsim.record.snmprec import SnmprecRecord

    def init(**context):
        pass

    def variate(oid, tag, value, **context):
        if not context["nextFlag"] and not context["exactMatch"]:
            return context["origOid"], tag, context["errorStatus"]
        if "value" not in recordContext:
            settings = dict(x.split("=") for x in value.split(","))
            recordContext["value"] = int(settings.get("value", "0"))
            recordContext["races"] = int(settings.get("races", "0"))
        if context["setFlag"]:
            if recordContext["races"] > 0:
                recordContext["races"] -= 1
                recordContext["value"] += 1
            if int(context["origValue"]) != recordContext["value"]:
                idx = max(0, context["varsTotal"] - context["varsRemaining"] - 1)
                raise error.InconsistentValueError(name=oid, idx=idx)
            recordContext["value"] = (recordContext["value"] + 1) % 2147483648
            return oid, tag, context["origValue"]
        type_tag, _ = SnmprecRecord.unpack_tag(tag)
        return oid, tag, SnmprecGrammar.TAG_MAP[type_tag](recordContext["value"])

    def shutdown(**context):
        pass

    """
}

struct SimulatorError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

/// A value printed by `snmpget -Oqv -Ox`: hex octets or an integer.
struct SNMPToolValue: Equatable {
    let text: String
    init(_ text: String) { self.text = text.trimmingCharacters(in: .whitespacesAndNewlines) }
    /// The octets of a hex string ("7F FF …" over several lines).
    var bytes: [UInt8] { text.split(whereSeparator: { " \n\"".contains($0) }).compactMap { UInt8($0, radix: 16) } }
    var integer: Int? { Int(text) }
}

/// Runs Net-SNMP's command-line tools; `text` is standard output (or, on failure, standard error).
enum SNMPTool {
    static func run(_ tool: String, _ arguments: [String]) throws -> (status: Int32, text: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/\(tool)")
        p.arguments = arguments
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: p.terminationStatus == 0 ? data : errors, as: UTF8.self))
    }
}

/// A UDP socket bound to a free port of 127.0.0.1 that nobody reads: requests sent to it get
/// no answer and no ICMP error. The caller closes `fd`.
func silentUDPSocket() throws -> (fd: Int32, port: Int) {
    let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
    guard fd >= 0 else { throw SimulatorError(message: "socket: errno \(errno)") }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    var len = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) == 0 && getsockname(fd, $0, &len) == 0 }
    }
    guard bound else { close(fd); throw SimulatorError(message: "bind: errno \(errno)") }
    return (fd, Int(UInt16(bigEndian: addr.sin_port)))
}

/// A UDP port on 127.0.0.1 that was free a moment ago.
func freeUDPPort() throws -> Int {
    let (fd, port) = try silentUDPSocket()
    close(fd)
    return port
}
