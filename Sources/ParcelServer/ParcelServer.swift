import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import ParcelCore
import ParcelOps
import ParcelStore
import Serving

/// `parcelwatch serve`: the customer tracking API and page, `/metrics` and `/healthz`, over
/// the shop's store (SQLite or PostgreSQL) with Hummingbird.
public enum ParcelServer {
    /// Serves until it is shut down gracefully (``ServerLifecycle``) or its task is cancelled;
    /// `onReady` gets the port once it listens (useful with port 0).
    public static func run(store: Store, options: ServerOptions, onReady: @escaping @Sendable (Int) async -> Void) async throws {
        let services: ParcelServices
        do { services = try ParcelServices(store: store, config: options.config, registry: options.registry) } catch {
            throw ServerError.resources(error.description)
        }
        // One set of per-address limits: tracking misses, failed staff sign-ins and wrong metrics
        let limiter = ClientLimiter(policy: options.limits)
        let metrics = ServerMetrics(store: store, clock: options.clock, access: MetricsAccess(token: options.metricsToken, limiter: limiter))
        // HEAD works on every GET route: the same status and headers, no body.
        let router = Router(context: ServerContext.self, options: .autoGenerateHeadEndpoints)
        router.add(middleware: MetricsMiddleware(metrics: metrics))
        // bcrypt runs on threads of its own, never on the executor that answers everyone else.
        let passwords = PasswordCheckPool(
            threads: options.passwordThreads ?? PasswordCheckPool.threadCount(cores: ProcessInfo.processInfo.activeProcessorCount),
            queueLimit: options.passwordQueue)
        defer { passwords.shutdown() }
        CustomerRoutes(
            store: store, options: options, limiter: limiter, page: try TrackPage(options: options), tracking: services.tracking
        )
        .add(to: router)
        ShopRoutes(store: store, options: options).add(to: router)
        try StaffConsole(store: store, options: options, limiter: limiter, desk: services.desk, pool: passwords).add(to: router)
        metrics.add(to: router)
        var logger = Logger(label: "parcelwatch.serve")
        logger.logLevel = .warning
        // Every connection is a descriptor: caps per client and in total (below `ulimit -n`), and
        // timeouts for connections that send half a request or sit idle.
        let limits = options.connections
        let total = try DescriptorBudget.current().connectionCap(requested: limits.total)
        let gate = ConnectionGate(perClient: limits.perClient, total: total)
        let http = HTTP1Channel.Configuration(
            additionalChannelHandlers: [ConnectionAdmissionHandler(gate: gate), HeaderTimeoutHandler(timeout: limits.headerTimeout)],
            idleTimeout: TimeAmount(limits.idleTimeout))
        let app = Application(
            router: router, server: .http1(configuration: http),
            configuration: .init(
                address: .hostname(options.host, port: options.port), serverName: "parcelwatch",
                // A backstop on accepted sockets, those being closed at once included: never all the descriptors.
                availableConnectionsDelegate: .maximum(total + DescriptorBudget.reserve / 2, logger: logger)),
            onServerRunning: { channel in await onReady(channel.localAddress?.port ?? options.port) }, logger: logger)
        try await app.run()
    }
}

/// A server started in this process (tests, the demo), on threads of its own and stopped
/// gracefully (``InProcessServer``): its port and a way to stop it.
public final class RunningParcelServer: Sendable {
    private let server: InProcessServer

    /// The port it listens on.
    public var port: Int { server.port }
    /// `http://127.0.0.1:<port>`.
    public var baseURL: String { server.baseURL }

    private init(server: InProcessServer) { self.server = server }

    /// Starts a server and returns once it listens.
    public static func start(store: Store, options: ServerOptions) async throws -> RunningParcelServer {
        RunningParcelServer(
            server: try await InProcessServer.start(label: "parcelwatch.serve") { onReady in
                try await ParcelServer.run(store: store, options: options, onReady: onReady)
            })
    }

    /// Stops it: it serves what it accepted, then ends.
    public func stop() { server.stop() }
}
