import Hummingbird

/// What a request that no route takes gets: 405 with `Allow` when the path exists with another
/// method, else 404; both with a one-line JSON error.
struct UnknownRoutes: RouterMiddleware {
    typealias Context = PortalContext
    /// Path patterns (`*` is one segment) and the method each allows.
    let routes: [(pattern: [String], method: String)]

    func handle(_ request: Request, context: PortalContext,
                next: (Request, PortalContext) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            let segments = request.uri.path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
            let allowed = routes.filter { Self.matches($0.pattern, segments) }.map(\.method)
            guard !allowed.isEmpty else { return PortalAPI.error(.notFound, "no such endpoint") }
            var response = PortalAPI.error(.methodNotAllowed, "only \(allowed.joined(separator: ", ")) is allowed here")
            response.headers[.allow] = allowed.joined(separator: ", ")
            return response
        }
    }

    static func matches(_ pattern: [String], _ segments: [String]) -> Bool {
        pattern.count == segments.count && zip(pattern, segments).allSatisfy { $0 == "*" || $0 == $1 }
    }

    /// The portal's routes.
    static let portal = UnknownRoutes(routes: [
        ([], "GET"), (["metrics"], "GET"), (["api", "v1", "vlans"], "GET"), (["api", "v1", "vnis"], "GET"),
        (["api", "v1", "incidents"], "GET"), (["api", "v1", "incidents", "*"], "GET"), (["api", "v1", "events"], "GET"),
    ] + ["vlans", "vnis"].flatMap { kind in
        ["ack", "dismiss", "restore"].map { (["api", "v1", kind, "*", "*", $0], "POST") }
    })

    /// `metrics.listen`'s one route.
    static let metrics = UnknownRoutes(routes: [(["metrics"], "GET")])
}
