import Hummingbird
import NIOCore

/// The request context of `parcelwatch serve`: Hummingbird's basics plus the client's address,
/// which the per-client limits key on.
struct ServerContext: RequestContext, RemoteAddressRequestContext {
    var coreContext: CoreRequestContextStorage
    /// The connected peer (not a forwarded-for header: the server is meant to face customers
    /// directly or behind a proxy that connects per client).
    let remoteAddress: SocketAddress?

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// The client's IP address as text, the key of its limits.
    var client: String { remoteAddress?.ipAddress ?? "unknown" }
}
