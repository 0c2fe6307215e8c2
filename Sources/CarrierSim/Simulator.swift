import Foundation
import HTTPTypes
import Hummingbird
import Logging
import ParcelCore
import Serving

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
    /// Runs until it is shut down gracefully (``ServerLifecycle``) or its task is cancelled;
    /// `onReady` gets the bound port.
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

/// A simulator running inside this process, for tests and the demo, on threads of its own and
/// stopped gracefully (``InProcessServer``).
public final class RunningSimulator: Sendable {
    private let server: InProcessServer

    /// The bound port.
    public var port: Int { server.port }
    /// `http://127.0.0.1:<port>`.
    public var baseURL: String { server.baseURL }

    private init(server: InProcessServer) { self.server = server }

    /// Starts a simulator and waits until it listens.
    public static func start(_ options: SimulatorOptions) async throws -> RunningSimulator {
        RunningSimulator(
            server: try await InProcessServer.start(label: "carrier-sim") { onReady in
                try await CarrierSimulator.run(options, onReady: onReady)
            })
    }

    /// Stops the server: it serves what it accepted, then ends.
    public func stop() { server.stop() }
}
