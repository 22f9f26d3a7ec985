import Foundation
import LoopSentryCore
import Testing

/// A live `loopsentry run` on a private veth pair, its control socket fed random and malformed
/// input: binary garbage, well-formed bad requests, lines over 4 KiB, a request with no newline
/// and the connection closed before the answer, half-closed and idle (half-open) connections,
/// several clients at once. The daemon keeps running, answers every complete bad request with
/// one `{"ok":false,...}` line, a final `status` still works and its tc filter stays attached.
@Suite(.serialized, .enabled(if: runningAsRoot, rootReason))
final class ControlSocketFuzzTests {
    let lab: VethLab
    init() throws { lab = try VethLab() }
    deinit { lab.destroy() }

    /// One client connection to `path` (sends with MSG_NOSIGNAL; 5 s receive timeout).
    final class Client {
        let fd: Int32
        init(_ path: String) throws {
            fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
            var addr = sockaddr_un()
            addr.sun_family = sa_family_t(AF_UNIX)
            withUnsafeMutableBytes(of: &addr.sun_path) { raw in for (i, b) in path.utf8.enumerated() { raw[i] = b } }
            let rc = withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
            }
            guard rc == 0 else { close(fd); throw ShellError("connect \(path): errno \(errno)") }
            var tv = timeval(tv_sec: 5, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        }
        deinit { close(fd) }

        func send(_ bytes: [UInt8]) {
            var off = 0
            while off < bytes.count {
                let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + off, bytes.count - off, Int32(MSG_NOSIGNAL)) }
                if n <= 0 { return }
                off += n
            }
        }

        func shutdownWrite() { shutdown(fd, Int32(SHUT_WR)) }

        /// Everything until the daemon closes (or 5 s pass).
        func readAll() -> String {
            var out = [UInt8](), buf = [UInt8](repeating: 0, count: 4096)
            while true {
                let n = read(fd, &buf, buf.count)
                if n <= 0 { break }
                out += buf[0..<n]
            }
            return String(decoding: out, as: UTF8.self)
        }
    }

    static let badRequests = [
        #"{"op":"cut"}"#, #"{"op":"ack"}"#, #"{"op":"ack","interface":"lsit1","vlan":4095}"#, #"{"op":"status","x":1}"#,
        #"{"op":"ack","interface":"a b","vlan":20}"#, #"[]"#, #"{"op":"restore","interface":"lsit1","vlan":"20"}"#, "null",
        #"{"op":"dismiss","interface":"lsit1","vlan":20,"by":"x;rm -rf /"}"#, String(repeating: "[", count: 3000),
    ]

    /// A complete request line's answer must be exactly one `{"ok":false,...}` line; else what is wrong.
    static func checkRefusal(_ answer: String, _ what: String) -> String? {
        let lines = answer.split(separator: "\n", omittingEmptySubsequences: false)
        let object = (try? JSONSerialization.jsonObject(with: Data(answer.utf8))) as? [String: Any]
        let ok = lines.count == 2 && lines[1].isEmpty && object?["ok"] as? Bool == false
            && !((object?["message"] as? String) ?? "").isEmpty
        return ok ? nil : "\(what): answer \(answer.debugDescription.prefix(200))"
    }

    /// One random client: what it sends and how it hangs up.
    static func oneClient(_ path: String, _ rng: inout SeededGenerator) throws -> String? {
        let c = try Client(path)
        switch Int.random(in: 0..<5, using: &rng) {
        case 0:  // binary garbage, then a newline
            c.send(rng.bytes(Int.random(in: 0...300, using: &rng)).map { $0 == 0x0a ? 0x20 : $0 } + [0x0a])
            return checkRefusal(c.readAll(), "garbage")
        case 1:
            c.send(Array(rng.pick(badRequests).utf8) + [0x0a])
            return checkRefusal(c.readAll(), "bad request")
        case 2:  // longer than the 4096-byte limit
            c.send([UInt8](repeating: UInt8(ascii: "x"), count: Int.random(in: 4097...20_000, using: &rng)) + [0x0a])
            return checkRefusal(c.readAll(), "huge line")
        case 3:  // half-closed: a partial request, then EOF; the answer still arrives
            c.send(Array(#"{"op":"ack","vlan":"#.utf8))
            c.shutdownWrite()
            return checkRefusal(c.readAll(), "half-closed")
        default:  // no newline, and gone before the answer
            c.send(rng.bytes(Int.random(in: 1...200, using: &rng)).map { $0 == 0x0a ? 0x20 : $0 })
            return nil
        }
    }

    @Test("random and malformed control-socket input: the daemon survives, refuses cleanly, still answers status")
    func controlSocketSurvives() throws {
        let budget = FuzzBudget(environment: ProcessInfo.processInfo.environment, defaultIterations: 300,
                                defaultSeed: 0xC5_0C4E7, scale: 0.15)
        print("control socket fuzz: \(budget)")
        let d = try VethDaemon(lab: lab, playbooks: ["noop.yml": "- hosts: all\n  gather_facts: false\n  tasks: []\n"],
                               target: "playbook: noop.yml, host: h, port: \(lab.trunk)")
        try d.start()
        let path = d.socket
        // Several clients at once, each with its own seeded stream.
        let seeds = (0..<4).map { budget.seed &+ UInt64($0) }
        let perClient = budget.iterations / seeds.count
        let lock = NSLock()
        nonisolated(unsafe) var problems: [String] = []
        DispatchQueue.concurrentPerform(iterations: seeds.count) { k in
            var rng = SeededGenerator(seed: seeds[k])
            for i in 0..<perClient {
                let why: String?
                do { why = try Self.oneClient(path, &rng) } catch { why = "\(error)" }
                if let why { lock.withLock { problems.append("client \(k) #\(i) (\(budget)): \(why)") } }
            }
        }
        #expect(problems.isEmpty, "\(problems.count) bad answers, first: \(problems.prefix(3))")
        let exit = d.daemon?.wait(timeout: 0)
        try #require(exit == nil, "daemon exited with \(exit ?? 0): \(d.daemon?.stderrText.suffix(500) ?? "")")
        // Idle (half-open) clients must not shut others out for long.
        let idle = try (0..<3).map { _ in try Client(path) }
        let start = ContinuousClock.now
        _ = try d.status()
        let waited = ContinuousClock.now - start
        withExtendedLifetime(idle) {}
        #expect(waited < .seconds(3), "status behind 3 idle connections took \(waited)")
        let r = try Shell.run([loopsentryBinary, "status", "--json", "--socket", path])
        #expect(r.status == 0, "final status: \(r.stderr)")
        #expect(try lab.ingressFilters().contains("ls_tc_ingress"), "tc filter gone")
        print("control socket fuzz: \(perClient * seeds.count) connections from \(seeds.count) clients, status behind idle clients in \(waited)")
    }

    @Test("regressions: a client that hangs up before its answer (was SIGPIPE, exit 13); idle clients do not block others (was 5 s each)")
    func hangUpsAndIdleClients() throws {
        let d = try VethDaemon(lab: lab, playbooks: [:], target: "playbook: noop.yml, host: h, port: \(lab.trunk)")
        try "- hosts: all\n  tasks: []\n".write(toFile: d.playbookDir + "/noop.yml", atomically: true, encoding: .utf8)
        try d.start()
        for _ in 0..<20 { try Client(d.socket).send(Array("no newline".utf8)) }
        let idle = try (0..<5).map { _ in try Client(d.socket) }
        let start = ContinuousClock.now
        let r = try Shell.run([loopsentryBinary, "status", "--json", "--socket", d.socket])
        withExtendedLifetime(idle) {}
        #expect(r.status == 0 && ContinuousClock.now - start < .seconds(3), "status: \(r.stderr)")
        #expect(d.daemon?.wait(timeout: 0) == nil, "daemon exited: \(d.daemon?.stderrText.suffix(300) ?? "")")
    }
}

