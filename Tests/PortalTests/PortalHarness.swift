import Foundation
import LoopSentryConfig
import LoopSentryCore
import NOCBridge
@testable import Portal
import Synchronization

/// A daemon stand-in for the portal: three VLANs on trunk0 (org-a 10, org-b 20, nobody's 30),
/// org-b's incident 1 pending with a deadline, org-a's closed incident 2; VNIs on underlay0
/// (org-a 5000, org-b 6000 with its incident 3 pending, nobody's 7000); it records every
/// command the API hands over and answers like the coordinator.
final class FakeBackend: PortalBackend, @unchecked Sendable {
    let lock = NSLock()
    private var commands: [OperatorCommand] = []

    var asked: [OperatorCommand] { lock.withLock { commands } }

    let sensor = "edge-1"

    func owner(interface: String, vlan: Int) -> VLANOwner {
        guard interface == "trunk0" else { return .notWatched }
        return vlan == 10 ? .tenant("org-a") : vlan == 20 ? .tenant("org-b") : .nobody
    }

    func owner(interface: String, vni: Int) -> VLANOwner {
        guard interface == "underlay0" else { return .notWatched }
        return vni == 5000 ? .tenant("org-a") : vni == 6000 ? .tenant("org-b") : .nobody
    }

    static let pendingVNI = PortalIncident(id: 3, interface: "underlay0", vlan: 0, tenant: "org-b", policy: "ack", state: "pendingAck",
                                           openedAt: "2026-11-30T02:00:00.000Z", ackDeadline: "2026-11-30T02:05:00.000Z", vni: 6000)

    static let pending = PortalIncident(id: 1, interface: "trunk0", vlan: 20, tenant: "org-b", policy: "ack", state: "pendingAck",
                                        openedAt: "2026-11-30T01:00:00.000Z", ackDeadline: "2026-11-30T01:05:00.000Z")
    static let closed = PortalIncident(id: 2, interface: "trunk0", vlan: 10, tenant: "org-a", policy: "auto", state: "normal",
                                       openedAt: "2026-11-29T01:00:00.000Z", closedAt: "2026-11-29T01:10:00.000Z")

    func openIncidents() throws -> [PortalIncident] { [Self.pending, Self.pendingVNI] }

    func incidents(tenant: String?, limit: Int) throws -> [PortalIncident] {
        [Self.closed, Self.pending].filter { tenant == nil || $0.tenant == tenant }.sorted { $0.id > $1.id }
    }

    func incident(id: UInt64) throws -> PortalIncident? {
        var found = [Self.pending, Self.closed].first { $0.id == id }
        found?.transitions = [.init(at: "2026-11-30T01:00:00.000Z", from: "normal", to: "detected", cause: "storm", detail: "")]
        found?.actions = []
        return found
    }

    func ask(_ command: OperatorCommand) -> ControlResponse? {
        lock.withLock { commands.append(command) }
        if case let .vniAction(action, interface, vni, _, _) = command {
            if action == .acknowledgeCut && vni == 6000 { return ControlResponse(ok: true, message: "cut of VNI 6000 on underlay0 acknowledged") }
            return ControlResponse(ok: false, message: "VNI \(vni) on \(interface) is normal, not pendingAck: nothing to acknowledge")
        }
        guard case let .action(action, interface, vlan, _, _) = command else { return nil }
        if action == .acknowledgeCut && vlan == 20 { return ControlResponse(ok: true, message: "cut of VLAN 20 on trunk0 acknowledged") }
        return ControlResponse(ok: false, message: "VLAN \(vlan) on \(interface) is normal, not pendingAck: nothing to acknowledge")
    }
}

/// A real portal server on 127.0.0.1 and a free port, with the fake backend and three tokens;
/// stopped (its task cancelled, the event streams ended) by `stop()`.
final class RunningPortal: @unchecked Sendable {
    static let tokens = ["org-a": "token-of-org-a", "org-b": "token-of-org-b", "noc": "token-of-the-noc"]
    let backend = FakeBackend()
    let sink = PortalSink()
    let server: PortalServer
    private var task: Task<Void, Error>?

    /// `frozenClock`: the rate limiter's time stands still, so its buckets never refill however
    /// slowly the test runs.
    init(burst: Int = 1000, perMinute: Int = 60, frozenClock: Bool = false, role: ((FakeBackend, PortalSink) -> PortalServer.Role)? = nil,
         tlsCert: String? = nil, tlsKey: String? = nil, port: Int = 0) throws {
        let book = TokenBook([
            PortalTokenConfig(name: "org-a-ops", scope: .tenant("org-a"), sha256: PortalToken.sha256Hex(Self.tokens["org-a"]!)),
            PortalTokenConfig(name: "org-b-ops", scope: .tenant("org-b"), sha256: PortalToken.sha256Hex(Self.tokens["org-b"]!)),
            PortalTokenConfig(name: "noc-desk", scope: .noc, sha256: PortalToken.sha256Hex(Self.tokens["noc"]!)),
        ])
        let r = role?(backend, sink) ?? .portal(backend: backend, sink: sink, tokens: book,
                                               limiter: RateLimiter(perMinute: perMinute, burst: burst), openMetrics: false)
        let start = DispatchTime.now().uptimeNanoseconds
        var clock: @Sendable () -> UInt64 = { DispatchTime.now().uptimeNanoseconds }
        if frozenClock { clock = { start } }
        server = try PortalServer(host: "127.0.0.1", port: port, role: r, tlsCert: tlsCert, tlsKey: tlsKey, clock: clock) { "m 1\n" }
        let server = self.server
        task = Task { try await server.run() }
        sink.publish(Self.rows)
    }

    /// Waits until the server listens.
    func started() async throws -> RunningPortal {
        try await waitForPort(server)
        return self
    }

    var port: UInt16 { UInt16(server.boundPort ?? 0) }

    /// The server task's end: nil while running, else its error (nil error when it ended cleanly).
    func stop() {
        sink.close()
        task?.cancel()
        task = nil
    }

    deinit { stop() }

    func get(_ path: String, as who: String?) async throws -> HTTPTestClient.Reply {
        try await HTTPTestClient.request(port: port, "GET", path, token: who.map { Self.tokens[$0] ?? $0 })
    }

    func post(_ path: String, as who: String?, body: String? = nil) async throws -> HTTPTestClient.Reply {
        try await HTTPTestClient.request(port: port, "POST", path, token: who.map { Self.tokens[$0] ?? $0 }, body: body)
    }

    /// Opens `/api/v1/events` for each of `who` (token names) and waits until all are subscribed.
    func subscribe(_ who: [String]) async throws -> [HTTPTestClient] {
        let clients = try who.map { name in
            let c = try HTTPTestClient(port: port)
            c.send("GET /api/v1/events HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer \(Self.tokens[name]!)\r\n\r\n")
            return c
        }
        for _ in 0..<250 where sink.subscriberCount < who.count { try await Task.sleep(for: .milliseconds(20)) }
        return clients
    }

    static func row(_ vlan: UInt16, tenant: String, state: IncidentState = .normal, rate: UInt32 = 5) -> VLANStatusRow {
        VLANStatusRow(key: VLANStatusKey(ifIndex: 3, vlan: VLANID(Int(vlan))!), ifName: "trunk0", broadcastRate: rate, frameRate: rate * 2,
                      risingThreshold: 1000, fallingThreshold: 500, tenant: tenant, policy: tenant == "org-b" ? .ack : .auto,
                      state: state, lastChange: UTCTimestamp(secondsSince1970: 1_764_464_400))
    }

    static let rows = [row(10, tenant: "org-a"), row(20, tenant: "org-b", state: .pendingAck, rate: 3000), row(30, tenant: "")]

    /// A VNI row on underlay0 (ifIndex 4); its key holds VLAN 0, as the daemon publishes it.
    static func vniRow(_ vni: Int, tenant: String, state: IncidentState = .normal, rate: UInt32 = 5) -> VLANStatusRow {
        var r = row(1, tenant: tenant, state: state, rate: rate)
        r.key = VLANStatusKey(ifIndex: 4, vlan: VLANID(masking: 0))
        r.ifName = "underlay0"
        r.vni = VNI(vni)!
        return r
    }

    static let vniRows = [vniRow(5000, tenant: "org-a"), vniRow(6000, tenant: "org-b", state: .pendingAck, rate: 4000),
                          vniRow(7000, tenant: "")]
}

/// Parses a JSON body into a dictionary.
func object(_ body: String) -> [String: Any] {
    (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:]
}

/// Waits (up to 10 s) until `server` listens.
func waitForPort(_ server: PortalServer) async throws {
    for _ in 0..<500 where server.boundPort == nil { try await Task.sleep(for: .milliseconds(20)) }
}

/// Runs a tool to its end on a thread of its own (a blocking wait on a thread of the concurrency
/// pool would starve the server under test): its exit status and its stdout and stderr together.
func runTool(_ path: String, _ arguments: [String], directory: String? = nil,
             environment: [String: String]? = nil) async throws -> (status: Int32, output: String) {
    try await withCheckedThrowingContinuation { c in
        Thread { c.resume(with: Result { try runToolBlocking(path, arguments, directory: directory, environment: environment) }) }.start()
    }
}

func runToolBlocking(_ path: String, _ arguments: [String], directory: String?,
                     environment: [String: String]?) throws -> (status: Int32, output: String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: path)
    p.arguments = arguments
    if let directory { p.currentDirectoryURL = URL(fileURLWithPath: directory) }
    if let environment { p.environment = environment }
    let out = Pipe()
    p.standardOutput = out
    p.standardError = out
    try p.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: data, as: UTF8.self))
}
