import Foundation
import ParcelCore

// Values the store takes and gives for orders, shipments, sweeps and the audit log.

/// Which shipments to list.
public struct ShipmentFilter: Sendable, Equatable {
    /// Only this carrier.
    public var carrier: String?
    /// Only these statuses.
    public var statuses: Set<TrackingStatus>
    /// Only this order.
    public var orderId: String?
    /// Only this tracking number (any carrier).
    public var trackingNumber: String?
    /// Only shipments with an id above this: a page goes on where the last one ended.
    public var after: Int64?
    /// At most this many.
    public var limit: Int?

    /// Creates a filter; the default lists everything.
    public init(
        carrier: String? = nil, statuses: Set<TrackingStatus> = [], orderId: String? = nil, trackingNumber: String? = nil, after: Int64? = nil,
        limit: Int? = nil
    ) {
        self.carrier = carrier
        self.statuses = statuses
        self.orderId = orderId
        self.trackingNumber = trackingNumber
        self.after = after
        self.limit = limit
    }
}

/// A shipment with its order, read together: the sweep needs the postcode (some carriers ask
/// for it) and the customer for milestone notices, the incident rules need the promise.
public struct DueShipment: Sendable, Equatable {
    /// The shipment.
    public var shipment: Shipment
    /// Its order.
    public var order: Order

    /// Creates a due shipment.
    public init(shipment: Shipment, order: Order) {
        self.shipment = shipment
        self.order = order
    }

    /// The order's recipient postcode.
    public var postcode: String { order.postcode }
}

/// One carrier answer to merge into a shipment.
public struct TrackingUpdate: Sendable {
    /// The shipment.
    public var shipmentID: Int64
    /// Every event the answer holds (already stored ones are skipped by fingerprint).
    public var events: [TrackingEvent]
    /// The carrier's promised delivery, if given.
    public var estimatedDelivery: Date?
    /// The answer's `ETag`, sent back as `If-None-Match` on the next check.
    public var etag: String?
    /// The answer's `Last-Modified`, sent back as `If-Modified-Since` on the next check.
    public var lastModified: String?
    /// When the answer was fetched.
    public var checkedAt: Date
    /// How the next check is chosen from the resulting status.
    public var schedule: CheckSchedule
    /// The customer's milestone notice for the resulting change (shipped, out for delivery),
    /// queued in the same transaction as the change; a notice that cannot be composed
    /// (``StoreError/notice(_:)``) rolls the change back.
    public var milestone: (@Sendable (AppliedUpdate) throws(StoreError) -> NoticeDraft?)?
    /// The country the parcel is delivered in, ISO alpha-2: its carrier definition's `country`
    /// (a carrier delivers in its country; orders carry no country, and the store knows no carrier
    /// files). Nil records no delivery for the lane model: a lane it cannot name must not be taught.
    public var destinationCountry: String?
    /// The country the shop hands parcels over in (the shop's `country`), nil when it is the
    /// destination's.
    public var originCountry: String?

    /// Creates an update.
    public init(
        shipmentID: Int64, events: [TrackingEvent], estimatedDelivery: Date?, etag: String? = nil, lastModified: String? = nil,
        checkedAt: Date, schedule: CheckSchedule, destinationCountry: String? = nil, originCountry: String? = nil,
        milestone: (@Sendable (AppliedUpdate) throws(StoreError) -> NoticeDraft?)? = nil
    ) {
        self.milestone = milestone
        self.destinationCountry = destinationCountry
        self.originCountry = originCountry
        self.shipmentID = shipmentID
        self.events = events
        self.estimatedDelivery = estimatedDelivery
        self.etag = etag
        self.lastModified = lastModified
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
    public init(
        carrier: String, consecutiveFailures: Int = 0, pausedUntil: Date? = nil, formatChanged: Int = 0,
        lastError: String? = nil, lastErrorAt: Date? = nil
    ) {
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
    /// The store's id, set on entries read back (nil on one to be written). Not in the JSON: the
    /// listing's cursor carries it (``ListingCursor/audit(after:)``).
    public var id: Int64?
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
    public init(id: Int64? = nil, at: Date, actor: String, action: String, subject: String, detail: String) {
        self.id = id
        self.at = at
        self.actor = actor
        self.action = action
        self.subject = subject
        self.detail = detail
    }

    enum CodingKeys: String, CodingKey {
        case at, actor, action, subject, detail
    }
}

/// Where a sweep's claiming of due parcels stands: after the last parcel it claimed, by next
/// check then id (due parcels come in the due index's order), or by id alone for `--all`.
public struct ClaimCursor: Sendable, Equatable, ExpressibleByIntegerLiteral {
    /// The last claimed parcel's next check (seconds since 1970); before every time at the start.
    public var dueAt: Double
    /// The last claimed parcel's id.
    public var id: Int64

    /// Before every parcel.
    public static let start = ClaimCursor(dueAt: -Double.greatestFiniteMagnitude, id: 0)

    /// A cursor at `dueAt` and `id`.
    public init(dueAt: Double, id: Int64) {
        self.dueAt = dueAt
        self.id = id
    }

    /// Just after `shipment`, the last one of a page.
    public init(after shipment: Shipment) {
        self.init(dueAt: shipment.nextCheckAt?.timeIntervalSince1970 ?? -Double.greatestFiniteMagnitude, id: shipment.id)
    }

    /// After the parcel with id `value`, at any next check (`after: 0` is the start).
    public init(integerLiteral value: Int64) {
        self.init(dueAt: -Double.greatestFiniteMagnitude, id: value)
    }
}
