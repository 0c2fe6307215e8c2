import ArgumentParser
import CarrierSim
import Foundation
import ParcelCore

/// `carrier-sim`: the local carrier network used by the demo, the tests and the benchmarks.
@main
struct CarrierSimCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "carrier-sim",
        abstract: "Serve every carrier's recorded pages on 127.0.0.1, move parcels through time, inject faults.",
        discussion: """
            Carriers answer at their own URL shapes (point Parcelwatch at it with --carrier-endpoint URL).
            Control endpoints: GET /_sim/health, GET /_sim/clock, POST /_sim/advance?hours=N,
            POST /_sim/parcels (JSON parcel scripts), GET|DELETE /_sim/requests, /_sim/fixtures/<carrier>/<name>?number=N,
            POST /_sim/webhook: a shop backend that checks X-Parcelwatch-Signature (--webhook-secret) and carries out each
            Idempotency-Key once (GET /_sim/webhook lists what it did); a reship answers with a replacement parcel it then serves.
            POST|DELETE /_sim/faults ({"carrier": ID, "number": N?, "fault": "status=500", "count": K?}: faults without asking).
            Merchant APIs: token endpoints for every oauth2 source; credentials accepted are those --print-credentials prints.
            POST /_sim/auth {"carrier": ID, "source": NAME?, "tokenLifetime": S | "revoke": true | "restore": true}, GET /_sim/auth
            (tokens issued, requests refused); POST /_sim/quota {"carrier": ID, "perDay": N?, "perHour": N?} answers 429 with
            Retry-After once spent (DELETE clears, GET counts).
            Faults on any request: ?_fault=delay=800 | status=500 | status=429,retry-after=2 | truncate | huge |
            redirect-loop | format-changed | charset=windows-1250 (or the X-Sim-Fault header).
            Without a subcommand it serves; `carrier-sim history` writes a generated delivery history instead.
            """,
        subcommands: [HistoryCommand.self])

    @Option(help: "Port on 127.0.0.1 (0 picks a free one and prints it).")
    var port = 0

    @Option(help: "The fixtures directory.")
    var fixtures = "fixtures"

    @Option(help: "The carriers directory.")
    var carriers = "carriers"

    @Option(help: "Where the simulated clock starts (ISO-8601); default PARCELWATCH_NOW or the real time.")
    var start: String?

    @Option(help: "A JSON file of parcel scripts to load at start.")
    var script: String?

    @Option(name: .customLong("webhook-secret"), help: "The HMAC secret /_sim/webhook checks (default: sim-webhook-secret).")
    var webhookSecret = "sim-webhook-secret"

    @Flag(
        help: """
            Print `export NAME=value` for every credential the carriers' sources name, with the value this simulator accepts,
            and exit: `eval "$(carrier-sim --print-credentials)"` lets Parcelwatch use the official sources against it.
            """)
    var printCredentials = false

    func run() async throws {
        if printCredentials {
            let registry: CarrierRegistry
            do { registry = try CarrierRegistry.load(directory: carriers) } catch { throw ValidationError(error.description) }
            for (name, value) in SimCredentials.environment(for: registry).sorted(by: { $0.key < $1.key }) { print("export \(name)=\(value)") }
            return
        }
        let startText = start ?? ProcessInfo.processInfo.environment["PARCELWATCH_NOW"]
        var startDate = Date()
        if let startText {
            guard let parsed = ISOTime.parse(startText) else {
                throw ValidationError("--start '\(startText)' is not an ISO-8601 time such as 2026-11-20T12:00:00Z")
            }
            startDate = parsed
        }
        var scripts: [ParcelScript] = []
        if let script {
            guard let data = FileManager.default.contents(atPath: script) else { throw ValidationError("cannot read --script \(script)") }
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .iso8601
            do { scripts = try decoder.decode([ParcelScript].self, from: data) } catch {
                throw ValidationError("--script \(script) is not a JSON list of parcel scripts: \(error)")
            }
        }
        var options = SimulatorOptions(port: port, fixturesDirectory: fixtures, carriersDirectory: carriers, start: startDate, scripts: scripts)
        options.webhookSecret = webhookSecret
        try await CarrierSimulator.run(options) { port in
            // Unbuffered: scripts wait for this line to learn the port.
            FileHandle.standardOutput.write(Data("carrier-sim listening on http://127.0.0.1:\(port)\n".utf8))
        }
    }
}
