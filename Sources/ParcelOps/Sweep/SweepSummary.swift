import Foundation
import ParcelCore
import ParcelStore

/// What one sweep did, printed at its end; `parcelwatch sweep --json` prints exactly this.
public struct SweepSummary: Sendable, Equatable, Codable {
    /// Shipments asked about (skipped ones not included).
    public var checked = 0
    /// Answers with nothing new (`304`, or the same events again).
    public var unchanged = 0
    /// Of ``unchanged``, the answers that were `304 Not Modified` (conditional GET saved a download).
    public var notModified = 0
    /// Shipments with new events or a new status.
    public var changed = 0
    /// Events stored for the first time.
    public var newEvents = 0
    /// Events left out of carriers' answers because their time was empty or impossible (the rest
    /// of each answer was kept).
    public var skippedEvents = 0
    /// Checks that failed, by carrier and kind (`timeout`, `http500`, `notFound`, `formatChanged`, `circuitOpen` …).
    public var errors: [String: [String: Int]] = [:]
    /// Shipments not asked because their carrier's circuit breaker is open.
    public var skipped = 0
    /// Carriers paused by the breaker, with when they will be tried again.
    public var pausedCarriers: [String: String] = [:]
    /// Carriers whose request quota is spent (counted in the store, or answered by the carrier),
    /// with when it is whole again; their parcels wait for the next window.
    public var quotaPaused: [String: String] = [:]
    /// Quota use after the sweep: carrier → window (`day:2026-11-20`) → `used/quota`.
    public var quotas: [String: [String: String]] = [:]
    /// Carriers that refused their credentials: not asked again this sweep, paused, and a
    /// staff-only `trackingBroken` case opened.
    public var credentialsRejected: [String] = []
    /// Answers that no longer matched the carrier file, by carrier: the carrier file needs work.
    public var formatChanged: [String: Int] = [:]
    /// Status changes, `from→to` with counts.
    public var statusChanges: [String: Int] = [:]
    /// Shipments that were due when the sweep started.
    public var due = 0
    /// What the incident rules did after the fetches (nil when they did not run).
    public var incidents: IncidentEngine.Summary?
    /// What executing workflow actions did (nil when it did not run).
    public var actions: ActionExecutor.Summary?
    /// What delivering the outbox did (nil when it did not run).
    public var notices: NoticeDeliverer.Summary?
    /// True when a signal stopped the sweep early (in-flight work was finished and committed).
    public var interrupted = false
    /// Parcelwatch's clock at the start, ISO-8601.
    public var now = ""
    /// Wall-clock seconds the sweep took.
    public var durationSeconds = 0.0

    /// Creates an empty summary.
    public init() {}

    /// Failed checks in total.
    public var errorCount: Int { errors.values.reduce(0) { $0 + $1.values.reduce(0, +) } }

    mutating func count(error kind: String, carrier: String) {
        errors[carrier, default: [:]][kind, default: 0] += 1
    }
}
