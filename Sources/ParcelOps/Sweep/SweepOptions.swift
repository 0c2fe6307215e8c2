import Foundation
import ParcelCore
import ParcelStore

/// How one sweep runs; the CLI's `parcelwatch sweep` flags map onto these.
public struct SweepOptions: Sendable {
    /// Requests in flight at once over all carriers (`--concurrency`).
    public var concurrency: Int
    /// Check every shipment, due or not, terminal or not (`--all`).
    public var all: Bool
    /// Extra attempts within one sweep for a transient failure (unreachable, 5xx, 429).
    public var retries: Int
    /// The first retry waits about this long, doubling with each attempt, jittered ±50 %.
    public var retryBase: Duration
    /// A `Retry-After` longer than this is not waited for; the shipment is checked next sweep.
    public var maxRetryAfter: TimeInterval
    /// Failed checks in a row after which a carrier is paused (`--breaker-threshold`).
    public var breakerThreshold: Int
    /// How long a tripped carrier is left alone, on Parcelwatch's clock (`--breaker-cooldown`).
    public var breakerCooldown: TimeInterval
    /// Requests per second overriding carrier files (`--carrier-rate [ID=]N`); key "" is every carrier.
    public var rateOverrides: [String: Double]
    /// Requests in flight per carrier overriding carrier files' `limits: concurrency`
    /// (`--carrier-concurrency [ID=]N`, `carriers: { ID: { concurrency: N } }`); key "" is every
    /// carrier. `concurrency` still caps all carriers together.
    public var concurrencyOverrides: [String: Int]
    /// When to look again.
    public var schedule: CheckSchedule
    /// Due shipments are read from the store this many at a time.
    public var pageSize: Int
    /// How long a claimed shipment stays this worker's (`--lease`): another worker sharing the
    /// database takes it up only after that, so it must outlast checking one page.
    public var lease: TimeInterval
    /// This worker's name in the store's leases (`--worker`): host and process id by default.
    public var worker: String

    /// Creates options; the defaults are what `parcelwatch sweep` uses.
    public init(
        concurrency: Int = 16, all: Bool = false, retries: Int = 2, retryBase: Duration = .milliseconds(500),
        maxRetryAfter: TimeInterval = 30, breakerThreshold: Int = 5, breakerCooldown: TimeInterval = 1800,
        rateOverrides: [String: Double] = [:], concurrencyOverrides: [String: Int] = [:], schedule: CheckSchedule = .standard, pageSize: Int = 500,
        lease: TimeInterval = 600, worker: String = SweepOptions.defaultWorker
    ) {
        self.lease = lease
        self.worker = worker
        self.concurrency = concurrency
        self.all = all
        self.retries = retries
        self.retryBase = retryBase
        self.maxRetryAfter = maxRetryAfter
        self.breakerThreshold = breakerThreshold
        self.breakerCooldown = breakerCooldown
        self.rateOverrides = rateOverrides
        self.concurrencyOverrides = concurrencyOverrides
        self.schedule = schedule
        self.pageSize = pageSize
    }

    /// `host:pid`, which names the worker holding a lease for people looking at the database.
    public static var defaultWorker: String {
        "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier)"
    }

    /// The rate override for `carrier`, if any.
    func rateOverride(for carrier: String) -> Double? {
        rateOverrides[carrier] ?? rateOverrides[""]
    }

    /// The in-flight limit override for `carrier`, if any.
    func concurrencyOverride(for carrier: String) -> Int? {
        concurrencyOverrides[carrier] ?? concurrencyOverrides[""]
    }
}
