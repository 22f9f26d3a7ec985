import Hummingbird
import NIOCore

/// Each request's context: Hummingbird's own, and the peer's address (journaled as `via`).
public struct PortalContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// The peer's IP address as text ("unknown" when the channel has none).
    var peer: String { remoteAddress?.ipAddress ?? "unknown" }
}
