import ArgumentParser
import Curl
import Foundation
import ParcelCore
import ParcelOps
import ParcelStore

/// `parcelwatch sweep`: check every due shipment once, or keep doing it with `--every`.
struct SweepCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Ask carriers about every due shipment, store what is new, schedule the next check.",
        discussion: """
            Due: next check time reached and not delivered/returned/expired (--all: every shipment). Requests are
            conditional (ETag/Last-Modified), limited per carrier by its file's `limits:` (concurrency, per_second, burst)
            and by --concurrency overall (lift a carrier's with --carrier-rate and --carrier-concurrency, or
            `carriers: { ID: { concurrency: N } }` in parcelwatch.yaml); 429 Retry-After is honoured; transient failures are retried with jittered
            backoff; after --breaker-threshold failures in a row a carrier is paused for --breaker-cooldown.
            Next checks: out for delivery ~1 h, in transit ~4 h, info received ~12 h, terminal never.
            SIGINT/SIGTERM finish the shipments in flight, commit and exit 0.
            Several workers (on one machine or many) may sweep one database, e.g. --db postgres://…: each leases the
            shipments it takes (FOR UPDATE SKIP LOCKED) for --lease, so every due shipment is checked once, and a dead
            worker's shipments are taken up by the others when its lease runs out. Incidents, actions and notices are
            safe to run from every worker: each case opens once, each action and notice goes out once.
            Examples:
              parcelwatch sweep
              parcelwatch sweep --every 15m
              parcelwatch sweep --carrier-concurrency ups=12 --carrier-rate ups=20 --concurrency 32
              parcelwatch sweep --carrier-endpoint http://127.0.0.1:8080 --json
              PGPASSWORD=… parcelwatch sweep --every 15m --db postgres://parcelwatch@db.internal/parcelwatch
            Exit codes: 0 the sweep ran (carrier errors are data, see the summary), 2 bad arguments, 4 database unusable.
            """)
    @OptionGroup var store: StoreOptions
    @OptionGroup var carriers: CarrierOptions
    @OptionGroup var output: OutputOptions
    @Option(help: "Run again after this long (30s, 15m, 1h) until SIGINT/SIGTERM.") var every: String?
    @Flag(help: "Check every shipment now, due or not.") var all = false
    @Option(help: "Requests in flight at once, all carriers together.") var concurrency = 16
    @Option(help: "Extra attempts for a transient failure within one sweep.") var retries = 2
    @Option(name: .customLong("breaker-threshold"), help: "Failures in a row that pause a carrier.") var breakerThreshold = 5
    @Option(name: .customLong("breaker-cooldown"), help: "How long a paused carrier is left alone (30s, 15m, 1h).") var breakerCooldown = "30m"
    @Option(name: .customLong("carrier-endpoint"), help: "[ID=]URL to use instead of the carrier's host (repeatable).")
    var carrierEndpoints: [String] = []
    @Option(name: .customLong("carrier-rate"), help: "[ID=]N requests per second instead of the carrier file's (repeatable).")
    var carrierRates: [String] = []
    @Option(
        name: .customLong("carrier-concurrency"),
        help: "[ID=]N requests in flight to a carrier instead of its file's limits: concurrency (repeatable; --concurrency still caps the total).")
    var carrierConcurrency: [String] = []
    @Option(help: "How long a claimed shipment stays this worker's before another may take it (5m, 10m, 1h).") var lease = "10m"
    @Option(help: "This worker's name in the leases it holds (default: host:pid).") var worker: String?
    @Option(name: .customLong("page-size"), help: "Due shipments claimed from the database at a time.") var pageSize = 500

    func validate() throws {
        guard concurrency >= 1 else { throw ValidationError("--concurrency must be at least 1") }
        guard retries >= 0 else { throw ValidationError("--retries cannot be negative") }
        guard breakerThreshold >= 1 else { throw ValidationError("--breaker-threshold must be at least 1") }
        if let every, DurationText.seconds(every) == nil { throw ValidationError("--every '\(every)' is not a duration such as 30s, 15m or 1h") }
        if DurationText.seconds(breakerCooldown) == nil { throw ValidationError("--breaker-cooldown '\(breakerCooldown)' is not a duration such as 30m") }
        guard pageSize >= 1 else { throw ValidationError("--page-size must be at least 1") }
        guard let seconds = DurationText.seconds(lease), seconds >= 10 else {
            throw ValidationError("--lease '\(lease)' must be a duration of at least 10s, such as 10m")
        }
        do {
            _ = try CarrierOverrides.rates(carrierRates)
            _ = try CarrierOverrides.concurrency(carrierConcurrency)
        } catch { throw ValidationError(error.description) }
    }

    func run() async throws {
        let config = try store.shopConfig()
        let (registry, credentials) = try carriers.registry(credentialsFrom: config)
        let known = Set(registry.carriers.map(\.id))
        let rates: [String: Double]
        let inFlight: [String: Int]
        do {
            rates = try CarrierOverrides.rates(carrierRates, known: known)
            inFlight = try CarrierOverrides.concurrency(
                commandLine: try CarrierOverrides.concurrency(carrierConcurrency, known: known), config: config.carrierConcurrency,
                configFile: config.source, known: known)
        } catch { throw ValidationError(error.description) }
        let clock = try store.clock()
        let database = try await store.openStore(.readWrite)
        let endpoints: EndpointOverrides
        do { endpoints = try EndpointOverrides(carrierEndpoints) } catch { throw fail(.endpoint(error)) }
        let client: HTTPClient
        client = try makeHTTPClient()
        let stop = StopSignal()
        let bar = output.json ? nil : ProgressBar()
        let options = SweepOptions(
            concurrency: concurrency, all: all, retries: retries, breakerThreshold: breakerThreshold,
            breakerCooldown: DurationText.seconds(breakerCooldown) ?? 1800, rateOverrides: rates, concurrencyOverrides: inFlight,
            pageSize: pageSize, lease: DurationText.seconds(lease) ?? 600, worker: worker ?? SweepOptions.defaultWorker)
        let progress: (@Sendable (SweepProgress) -> Void)?
        if let bar { progress = { bar.update($0) } } else { progress = nil }
        let sweeper: Sweeper
        do {
            sweeper = try ParcelServices(store: database, config: config, registry: registry).sweeper(
                fetcher: CarrierFetcher(client: client, endpoints: endpoints, credentials: credentials), clock: clock, options: options,
                client: client, defaultOutbox: store.defaultOutbox, progress: progress, shouldStop: { stop.isRequested })
        } catch let error as NoticeError {
            throw ValidationError(error.description)
        }
        while true {
            let summary: SweepSummary
            do { summary = try await sweeper.run() } catch { throw fail(.store(error)) }
            bar?.finish()
            if output.json { try printJSON(summary) } else { print(Self.describe(summary, store: database.displayName)) }
            guard let every, !stop.isRequested, let interval = DurationText.seconds(every) else { return }
            let wake = ContinuousClock.now.advanced(by: .milliseconds(Int64(interval * 1000)))
            while ContinuousClock.now < wake, !stop.isRequested { try? await Task.sleep(for: .milliseconds(200)) }
            if stop.isRequested { return }
        }
    }

    /// The summary for people.
    static func describe(_ summary: SweepSummary, store: String) -> String {
        var lines: [String] = []
        lines.append(Terminal.bold("sweep at \(summary.now)") + Terminal.dim(" (\(store), \(String(format: "%.1f", summary.durationSeconds)) s)"))
        lines.append(
            "  due \(summary.due) · checked \(summary.checked) · changed \(summary.changed) · unchanged \(summary.unchanged) (304: \(summary.notModified)) · new events \(summary.newEvents)"
                + (summary.skipped > 0 ? " · skipped \(summary.skipped)" : ""))
        for (change, count) in summary.statusChanges.sorted(by: { $0.key < $1.key }) {
            lines.append("  \(count) × \(change)")
        }
        if !summary.errors.isEmpty {
            lines.append(Terminal.paint("  errors:", "31"))
            for (carrier, kinds) in summary.errors.sorted(by: { $0.key < $1.key }) {
                lines.append("    \(carrier): " + kinds.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
            }
        }
        for (carrier, count) in summary.formatChanged.sorted(by: { $0.key < $1.key }) {
            lines.append(Terminal.paint("  \(carrier): \(count) answer(s) no longer match carriers/\(carrier).yaml: the carrier file needs updating", "33"))
        }
        for (carrier, until) in summary.pausedCarriers.sorted(by: { $0.key < $1.key }) {
            lines.append(Terminal.paint("  \(carrier) is paused by the circuit breaker until \(until)", "33"))
        }
        if let incidents = summary.incidents,
            !incidents.opened.isEmpty || incidents.retriggered > 0 || incidents.escalated > 0 || incidents.followUps > 0
                || incidents.resolvedByCarrier > 0 || incidents.absorbed > 0 || incidents.flagged > 0 || incidents.repairedActions > 0
        {
            let opened = incidents.opened.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
            lines.append(
                Terminal.paint("  incidents: opened \(opened.isEmpty ? "none" : opened)", "35")
                    + (incidents.retriggered > 0 ? " · updated \(incidents.retriggered)" : "")
                    + (incidents.followUps > 0 ? " · follow-ups \(incidents.followUps)" : "")
                    + (incidents.absorbed > 0 ? " · absorbed \(incidents.absorbed)" : "")
                    + (incidents.repairedActions > 0 ? " · actions repaired \(incidents.repairedActions)" : "")
                    + (incidents.resolvedByCarrier > 0 ? " · closed by the carrier's news \(incidents.resolvedByCarrier)" : "")
                    + (incidents.flagged > 0 ? Terminal.paint(" · flagged for staff \(incidents.flagged)", "33") : "")
                    + (incidents.escalated > 0 ? Terminal.paint(" · SLA breaches escalated \(incidents.escalated)", "31") : ""))
        }
        if let actions = summary.actions, actions.executed + actions.failed > 0 || !actions.errors.isEmpty {
            lines.append(
                "  actions: executed \(actions.executed)" + (actions.failed > 0 ? Terminal.paint(" · failed \(actions.failed) (retried later)", "31") : ""))
            for error in actions.errors.prefix(3) { lines.append(Terminal.paint("    \(error)", "33")) }
        }
        if let notices = summary.notices, notices.sent + notices.failed > 0 {
            lines.append("  notices: sent \(notices.sent)" + (notices.failed > 0 ? Terminal.paint(" · failed \(notices.failed) (retried later)", "31") : ""))
        }
        if summary.interrupted { lines.append("  interrupted: the rest is checked next sweep") }
        return lines.joined(separator: "\n")
    }
}
