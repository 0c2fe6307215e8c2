import Logging
import ServiceLifecycle
import UnixSignals

/// How a server started by Parcelwatch ends: gracefully, never by cancelling it.
///
/// Cancelling the task that runs a Hummingbird (SwiftNIO) server while it has accepted
/// connections it has not handed to a handler yet drops them, and each dropped connection traps
/// the whole process ("Deinited NIOAsyncWriter without calling finish()", swift-nio#2637,
/// swift-http-server#137): a test run died that way when a test stopped its server while probes
/// kept connecting. A graceful shutdown closes the listening socket first, then serves every
/// connection already accepted and waits for the requests in flight; only one that outlives
/// ``gracePeriod`` is cancelled, when no connection is waiting any more. A narrower window stays
/// open upstream (swift-nio#2813: a connection accepted in the very moment the listener closes
/// can still trap); `ServeStopTests` hammers `serve` while it stops, in a child process, so that
/// window can fail one test but never take a test run down with it.
public enum ServerLifecycle {
    /// How long requests in flight may take to finish once a stop was asked for.
    public static let gracePeriod: Duration = .seconds(10)

    /// Runs `serve` until SIGINT or SIGTERM, then shuts it down gracefully and returns (the
    /// command exits 0); an error `serve` throws is rethrown. `label` names the lifecycle's
    /// logger, which reports warnings only.
    public static func runUntilSignalled(label: String, _ serve: @escaping @Sendable () async throws -> Void) async throws {
        try await group(serve, signals: [.sigterm, .sigint], logger: quietLogger(label)).run()
    }

    /// A logger for `label` that reports warnings and worse.
    static func quietLogger(_ label: String) -> Logger {
        var logger = Logger(label: label)
        logger.logLevel = .warning
        return logger
    }

    /// A group running `serve` alone, shut down gracefully on `signals` or
    /// `ServiceGroup.triggerGracefulShutdown()`.
    static func group(_ serve: @escaping @Sendable () async throws -> Void, signals: [UnixSignal], logger: Logger) -> ServiceGroup {
        var configuration = ServiceGroupConfiguration(services: [ClosureService(serve)], gracefulShutdownSignals: signals, logger: logger)
        configuration.maximumGracefulShutdownDuration = gracePeriod
        return ServiceGroup(configuration: configuration)
    }
}
