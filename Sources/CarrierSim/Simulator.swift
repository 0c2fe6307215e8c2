import Foundation
import HTTPTypes
import Hummingbird
import Logging
import ParcelCore

/// How to start a simulator.
public struct SimulatorOptions: Sendable {
    /// Port on 127.0.0.1; 0 picks a free one.
    public var port: Int
    /// The `fixtures/` directory.
    public var fixturesDirectory: String
    /// The `carriers/` directory (nil: only `/_sim/` endpoints).
    public var carriersDirectory: String?
    /// Where the simulator's clock starts.
    public var start: Date
    /// Parcels to move from the start.
    public var scripts: [ParcelScript]
    /// The HMAC secret the shop-backend webhook sink (`/_sim/webhook`) checks signatures with.
    public var webhookSecret = "sim-webhook-secret"
    /// Seconds an OAuth access token the simulated carriers issue lives (wall clock) until
    /// `POST /_sim/auth` says otherwise.
    public var tokenLifetime: TimeInterval = 3600

    /// Creates options.
    public init(port: Int = 0, fixturesDirectory: String, carriersDirectory: String?, start: Date, scripts: [ParcelScript] = []) {
        self.port = port
        self.fixturesDirectory = fixturesDirectory
        self.carriersDirectory = carriersDirectory
        self.start = start
        self.scripts = scripts
    }
}

/// A local carrier network on loopback: serves every source of every carrier at its own URL
/// shape, with its authentication (token endpoints, keys, Basic, WS-Security, body credentials;
/// see ``SimCredentials``), quotas and batch answers, moves parcels through time, and injects
/// faults on request. Never listens beyond 127.0.0.1.
///
/// Control endpoints live under `/_sim/` (health, clock, parcels, faults, requests, fixtures,
/// webhook, and `auth` and `quota`, documented on the responder and in `carriers/README.md`).
public enum CarrierSimulator {
    /// Runs until the task is cancelled; `onReady` gets the bound port.
    public static func run(_ options: SimulatorOptions, onReady: @escaping @Sendable (Int) async -> Void) async throws {
        let registry = try options.carriersDirectory.map { directory throws in try CarrierRegistry.load(directory: directory) }
        let state = SimState(options: options, carriers: registry)
        await state.register(options.scripts)
        var logger = Logger(label: "carrier-sim")
        logger.logLevel = .warning
        let app = Application(
            responder: SimResponder(state: state, truncator: TruncatingListener()),
            configuration: .init(address: .hostname("127.0.0.1", port: options.port), serverName: "carrier-sim"),
            onServerRunning: { channel in await onReady(channel.localAddress?.port ?? options.port) },
            logger: logger)
        try await app.run()
    }
}

/// A simulator running inside this process, for tests and the demo, on threads of its own
/// (``DedicatedExecutor``).
public final class RunningSimulator: Sendable {
    /// The bound port.
    public let port: Int
    private let task: Task<Void, any Error>

    /// `http://127.0.0.1:<port>`.
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    private init(port: Int, task: Task<Void, any Error>) {
        self.port = port
        self.task = task
    }

    /// Starts a simulator and waits until it listens.
    public static func start(_ options: SimulatorOptions) async throws -> RunningSimulator {
        let (stream, continuation) = AsyncStream<Int>.makeStream()
        // Off the cooperative pool: a host blocking its threads must not silence the simulator.
        let task = Task(executorPreference: DedicatedExecutor.shared) {
            defer { continuation.finish() }
            try await CarrierSimulator.run(options) { port in continuation.yield(port) }
        }
        for await port in stream { return RunningSimulator(port: port, task: task) }
        // The server stopped before it listened: surface why.
        try await task.value
        throw CancellationError()
    }

    /// Stops the server.
    public func stop() {
        task.cancel()
    }

    deinit {
        task.cancel()
    }
}
