import Foundation
import Testing
@testable import NOCBridge

/// A private rsyslogd for integration tests: its own configuration, work directory and output
/// file in a temporary folder, loopback ports picked free at run time. It writes one JSON line per
/// `loopsentry` message: the raw message, MSGID and mmpstrucdata's parse of the structured data.
/// `stop()` runs on every exit path (the tests call it in `defer`, `deinit` backs that up).
final class SyslogTestCollector: @unchecked Sendable {
    enum Input {
        case udp, tcp, unixSocket
        /// imtcp with the gtls driver; `requireClientCertificate` uses `x509/certvalid`.
        case tls(SyslogTestCertificates, requireClientCertificate: Bool)
    }

    struct Record {
        var raw: String
        var msgID: String
        /// mmpstrucdata's view: SD-ID → parameter → value.
        var structuredData: [String: [String: String]]
    }

    /// Why the integration tests cannot run here, or nil when they can.
    static let unavailableReason: String? = {
        guard FileManager.default.isExecutableFile(atPath: rsyslogd) else { return "rsyslogd is not installed" }
        guard getuid() == 0 else { return "integration tests with rsyslogd run as root only" }
        return nil
    }()
    static let rsyslogd = "/usr/sbin/rsyslogd"

    let directory: URL
    let port: Int
    var socketPath: String { directory.appendingPathComponent("log.sock").path }
    private let inputs: [Input]
    private var process: SyslogTestProcess?

    init(_ inputs: [Input]) throws {
        self.inputs = inputs
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("ls-rsyslog-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        port = try Self.freeLoopbackPort()
        try configuration().write(to: directory.appendingPathComponent("rsyslog.conf"), atomically: true, encoding: .utf8)
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(at: directory)
    }

    private func configuration() -> String {
        var lines = ["global(workDirectory=\"\(directory.path)\" maxMessageSize=\"64k\")"]
        for input in inputs {
            switch input {
            case .udp:
                lines += ["module(load=\"imudp\")", "input(type=\"imudp\" address=\"127.0.0.1\" port=\"\(port)\")"]
            case .tcp:
                lines += ["module(load=\"imtcp\")", "input(type=\"imtcp\" address=\"127.0.0.1\" port=\"\(port)\")"]
            case .unixSocket:
                lines += ["module(load=\"imuxsock\" SysSock.Use=\"off\")",
                          "input(type=\"imuxsock\" Socket=\"\(socketPath)\" UseSpecialParser=\"off\" ParseHostname=\"on\")"]
            case .tls(let certificates, let requireClient):
                lines[0] = "global(workDirectory=\"\(directory.path)\" maxMessageSize=\"64k\" "
                    + "DefaultNetstreamDriverCAFile=\"\(certificates.caFile)\" "
                    + "DefaultNetstreamDriverCertFile=\"\(certificates.serverCertificateFile)\" "
                    + "DefaultNetstreamDriverKeyFile=\"\(certificates.serverKeyFile)\")"
                let mode = requireClient ? "x509/certvalid" : "anon"
                lines += ["module(load=\"imtcp\" StreamDriver.Name=\"gtls\" StreamDriver.Mode=\"1\" StreamDriver.AuthMode=\"\(mode)\")",
                          "input(type=\"imtcp\" address=\"127.0.0.1\" port=\"\(port)\")"]
            }
        }
        lines += [
            "module(load=\"mmpstrucdata\")",
            "template(name=\"record\" type=\"list\") {",
            "  constant(value=\"{\\\"raw\\\":\\\"\") property(name=\"rawmsg\" format=\"json\")",
            "  constant(value=\"\\\",\\\"msgid\\\":\\\"\") property(name=\"msgid\" format=\"json\")",
            "  constant(value=\"\\\",\\\"sd\\\":\") property(name=\"$!rfc5424-sd\")",
            "  constant(value=\"}\\n\")",
            "}",
            "if $app-name == \"loopsentry\" then {",
            "  action(type=\"mmpstrucdata\")",
            "  action(type=\"omfile\" file=\"\(outputFile.path)\" template=\"record\")",
            "}",
        ]
        return lines.joined(separator: "\n") + "\n"
    }

    var outputFile: URL { directory.appendingPathComponent("received.jsonl") }

    /// Starts rsyslogd (`-n -f CONF -i PIDFILE`) and waits until every input accepts messages.
    func start() throws {
        process = try SyslogTestProcess(
            path: Self.rsyslogd,
            arguments: ["-n", "-f", directory.appendingPathComponent("rsyslog.conf").path,
                        "-i", directory.appendingPathComponent("rsyslogd.pid").path],
            outputPath: directory.appendingPathComponent("rsyslogd.out").path)
        try waitUntilReady()
    }

    /// SIGTERM and wait for the process to exit (it closes its connections as it goes).
    func stop() {
        process?.stop()
        process = nil
    }

    private func waitUntilReady() throws {
        let deadline = Date().addingTimeInterval(10)
        for input in inputs {
            var ready = false
            while !ready && Date() < deadline {
                switch input {
                case .tcp, .tls: ready = Self.canConnect(port: port)
                case .udp: ready = probe(.udp(host: "127.0.0.1", port: port))
                case .unixSocket:
                    ready = FileManager.default.fileExists(atPath: socketPath) && probe(.local(path: socketPath))
                }
                if !ready { Thread.sleep(forTimeInterval: 0.05) }
            }
            guard ready else {
                let output = (try? String(contentsOf: directory.appendingPathComponent("rsyslogd.out"), encoding: .utf8)) ?? ""
                throw CollectorError.notReady("\(input) on port \(port): \(output)")
            }
        }
    }

    /// Sends one `PROBE` message over a datagram transport and waits briefly for it.
    private func probe(_ destination: SyslogDestination) -> Bool {
        guard let connection = try? SyslogConnection.open(destination, tlsContext: nil, connectTimeout: .seconds(1),
                                                          sendTimeout: .seconds(1)) else { return false }
        let id = UUID().uuidString
        let text = "<14>1 - probe loopsentry - PROBE [probe@8072 id=\"\(id)\"]"
        guard (try? connection.send(Array(text.utf8))) != nil else { return false }
        let deadline = Date().addingTimeInterval(0.5)
        while Date() < deadline {
            if allRecords().contains(where: { $0.raw == text }) { return true }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return false
    }

    /// Every record received so far, readiness probes left out.
    func records() -> [Record] { allRecords().filter { $0.msgID != "PROBE" } }

    private func allRecords() -> [Record] {
        guard let data = try? Data(contentsOf: outputFile) else { return [] }
        return data.split(separator: UInt8(ascii: "\n")).compactMap { line in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any],
                  let raw = object["raw"] as? String, let msgID = object["msgid"] as? String else { return nil }
            let sd = (object["sd"] as? [String: [String: String]]) ?? [:]
            return Record(raw: raw, msgID: msgID, structuredData: sd)
        }
    }

    /// Waits until at least `count` records arrived, at most `timeout` seconds; returns them.
    func waitForRecords(count: Int, timeout: TimeInterval = 10) -> [Record] {
        let deadline = Date().addingTimeInterval(timeout)
        var received = records()
        while received.count < count && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.05)
            received = records()
        }
        return received
    }

    enum CollectorError: Error { case notReady(String) }

    static func canConnect(port: Int) -> Bool {
        (try? SyslogSocket.connectInet(host: "127.0.0.1", port: port, stream: true, timeout: .milliseconds(200))) != nil
    }

    /// A loopback TCP and UDP port free at this moment (bound to port 0, then released).
    static func freeLoopbackPort() throws -> Int {
        for _ in 0..<20 {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            defer { close(fd) }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { sa in
                    bind(fd, sa, length) == 0 && getsockname(fd, sa, &length) == 0
                }
            }
            guard bound else { continue }
            let port = Int(UInt16(bigEndian: address.sin_port))
            let udp = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
            defer { close(udp) }
            var udpAddress = address
            let udpFree = withUnsafePointer(to: &udpAddress) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(udp, $0, length) == 0 }
            }
            if udpFree { return port }
        }
        throw CollectorError.notReady("no free loopback port")
    }
}
