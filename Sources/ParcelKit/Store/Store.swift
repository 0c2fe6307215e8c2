import Curl
import Foundation

/// Everything Parcelwatch remembers, behind one protocol so the embedded SQLite store and the
/// shared PostgreSQL store (a later issue) pass the same test suite.
///
/// Each method is one transaction: a crash between two calls loses nothing committed and a
/// repeated call duplicates nothing (events are unique by fingerprint, imports are upserts).
public protocol Store: Sendable {
    /// A short description for people (`sqlite:/var/lib/parcelwatch/parcelwatch.sqlite`), never
    /// carrying a password.
    var displayName: String { get }

    // MARK: Orders and import

    /// Upserts validated rows in one transaction, each row in a savepoint of its own so a
    /// conflicting row is rejected alone. `dryRun` rolls everything back and reports what would
    /// have happened. One audit entry records the import.
    func importRows(_ rows: [ImportRow], dryRun: Bool, actor: String, at: Date) async throws(StoreError) -> [ImportOutcome]

    /// The order with `id`.
    func order(id: String) async throws(StoreError) -> Order?

    /// The shipment of `carrier` with `trackingNumber`.
    func shipment(carrier: String, trackingNumber: String) async throws(StoreError) -> Shipment?

    /// Shipments matching `filter`, ordered by id.
    func shipments(_ filter: ShipmentFilter) async throws(StoreError) -> [Shipment]

    /// A shipment's stored events, oldest first.
    func events(shipmentID: Int64) async throws(StoreError) -> [TrackingEvent]

    // MARK: Sweeps

    /// Up to `limit` shipments due at `now` (or every shipment with `all`) with an id above
    /// `after`, ordered by id: the sweep pages through them so memory stays flat at any size.
    func dueShipments(now: Date, all: Bool, after: Int64, limit: Int) async throws(StoreError) -> [DueShipment]

    /// How many shipments ``dueShipments(now:all:after:limit:)`` would page through.
    func countDue(now: Date, all: Bool) async throws(StoreError) -> Int

    /// Merges a carrier answer into a shipment in one transaction: new events inserted by
    /// fingerprint, status and reason recomputed from the newest mapped stored event, validators
    /// and next check stored, failures reset.
    func apply(_ update: TrackingUpdate) async throws(StoreError) -> AppliedUpdate

    /// Records that the carrier answered `304 Not Modified` (or an unchanged feed): only the check
    /// time, the next check and the failure count change.
    func recordUnchanged(shipmentID: Int64, checkedAt: Date, nextCheckAt: Date?) async throws(StoreError)

    /// Records a failed check; status and events stay as they were.
    func recordFailure(shipmentID: Int64, checkedAt: Date, error: String, nextCheckAt: Date) async throws(StoreError)

    /// What the store remembers about each carrier's health (circuit breaker, format changes).
    func carrierHealth() async throws(StoreError) -> [CarrierHealth]

    /// Saves one carrier's health.
    func saveCarrierHealth(_ health: CarrierHealth) async throws(StoreError)

    /// Raw statuses no rule mapped, with how many stored events carry each.
    func unmappedStatuses() async throws(StoreError) -> [UnmappedStatus]

    // MARK: Audit

    /// Appends to the audit log.
    func audit(_ entry: AuditEntry) async throws(StoreError)

    /// The newest audit entries first.
    func auditLog(limit: Int) async throws(StoreError) -> [AuditEntry]
}

/// One validated import row (see ``OrderImporter``).
public struct ImportRow: Sendable, Equatable {
    /// The 1-based line of the row in its file (JSON: the 1-based element index).
    public var line: Int
    /// The order the row describes.
    public var order: Order
    /// The carrier id, when the row has a tracking number.
    public var carrier: String?
    /// The normalised tracking number; nil for an order not yet shipped.
    public var trackingNumber: String?

    /// Creates a row.
    public init(line: Int, order: Order, carrier: String?, trackingNumber: String?) {
        self.line = line
        self.order = order
        self.carrier = carrier
        self.trackingNumber = trackingNumber
    }
}

/// What importing one row did.
public enum ImportOutcome: Sendable, Equatable {
    /// New or changed data was written.
    case imported
    /// Everything in the row was already stored exactly so.
    case unchanged
    /// The row conflicts with stored data and was skipped.
    case rejected(String)
}

/// Which shipments to list.
public struct ShipmentFilter: Sendable, Equatable {
    /// Only this carrier.
    public var carrier: String?
    /// Only these statuses.
    public var statuses: Set<TrackingStatus>
    /// Only this order.
    public var orderId: String?
    /// At most this many.
    public var limit: Int?

    /// Creates a filter; the default lists everything.
    public init(carrier: String? = nil, statuses: Set<TrackingStatus> = [], orderId: String? = nil, limit: Int? = nil) {
        self.carrier = carrier
        self.statuses = statuses
        self.orderId = orderId
        self.limit = limit
    }
}

/// A shipment the sweep must check, with what the carrier request needs from its order.
public struct DueShipment: Sendable, Equatable {
    /// The shipment.
    public var shipment: Shipment
    /// The order's recipient postcode (some carriers ask for it).
    public var postcode: String

    /// Creates a due shipment.
    public init(shipment: Shipment, postcode: String) {
        self.shipment = shipment
        self.postcode = postcode
    }
}

/// One carrier answer to merge into a shipment.
public struct TrackingUpdate: Sendable {
    /// The shipment.
    public var shipmentID: Int64
    /// Every event the answer holds (already stored ones are skipped by fingerprint).
    public var events: [TrackingEvent]
    /// The carrier's promised delivery, if given.
    public var estimatedDelivery: Date?
    /// Validators for the next conditional request.
    public var validators: CacheValidators
    /// When the answer was fetched.
    public var checkedAt: Date
    /// How the next check is chosen from the resulting status.
    public var schedule: CheckSchedule

    /// Creates an update.
    public init(shipmentID: Int64, events: [TrackingEvent], estimatedDelivery: Date?, validators: CacheValidators,
                checkedAt: Date, schedule: CheckSchedule) {
        self.shipmentID = shipmentID
        self.events = events
        self.estimatedDelivery = estimatedDelivery
        self.validators = validators
        self.checkedAt = checkedAt
        self.schedule = schedule
    }
}

/// What merging one answer changed.
public struct AppliedUpdate: Sendable, Equatable {
    /// Events not stored before.
    public var newEvents: Int
    /// Status and reason before.
    public var previousStatus: TrackingStatus
    /// See ``previousStatus``.
    public var previousReason: ExceptionReason?
    /// Status and reason after.
    public var status: TrackingStatus
    /// See ``status``.
    public var reason: ExceptionReason?

    /// Creates a result.
    public init(newEvents: Int, previousStatus: TrackingStatus, previousReason: ExceptionReason?, status: TrackingStatus, reason: ExceptionReason?) {
        self.newEvents = newEvents
        self.previousStatus = previousStatus
        self.previousReason = previousReason
        self.status = status
        self.reason = reason
    }

    /// True when the status or reason moved.
    public var statusChanged: Bool { previousStatus != status || previousReason != reason }
}

/// A carrier's health across sweeps.
public struct CarrierHealth: Sendable, Equatable, Codable {
    /// The carrier id.
    public var carrier: String
    /// Failed checks in a row across all its shipments.
    public var consecutiveFailures: Int
    /// While set and in the future, the circuit breaker keeps sweeps away from the carrier.
    public var pausedUntil: Date?
    /// Answers that no longer matched the carrier file, in total.
    public var formatChanged: Int
    /// The last failure, for staff.
    public var lastError: String?
    /// When it happened.
    public var lastErrorAt: Date?

    /// Creates a health record.
    public init(carrier: String, consecutiveFailures: Int = 0, pausedUntil: Date? = nil, formatChanged: Int = 0,
                lastError: String? = nil, lastErrorAt: Date? = nil) {
        self.carrier = carrier
        self.consecutiveFailures = consecutiveFailures
        self.pausedUntil = pausedUntil
        self.formatChanged = formatChanged
        self.lastError = lastError
        self.lastErrorAt = lastErrorAt
    }
}

/// A raw carrier status no rule maps, and how often the store has it.
public struct UnmappedStatus: Sendable, Equatable, Codable, Hashable {
    /// The carrier id.
    public var carrier: String
    /// The raw text.
    public var rawStatus: String
    /// The raw code.
    public var rawCode: String?
    /// Stored events with it.
    public var count: Int

    /// Creates a row.
    public init(carrier: String, rawStatus: String, rawCode: String?, count: Int) {
        self.carrier = carrier
        self.rawStatus = rawStatus
        self.rawCode = rawCode
        self.count = count
    }
}

/// One line of the audit log: who did what to which thing, when, and why.
public struct AuditEntry: Sendable, Equatable, Codable {
    /// When.
    public var at: Date
    /// Who: a staff member, `sweep`, or the OS user who ran an import.
    public var actor: String
    /// What (`import`, `sweep`, `incident.assign` …).
    public var action: String
    /// Which thing (`order:1042`, `shipment:7`, `import:orders.csv`).
    public var subject: String
    /// Details for people.
    public var detail: String

    /// Creates an entry.
    public init(at: Date, actor: String, action: String, subject: String, detail: String) {
        self.at = at
        self.actor = actor
        self.action = action
        self.subject = subject
        self.detail = detail
    }
}
