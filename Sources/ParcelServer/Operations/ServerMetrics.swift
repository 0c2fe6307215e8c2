import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import ParcelCore
import ParcelOps
import ParcelStore
import Prometheus

/// `/metrics` in Prometheus' text format and `/healthz`.
///
/// The server's own requests are counted as they happen (by route and status, with latency);
/// the shop's state — open incidents by kind, SLA breaches by clock, the outbox backlog, each
/// carrier's failure streak and pause — is read from the store at every scrape, so it is right
/// whichever worker on whichever machine changed it.
final class ServerMetrics: Sendable {
    private let registry = PrometheusCollectorRegistry()
    private let store: Store
    private let clock: ParcelClock
    private let access: MetricsAccess

    init(store: Store, clock: ParcelClock, access: MetricsAccess) {
        self.store = store
        self.clock = clock
        self.access = access
    }

    func add(to router: Router<ServerContext>) {
        router.get("/healthz") { _, _ in
            do {
                _ = try await self.store.read { try $0.shipments.carrierHealth() }
                return ServerResponse.json(.ok, ["status": "ok"])
            } catch {
                return ServerResponse.json(.serviceUnavailable, ["status": "databaseUnavailable"])
            }
        }
        router.get("/metrics") { request, context in
            if let refusal = await self.access.refusal(request, context) { return refusal }
            try await self.refresh()
            var text = self.registry.emitToBuffer()
            text += Array(Self.exposition(try await self.store.read { try $0.reports.counters() }).utf8)
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: text)))
        }
    }

    /// The sweeps' counters from the store (sweeps, fetches, fetch seconds, errors by kind per
    /// carrier), in the text format: they are totals kept by every worker, not this process.
    static func exposition(_ counters: [CounterValue]) -> String {
        let help = [
            "parcelwatch_sweeps_total": "Sweeps run by all workers.",
            "parcelwatch_fetches_total": "Carrier requests made by all workers.",
            "parcelwatch_fetch_seconds_sum": "Seconds spent on carrier requests (divide by fetches_total for the mean latency).",
            "parcelwatch_fetch_errors_total": "Failed checks by carrier and kind.",
        ]
        var text = ""
        var previous = ""
        for counter in counters {
            if counter.name != previous {
                text += "# HELP \(counter.name) \(help[counter.name] ?? counter.name)\n# TYPE \(counter.name) counter\n"
                previous = counter.name
            }
            let labels = counter.labels.sorted { $0.key < $1.key }.map { "\($0.key)=\"\(escape($0.value))\"" }.joined(separator: ",")
            text += counter.name + (labels.isEmpty ? "" : "{\(labels)}") + " \(counter.value)\n"
        }
        return text
    }

    private static func escape(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(of: "\n", with: "\\n")
    }

    /// Counts one answered request.
    func record(route: String, status: Int, seconds: Double) {
        registry.makeCounter(
            descriptor: Self.name("http_requests", "total", "Requests answered by parcelwatch serve."),
            labels: [("route", route), ("status", String(status))]
        ).increment()
        registry.makeValueHistogram(
            descriptor: Self.name("http_request", "seconds", "Time to answer a request, miss delays included."),
            labels: [("route", route)], buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
        ).record(seconds)
    }

    private func gauge(_ name: String, _ help: String, _ labels: [(String, String)], _ value: Int) {
        registry.makeGauge(descriptor: Self.name(name, nil, help), labels: labels).set(to: Double(value))
    }

    /// `parcelwatch_<name>_<unit>` with its help text.
    private static func name(_ name: String, _ unit: String?, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "parcelwatch", metricName: name, unitName: unit ?? "", helpText: help)
    }

    private func refresh() async throws {
        let open = try await store.read { try $0.cases.incidents(IncidentFilter()) }
        for kind in IncidentKind.allCases {
            gauge("incidents_open", "Open incidents by kind.", [("kind", kind.rawValue)], open.filter { $0.kind == kind }.count)
        }
        for clock in SLAClock.allCases {
            gauge(
                "sla_breaches_open", "Open incidents whose SLA clock has run out.", [("clock", clock.rawValue)],
                open.filter { $0.breaches.contains(clock) }.count)
        }
        let now = clock.now
        let outbox = try await store.read { try $0.outbox.outboxBacklog(now: now) }
        gauge("outbox_backlog", "Notices waiting to be delivered.", [], outbox.waiting)
        gauge("outbox_overdue", "Notices due but not delivered.", [], outbox.overdue)
        for health in try await store.read({ try $0.shipments.carrierHealth() }) {
            let carrier = [("carrier", health.carrier)]
            gauge("carrier_consecutive_failures", "Failed checks in a row per carrier.", carrier, health.consecutiveFailures)
            gauge("carrier_paused", "1 while the circuit breaker pauses the carrier.", carrier, (health.pausedUntil ?? .distantPast) > now ? 1 : 0)
            gauge("carrier_format_changes", "Pages that stopped matching the carrier file.", carrier, health.formatChanged)
        }
        // Today's and this hour's quota windows, whichever carriers have them.
        let windows = QuotaWindow.windows(for: .init(concurrency: 1, perSecond: 1, burst: 1, perHour: 1, perDay: 1), at: now).map(\.key)
        for usage in try await store.read({ try $0.shipments.quotaUsage(windows: windows) }) {
            let labels = [("carrier", usage.carrier), ("window", usage.window.hasPrefix("day:") ? "day" : "hour")]
            gauge("carrier_quota_used", "Requests made in the carrier's current quota window, by every worker.", labels, usage.used)
            gauge("carrier_quota_limit", "Requests the carrier's current quota window allows.", labels, usage.quota)
        }
    }
}

/// Times and counts every request for ``ServerMetrics``.
struct MetricsMiddleware: RouterMiddleware {
    typealias Context = ServerContext
    let metrics: ServerMetrics

    func handle(_ request: Request, context: ServerContext, next: (Request, ServerContext) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        let route = context.endpointPath ?? "unmatched"
        do {
            let response = try await next(request, context)
            metrics.record(route: context.endpointPath ?? route, status: response.status.code, seconds: (ContinuousClock.now - started).inSeconds)
            return response
        } catch let error as any HTTPResponseError {
            metrics.record(route: context.endpointPath ?? route, status: error.status.code, seconds: (ContinuousClock.now - started).inSeconds)
            throw error
        } catch {
            metrics.record(route: context.endpointPath ?? route, status: 500, seconds: (ContinuousClock.now - started).inSeconds)
            throw error
        }
    }
}
