import ArgumentParser
import Foundation
import ParcelCore
import ParcelOps
import ParcelServer
import ParcelStore
import Serving

/// `parcelwatch serve`: the shop's customer-facing server.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve customers: the tracking API and page, plus /metrics and /healthz.",
        discussion: """
            Endpoints:
              GET  /api/track/NUMBER?postcode=CODE (or ?email=ADDRESS)  the JSON of `parcelwatch track --json`, with
                                                                       Content-Language set to the order's language
              POST /api/track/NUMBER/report  {"postcode"|"email", "problem": notReceived|damagedOnArrival|cancelOrder, "message"}
                                             what `parcelwatch report-problem` does; 202 with its JSON
              GET  /track                    the customer page: a form, then the parcel's status, timeline, promised date and,
                                             when something is wrong, what the shop is doing and when they hear next
              GET  /metrics, /healthz        Prometheus text format (loopback clients only, or anyone with the bearer token
                                             of --metrics-token-env); 200 while the database answers, else 503
              /staff                         the staff console: sign in with the password of `parcelwatch staff passwd NAME`
                                             (no lockout: after 3 failures an address waits 1 s, doubling up to 15 minutes, and
                                             a name failing from everywhere slows down); the queue, each case with its actions
                                             (audited under the member's name), search, the shop report, the audit log
            A wrong postcode is answered exactly like an unknown number (404, same body). Each client address has a token
            bucket (10 at once, then one every 2 s); every miss after the third is held back longer (0.5 s doubling to 8 s)
            and drains the bucket faster, so numbers cannot be enumerated; beyond it: 429 with Retry-After.
            Connections: a new connection has --header-timeout (10 s) to send its first complete request head, and one with
            no request in flight is closed after --idle-timeout (30 s). One client address holds at most
            --max-connections-per-client (16) at once and the server at most --max-connections (default: `ulimit -n` less 128
            descriptors kept for the database, logs and outgoing requests; a larger value is refused at start). Beyond the
            per-client cap a new connection is closed at once; at the total cap it takes the place of the oldest connection
            still without a complete request head, else it is closed at once. Connections being served are never closed.
            Serve behind a TLS-terminating proxy that connects per client, or directly on a trusted network.
            Examples:
              parcelwatch serve --listen 127.0.0.1:8080
              parcelwatch serve --listen 0.0.0.0:8080 --db postgres://parcelwatch@db.internal/parcelwatch
            Exit codes: 0 stopped by SIGINT/SIGTERM, 2 bad arguments or address in use, 4 database unusable.
            """)
    @OptionGroup var store: StoreOptions
    @OptionGroup var carriers: CarrierOptions
    @Option(help: "HOST:PORT to listen on (port 0 picks a free one and prints it).") var listen = "127.0.0.1:8080"
    @Flag(help: "Mark the staff console's session cookie Secure (browsers then send it over HTTPS only): use it when a TLS-terminating proxy is in front.")
    var secureCookies = false
    @Option(help: "Seconds a new connection has to send its first complete request head (request line and headers).")
    var headerTimeout = 10.0
    @Option(help: "Seconds a connection may go with no request in flight (keep-alive, or a request stalled halfway) before it is closed.")
    var idleTimeout = 30.0
    @Option(help: "Connections one client address may hold at once; raise it behind a proxy, whose address all clients share.")
    var maxConnectionsPerClient = 16
    @Option(help: "Connections the server holds at once (default: `ulimit -n` less 128 kept for the database, logs and outgoing requests).")
    var maxConnections: Int?

    @Option(
        help: ArgumentHelp(
            "Require this environment variable's value as a bearer token on /metrics (else /metrics answers loopback clients only).",
            valueName: "NAME"))
    var metricsTokenEnv: String?

    func validate() throws {
        guard Self.address(listen) != nil else { throw ValidationError("--listen '\(listen)' is not HOST:PORT, e.g. 127.0.0.1:8080") }
        for (flag, seconds) in [("--header-timeout", headerTimeout), ("--idle-timeout", idleTimeout)] where !(seconds > 0 && seconds <= 86_400) {
            throw ValidationError("\(flag) \(seconds) is not a number of seconds between 0 and 86400, e.g. 10")
        }
        guard maxConnectionsPerClient >= 1 else { throw ValidationError("--max-connections-per-client must be at least 1, not \(maxConnectionsPerClient)") }
        if let maxConnections, maxConnections < 1 { throw ValidationError("--max-connections must be at least 1, not \(maxConnections)") }
        if let metricsTokenEnv, ProcessInfo.processInfo.environment[metricsTokenEnv]?.isEmpty != false {
            throw ValidationError("--metrics-token-env \(metricsTokenEnv): that environment variable is not set or empty")
        }
    }

    static func address(_ text: String) -> (host: String, port: Int)? {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else { return nil }
        let host = String(text[..<colon])
        return host.isEmpty ? nil : (host, port)
    }

    func run() async throws {
        guard let (host, port) = Self.address(listen) else { throw ValidationError("--listen '\(listen)' is not HOST:PORT") }
        let database = try await store.openStore(.readWrite)
        var options = ServerOptions(host: host, port: port, config: try store.shopConfig(), clock: try store.clock())
        options.registry = try carriers.registry()
        options.secureCookies = secureCookies
        options.connections.headerTimeout = .milliseconds(Int(headerTimeout * 1000))
        options.connections.idleTimeout = .milliseconds(Int(idleTimeout * 1000))
        options.connections.perClient = maxConnectionsPerClient
        options.connections.total = maxConnections
        if let metricsTokenEnv {
            guard let token = ProcessInfo.processInfo.environment[metricsTokenEnv], !token.isEmpty else {
                throw ValidationError("--metrics-token-env \(metricsTokenEnv): that environment variable is not set or empty")
            }
            options.metricsToken = token
        }
        let serving = options
        do {
            // SIGINT/SIGTERM stop it gracefully: no new connections, the accepted ones served.
            try await ServerLifecycle.runUntilSignalled(label: "parcelwatch.serve") {
                try await ParcelServer.run(store: database, options: serving) { port in
                    let line = "parcelwatch serving on http://\(host):\(port) (customer page /track, API /api/track, /metrics, /healthz)\n"
                    FileHandle.standardOutput.write(Data(line.utf8))
                }
            }
        } catch is CancellationError {
            return
        } catch {
            FileHandle.standardError.write(Data("error: cannot serve on \(listen): \(error)\n".utf8))
            throw ExitCode(2)
        }
    }
}
