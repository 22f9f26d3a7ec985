import Foundation
import Hummingbird
import LoopSentryCore
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// The portal's request handling: tokens, the per-token rate limit, tenant isolation (another
/// tenant's VLAN, VNI or incident is answered exactly like one that does not exist), and the JSON
/// answers. Blocking backend calls run on the portal's own thread pool, never on an event loop.
final class PortalAPI: Sendable {
    let backend: any PortalBackend
    let sink: PortalSink
    let tokens: TokenBook
    let limiter: NIOLockedValueBox<RateLimiter>
    let clock: @Sendable () -> UInt64

    init(backend: any PortalBackend, sink: PortalSink, tokens: TokenBook, limiter: RateLimiter,
         clock: @escaping @Sendable () -> UInt64 = { DispatchTime.now().uptimeNanoseconds }) {
        self.backend = backend
        self.sink = sink
        self.tokens = tokens
        self.limiter = NIOLockedValueBox(limiter)
        self.clock = clock
    }

    /// Adds the API's routes to `router`.
    func register(on router: Router<PortalContext>) {
        router.get("/api/v1/vlans") { r, c in await self.guarded(r, c) { caller in try await self.vlans(caller) } }
        router.get("/api/v1/incidents") { r, c in await self.guarded(r, c) { caller in try await self.incidents(caller) } }
        router.get("/api/v1/incidents/:id") { r, c in
            await self.guarded(r, c) { caller in try await self.incident(caller, c.parameters.get("id") ?? "") }
        }
        router.get("/api/v1/events") { r, c in await self.guarded(r, c) { caller in self.events(caller) } }
        router.get("/api/v1/vnis") { r, c in await self.guarded(r, c) { caller in try await self.vnis(caller) } }
        for (path, action) in [("ack", OperatorAction.acknowledgeCut), ("dismiss", .dismiss), ("restore", .restore)] {
            for kind in Segment.Kind.portalKinds {
                router.post("/api/v1/\(kind.rawValue)s/:interface/:\(kind.rawValue)/\(path)") { r, c in
                    var request = r
                    return await self.guarded(request, c) { caller in
                        try await self.act(action, caller: caller, interface: c.parameters.get("interface") ?? "", kind: kind,
                                           number: c.parameters.get(kind.rawValue) ?? "", request: &request, peer: c.peer)
                    }
                }
            }
        }
    }

    /// Authenticates and rate-limits, then runs `body`; a refusal or a failure becomes JSON.
    func guarded(_ request: Request, _ context: PortalContext, _ body: (Caller) async throws -> Response) async -> Response {
        guard let caller = tokens.caller(authorization: request.headers[.authorization]) else {
            var r = Self.error(.unauthorized, "missing or unknown bearer token")
            r.headers[.wwwAuthenticate] = "Bearer realm=\"loopsentry\""
            return r
        }
        let now = clock()
        if let wait = limiter.withLockedValue({ $0.admit(caller.name, now: now) }) {
            var r = Self.error(.tooManyRequests, "rate limit of token '\(caller.name)' exceeded: retry in \(wait) s")
            r.headers[.retryAfter] = String(wait)
            return r
        }
        do {
            return try await body(caller)
        } catch let e as Refusal {
            return Self.error(e.status, e.message)
        } catch {
            return Self.error(.internalServerError, "the journal cannot be read: \(String(describing: error).prefix(200))")
        }
    }

    // MARK: - Endpoints

    func vlans(_ caller: Caller) async throws -> Response {
        let rows = try await rows(caller, vni: false)
        return Self.json(.ok, PortalVLANList(sensor: backend.sensor, vlans: rows))
    }

    func vnis(_ caller: Caller) async throws -> Response {
        let rows = try await rows(caller, vni: true)
        return Self.json(.ok, PortalVNIList(sensor: backend.sensor, vnis: rows))
    }

    /// The caller's VLAN rows (or VNI rows), each with its open incident.
    func rows(_ caller: Caller, vni: Bool) async throws -> [PortalVLAN] {
        let open = try await offload { try self.backend.openIncidents() }
        let byKey = Dictionary(open.map { (Self.segment($0.interface, vlan: $0.vlan, vni: $0.vni), $0) },
                               uniquingKeysWith: { a, b in a.id > b.id ? a : b })
        return sink.currentRows.filter { ($0.vni != nil) == vni && caller.sees($0.tenant) }
            .map { PortalVLAN($0, incident: byKey[Self.segment($0.ifName, vlan: Int($0.key.vlan.value), vni: $0.vni.map { Int($0.value) })]) }
    }

    /// `trunk0/vlan/20`, `underlay0/vni/5000`: one name for a row and its open incident.
    static func segment(_ interface: String, vlan: Int, vni: Int?) -> String {
        vni.map { "\(interface)/vni/\($0)" } ?? "\(interface)/vlan/\(vlan)"
    }

    func incidents(_ caller: Caller) async throws -> Response {
        let list = try await offload { try self.backend.incidents(tenant: caller.tenant, limit: 100) }
        return Self.json(.ok, ["incidents": list.filter { caller.sees($0.tenant) }])
    }

    func incident(_ caller: Caller, _ text: String) async throws -> Response {
        guard let id = UInt64(text), text.allSatisfy(\.isASCII), id > 0 else {
            throw Refusal(.badRequest, "incident id must be a whole number ≥ 1; got '\(Self.shown(text))'")
        }
        let found = try await offload { try self.backend.incident(id: id) }
        guard let found, caller.sees(found.tenant) else { throw Refusal(.notFound, "no incident \(id)") }
        return Self.json(.ok, found)
    }

    func events(_ caller: Caller) -> Response {
        let stream = sink.subscribe(caller)
        var headers = HTTPFields()
        headers[.contentType] = "text/event-stream"
        headers[.cacheControl] = "no-store"
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            try await writer.write(ByteBuffer(string: ": loopsentry events\n\n"))
            for await frame in stream { try await writer.write(ByteBuffer(string: frame)) }
            try await writer.finish(nil)
        })
    }

    /// An action on a VLAN or VNI of the caller's; another tenant's segment is 404 like a missing one.
    func act(_ action: OperatorAction, caller: Caller, interface: String, kind: Segment.Kind, number text: String,
             request: inout Request, peer: String) async throws -> Response {
        let (name, range) = kind == .vni ? ("VNI", 1...0xFF_FFFF) : ("VLAN", 1...4094)
        guard let number = Int(text), text.allSatisfy({ $0.isASCII && $0.isNumber }), range.contains(number) else {
            throw Refusal(.badRequest, "\(name) must be a whole number \(range.lowerBound)-\(range.upperBound); got '\(Self.shown(text))'")
        }
        let comment = try await Self.comment(of: &request)
        let owner = kind == .vni ? backend.owner(interface: interface, vni: number) : backend.owner(interface: interface, vlan: number)
        if owner == .notWatched || !caller.sees(owner.name) {
            throw Refusal(.notFound, "no \(name) \(number) on \(Self.shown(interface))")
        }
        let via = "api \(peer)" + (comment.map { "; comment: \($0)" } ?? "")
        let command: OperatorCommand = kind == .vni
            ? .vniAction(action, interface: interface, vni: number, author: caller.name, via: via)
            : .action(action, interface: interface, vlan: number, author: caller.name, via: via)
        guard let answer = await offload({ self.backend.ask(command) }) else {
            throw Refusal(.serviceUnavailable, "the daemon did not answer within 5 s")
        }
        guard answer.ok else { throw Refusal(.conflict, answer.message) }
        return Self.json(.ok, PortalActionBody(ok: true, message: answer.message))
    }

    /// The optional body `{"comment": "..."}` (at most 200 characters, one line).
    static func comment(of request: inout Request) async throws -> String? {
        let buffer: ByteBuffer
        do { buffer = try await request.collectBody(upTo: 4096) } catch {
            throw Refusal(.contentTooLarge, "request body longer than 4096 bytes")
        }
        guard buffer.readableBytes > 0 else { return nil }
        guard let object = try? JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)), let dict = object as? [String: Any] else {
            throw Refusal(.badRequest, "request body is not a JSON object")
        }
        if let unknown = dict.keys.sorted().first(where: { $0 != "comment" }) {
            throw Refusal(.badRequest, "unknown field '\(shown(unknown))' (only 'comment')")
        }
        guard let value = dict["comment"] else { return nil }
        guard let text = value as? String, text.unicodeScalars.count <= 200,
              !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw Refusal(.badRequest, "'comment' must be a string of at most 200 characters without control characters")
        }
        return text
    }

    // MARK: - Answers

    /// A refusal with its status and one-line reason.
    struct Refusal: Error {
        let status: HTTPResponse.Status
        let message: String
        init(_ status: HTTPResponse.Status, _ message: String) {
            self.status = status
            self.message = message
        }
    }

    static func json(_ status: HTTPResponse.Status, _ value: some Encodable) -> Response {
        let data = (try? PortalTime.encoder.encode(value)) ?? Data("{}".utf8)
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func error(_ status: HTTPResponse.Status, _ message: String) -> Response {
        json(status, PortalErrorBody(error: message))
    }

    /// At most 40 characters of a client's text, control characters escaped: one clean line.
    static func shown(_ s: String) -> String {
        String(s.prefix(40).unicodeScalars.map {
            $0.properties.generalCategory == .control || $0.properties.generalCategory == .format
                ? "\\u{\(String($0.value, radix: 16))}" : String($0)
        }.joined())
    }
}

/// The portal's threads for blocking calls: a journal read, or an action waiting up to 5 s for
/// the main loop. Not Dispatch's global queues nor NIO's shared pool, whose threads are as few as
/// the cores and could all be waiting on the loop.
let blockingPool: NIOThreadPool = {
    let pool = NIOThreadPool(numberOfThreads: 8)
    pool.start()
    return pool
}()

/// Runs a blocking call on `blockingPool` and awaits it.
func offload<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await blockingPool.runIfActive(body)
}

func offload<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
    (try? await blockingPool.runIfActive(body)) ?? body()
}

extension Segment.Kind {
    /// The kinds the API has routes for: `/api/v1/vlans/…` and `/api/v1/vnis/…`.
    static let portalKinds: [Segment.Kind] = [.vlan, .vni]
}
