import Foundation
import Hummingbird
import HummingbirdTLS
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOSSL
import ServiceLifecycle

/// One Hummingbird server as a service of the daemon's group: the tenant portal (page, API,
/// events, and /metrics for NOC tokens) or, for `metrics.listen`, /metrics alone without a token.
/// HTTPS when TLS files are given. On a graceful shutdown the event streams end first, so the
/// server's own shutdown does not wait for them.
public final class PortalServer: Service, Sendable {
    /// What one server serves.
    public enum Role: Sendable {
        /// The portal; `openMetrics` serves /metrics without a token (metrics.listen is the same address).
        case portal(backend: any PortalBackend, sink: PortalSink, tokens: TokenBook, limiter: RateLimiter, openMetrics: Bool)
        /// /metrics only (`metrics.listen`).
        case metrics
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    public let endpoint: String
    private let host: String
    private let port: Int
    private let role: Role
    private let tls: TLSConfiguration?
    private let metrics: @Sendable () -> String
    private let bound = NIOLockedValueBox<Int?>(nil)
    private let sink: PortalSink?
    private let clock: @Sendable () -> UInt64

    /// A server on `host`:`port` (0 picks a free port: see `boundPort`). `metrics` renders the
    /// exposition text per scrape. TLS files are read here, so a bad one fails the start. `clock`
    /// (monotonic nanoseconds) times the rate limiter's buckets.
    public init(host: String, port: Int, role: Role, tlsCert: String? = nil, tlsKey: String? = nil,
                clock: @escaping @Sendable () -> UInt64 = { DispatchTime.now().uptimeNanoseconds },
                metrics: @escaping @Sendable () -> String) throws {
        self.host = host
        self.clock = clock
        self.port = port
        self.role = role
        self.metrics = metrics
        let scheme = tlsCert != nil ? "https" : "http"
        endpoint = "\(scheme)://\(host.contains(":") ? "[\(host)]" : host):\(port)/"
        if case let .portal(_, sink, _, _, _) = role { self.sink = sink } else { sink = nil }
        if let tlsCert, let tlsKey {
            do {
                let chain = try NIOSSLCertificate.fromPEMFile(tlsCert).map { NIOSSLCertificateSource.certificate($0) }
                guard !chain.isEmpty else { throw Failure(description: "no certificate in \(tlsCert)") }
                let key = try NIOSSLPrivateKey(file: tlsKey, format: .pem)
                tls = TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key))
            } catch let e as Failure {
                throw Failure(description: "portal TLS: \(e.description)")
            } catch {
                throw Failure(description: "portal TLS: cannot load \(tlsCert) / \(tlsKey): \(error)")
            }
        } else {
            tls = nil
        }
    }

    /// The port the server listens on once it runs (nil before).
    public var boundPort: Int? { bound.withLockedValue { $0 } }

    public func run() async throws {
        let router = Router(context: PortalContext.self)
        let metrics = self.metrics
        let exposition: @Sendable (Request, PortalContext) async throws -> Response = { _, _ in
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: metrics())))
        }
        router.add(middleware: role.isPortal ? UnknownRoutes.portal : UnknownRoutes.metrics)
        switch role {
        case .metrics:
            router.get("/metrics", use: exposition)
        case let .portal(backend, sink, tokens, limiter, openMetrics):
            let api = PortalAPI(backend: backend, sink: sink, tokens: tokens, limiter: limiter, clock: clock)
            api.register(on: router)
            PortalPage.register(on: router)
            if openMetrics {
                router.get("/metrics", use: exposition)
            } else {
                router.get("/metrics") { r, c in
                    await api.guarded(r, c) { caller in
                        guard caller.tenant == nil else { throw PortalAPI.Refusal(.forbidden, "/metrics is for NOC tokens") }
                        return try await exposition(r, c)
                    }
                }
            }
        }
        let bound = self.bound
        let quiet = Logger(label: "loopsentry-portal") { _ in SwiftLogNoOpLogHandler() }
        let app = Application(
            router: router,
            server: try tls.map { try .tls(.http1(), tlsConfiguration: $0) } ?? .http1(),
            configuration: .init(address: .hostname(host, port: port), serverName: nil),
            onServerRunning: { channel in bound.withLockedValue { $0 = channel.localAddress?.port } },
            logger: quiet)
        let sink = self.sink
        do {
            // Connection tasks inherit the preference: requests are answered on the portal's own
            // threads however busy the cooperative pool is.
            try await withTaskExecutorPreference(PortalExecutor.shared) {
                try await withGracefulShutdownHandler {
                    try await app.run()
                } onGracefulShutdown: {
                    sink?.close()
                }
            }
        } catch {
            throw Failure(description: "\(role.isPortal ? "portal" : "metrics") endpoint \(host):\(port): \(Self.reason(error))")
        }
    }

    /// NIO's "bind(descriptor:ptr:bytes:): Address already in use (errno: 98)" → "bind: Address already in use".
    static func reason(_ error: Error) -> String {
        let text = String(describing: error)
        if let io = error as? IOError {
            return "\(io.description.components(separatedBy: "(").first ?? "bind"): \(String(cString: strerror(io.errnoCode)))"
                .replacingOccurrences(of: "descriptor:ptr:bytes:", with: "")
        }
        return text
    }
}

extension PortalServer.Role {
    var isPortal: Bool { if case .portal = self { true } else { false } }
}
