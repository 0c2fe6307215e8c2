import Logging
import ServiceLifecycle

/// An HTTP server running inside this process (tests, the demo): on threads of its own
/// (``DedicatedExecutor``), so a host keeping Swift's cooperative pool busy cannot silence it,
/// and stopped gracefully (``ServerLifecycle``), so stopping it while clients still connect
/// cannot trap the process.
public final class InProcessServer: Sendable {
    /// The port it listens on.
    public let port: Int
    private let group: ServiceGroup

    /// `http://127.0.0.1:<port>`.
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    private init(port: Int, group: ServiceGroup) {
        self.port = port
        self.group = group
    }

    /// Starts `serve`, which serves until it is shut down gracefully and calls its argument
    /// with the port once it listens, and returns once it does; `label` names its lifecycle's logger.
    /// - Throws: whatever `serve` threw before it listened, or ``InProcessServerError``
    ///   when it returned without listening.
    public static func start(
        label: String, _ serve: @escaping @Sendable (_ onReady: @escaping @Sendable (Int) async -> Void) async throws -> Void
    ) async throws -> InProcessServer {
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let group = ServerLifecycle.group({ try await serve { port in continuation.yield(port) } }, signals: [], logger: ServerLifecycle.quietLogger(label))
        let task = Task(executorPreference: DedicatedExecutor.shared) {
            defer { continuation.finish() }
            try await group.run()
        }
        for await port in ports { return InProcessServer(port: port, group: group) }
        try await task.value
        throw InProcessServerError()
    }

    /// Stops it gracefully; returns at once, without waiting for the requests in flight.
    public func stop() {
        let group = self.group
        Task(executorPreference: DedicatedExecutor.shared) { await group.triggerGracefulShutdown() }
    }

    deinit { stop() }
}

/// A server that ended without ever listening.
public struct InProcessServerError: Error, CustomStringConvertible {
    /// What happened.
    public var description: String { "the server stopped before it listened" }
}
