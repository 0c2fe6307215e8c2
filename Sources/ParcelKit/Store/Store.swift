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

    // MARK: Incidents

    /// Shipments incident rules look at (everything not delivered or expired), with their
    /// orders, `limit` at a time after shipment id `after`.
    func detectionCandidates(after: Int64, limit: Int) async throws(StoreError) -> [DetectionCandidate]

    /// Paid orders none of whose shipments the carrier has accepted yet (none, or label only),
    /// `limit` at a time after order id `after`.
    func ordersAwaitingCarrier(after: String, limit: Int) async throws(StoreError) -> [OrderCandidate]

    /// Opens a case for `trigger`, or adds to the open one of the same subject and kind, in one
    /// transaction; a new customer-facing case's `notice` goes into the outbox in that same
    /// transaction. A closed case with the same evidence is not opened again. New cases get an
    /// owner round-robin over active staff.
    func raise(_ trigger: IncidentTrigger, plan: IncidentPlan, notice: NoticeDraft?, at: Date) async throws(StoreError) -> RaiseOutcome

    /// Cases matching `filter`.
    func incidents(_ filter: IncidentFilter) async throws(StoreError) -> [Incident]

    /// One case.
    func incident(id: Int64) async throws(StoreError) -> Incident?

    /// A case's history, oldest first.
    func incidentHistory(id: Int64) async throws(StoreError) -> [IncidentNote]

    /// A staff action on a case, audited, in one transaction. The actor must be staff.
    func act(_ action: IncidentAction, on id: Int64, actor: String, at: Date) async throws(StoreError) -> Incident

    /// Records every SLA clock of an open case that ran out by `now` and was not recorded yet:
    /// each breach is escalated exactly once, however often this runs.
    func escalate(now: Date) async throws(StoreError) -> [Escalation]

    /// Adds (or renames) a staff member.
    func addStaff(_ member: StaffMember, actor: String, at: Date) async throws(StoreError)

    /// Active staff, by name.
    func staff() async throws(StoreError) -> [StaffMember]

    /// Orders, shipments and cases matching an order id, tracking number, e-mail, phone or name.
    func find(_ query: String) async throws(StoreError) -> FindResult

    // MARK: Workflows

    /// Records an action on a case (one per case and kind): `proposed` waits for staff, `pending`
    /// goes to the executor. Asking again returns the existing action; a pending request for a
    /// proposed one approves it. The case moves to `actionProposed`. Audited.
    func requestAction(incidentId: Int64, kind: ActionKind, amount: Money?, state: ActionState, actor: String, at: Date) async throws(StoreError) -> WorkflowAction

    /// Takes up to `limit` actions due at `now` for execution, leasing them for `lease` seconds so
    /// a second worker skips them and a dead worker's lease runs out.
    func claimActions(now: Date, lease: TimeInterval, limit: Int) async throws(StoreError) -> [WorkflowAction]

    /// The shop's backend acknowledged the action: done, the case moves to `actionTaken`, and the
    /// customer's `notice` (refund issued …) is queued in the same transaction.
    func completeAction(id: Int64, result: String, notice: NoticeDraft?, at: Date) async throws(StoreError)

    /// The attempt failed; try again at `retryAt`.
    func failAction(id: Int64, error: String, retryAt: Date) async throws(StoreError)

    /// Actions of one case, or every action in `states`.
    func actions(incidentId: Int64?, states: Set<ActionState>) async throws(StoreError) -> [WorkflowAction]

    /// A replacement parcel for a case: a new shipment of the same order, linked in the history.
    func linkReplacement(incidentId: Int64, carrier: String, trackingNumber: String, actor: String, at: Date) async throws(StoreError) -> Shipment

    // MARK: Outbox

    /// Queues a notice; a second one with the same dedupe key is ignored.
    func enqueue(_ notice: NoticeDraft, incidentId: Int64?) async throws(StoreError)

    /// Unsent notices due at `now`, oldest first.
    func dueNotices(now: Date, limit: Int) async throws(StoreError) -> [OutboxNotice]

    /// Marks a notice delivered; its case moves from `open` to `notified` (audited).
    func markNoticeSent(id: Int64, at: Date) async throws(StoreError)

    /// Records a failed delivery and when to try again.
    func markNoticeFailed(id: Int64, error: String, retryAt: Date) async throws(StoreError)

    /// Notices by state, newest first.
    func notices(_ state: NoticeState, limit: Int) async throws(StoreError) -> [OutboxNotice]

    // MARK: Audit

    /// Appends to the audit log.
    func audit(_ entry: AuditEntry) async throws(StoreError)

    /// The newest audit entries first, optionally only those about `subject` (`incident:7`).
    func auditLog(limit: Int, subject: String?) async throws(StoreError) -> [AuditEntry]
}

extension Store {
    /// ``raise(_:plan:notice:at:)`` without a notice.
    public func raise(_ trigger: IncidentTrigger, plan: IncidentPlan, at: Date) async throws(StoreError) -> RaiseOutcome {
        try await raise(trigger, plan: plan, notice: nil, at: at)
    }

    /// The newest audit entries first.
    public func auditLog(limit: Int) async throws(StoreError) -> [AuditEntry] {
        try await auditLog(limit: limit, subject: nil)
    }
}

/// A shipment incident rules look at, with its order.
public struct DetectionCandidate: Sendable, Equatable {
    public var shipment: Shipment
    public var order: Order

    /// Creates a candidate.
    public init(shipment: Shipment, order: Order) {
        self.shipment = shipment
        self.order = order
    }
}

/// A paid order no carrier has yet, with its (label-only) shipments.
public struct OrderCandidate: Sendable, Equatable {
    public var order: Order
    public var shipments: [Shipment]

    /// Creates a candidate.
    public init(order: Order, shipments: [Shipment]) {
        self.order = order
        self.shipments = shipments
    }
}

/// What ``Store/raise(_:plan:at:)`` did.
public enum RaiseOutcome: Sendable, Equatable {
    /// A new case.
    case opened(Incident)
    /// The open case got a new history line (new evidence).
    case retriggered(Int64)
    /// The open case already knew this.
    case unchanged(Int64)
    /// A closed case had exactly this evidence: staff already dealt with it.
    case suppressed
}

/// Which cases to list.
public struct IncidentFilter: Sendable, Equatable {
    public var kinds: Set<IncidentKind> = []
    public var statuses: Set<IncidentStatus> = []
    public var owner: String?
    public var carrier: String?
    public var shipmentId: Int64?
    public var orderId: String?
    /// Only open (not resolved or dismissed) cases.
    public var openOnly = true

    /// Creates a filter; the default lists open cases.
    public init(kinds: Set<IncidentKind> = [], statuses: Set<IncidentStatus> = [], owner: String? = nil, carrier: String? = nil,
                shipmentId: Int64? = nil, orderId: String? = nil, openOnly: Bool = true) {
        self.orderId = orderId
        self.kinds = kinds
        self.statuses = statuses
        self.owner = owner
        self.carrier = carrier
        self.shipmentId = shipmentId
        self.openOnly = openOnly
    }
}

/// A staff action on a case.
public enum IncidentAction: Sendable, Equatable {
    /// Give the case to a staff member.
    case assign(to: String)
    /// Add a note to the history.
    case note(String)
    /// A false alarm, with the reason.
    case dismiss(reason: String)
    /// Done, with what was done.
    case resolve(outcome: String)
}

/// One SLA clock that ran out.
public struct Escalation: Sendable, Equatable, Codable {
    /// The case.
    public var incidentId: Int64
    /// `notice`, `firstTouch` or `resolution`.
    public var clock: String
    /// The deadline that passed.
    public var due: Date
    /// Who owns the case (who is told).
    public var owner: String?

    /// Creates an escalation.
    public init(incidentId: Int64, clock: String, due: Date, owner: String?) {
        self.incidentId = incidentId
        self.clock = clock
        self.due = due
        self.owner = owner
    }
}

/// What `parcelwatch find` found.
public struct FindResult: Sendable, Equatable, Codable {
    public var orders: [Order]
    public var shipments: [Shipment]
    public var incidents: [Incident]

    /// Creates a result.
    public init(orders: [Order], shipments: [Shipment], incidents: [Incident]) {
        self.orders = orders
        self.shipments = shipments
        self.incidents = incidents
    }
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
    /// Only this tracking number (any carrier).
    public var trackingNumber: String?
    /// At most this many.
    public var limit: Int?

    /// Creates a filter; the default lists everything.
    public init(carrier: String? = nil, statuses: Set<TrackingStatus> = [], orderId: String? = nil, trackingNumber: String? = nil, limit: Int? = nil) {
        self.carrier = carrier
        self.statuses = statuses
        self.orderId = orderId
        self.trackingNumber = trackingNumber
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


/// A notice to queue.
public struct NoticeDraft: Sendable, Equatable {
    /// Never two notices with the same key (incident + template, milestone + shipment …).
    public var dedupeKey: String
    /// `email` or `webhook`.
    public var channel: String
    public var recipient: String
    public var subject: String
    public var body: String
    public var language: String
    public var template: String
    /// Not before (quiet hours hold notices until morning).
    public var dueAt: Date

    /// Creates a draft.
    public init(dedupeKey: String, channel: String, recipient: String, subject: String, body: String, language: String, template: String, dueAt: Date) {
        self.dedupeKey = dedupeKey
        self.channel = channel
        self.recipient = recipient
        self.subject = subject
        self.body = body
        self.language = language
        self.template = template
        self.dueAt = dueAt
    }
}

/// A notice in the outbox.
public struct OutboxNotice: Sendable, Equatable, Codable {
    public var id: Int64
    public var dedupeKey: String
    public var channel: String
    public var recipient: String
    public var subject: String
    public var body: String
    public var language: String
    public var template: String
    public var incidentId: Int64?
    public var createdAt: Date
    public var dueAt: Date
    public var sentAt: Date?
    public var attempts: Int
    public var lastError: String?
}

/// Which notices to list.
public enum NoticeState: String, Sendable, CaseIterable {
    /// Not sent yet (due or held).
    case pending
    /// Not sent and at least one attempt failed.
    case failed
    /// Delivered.
    case sent
    /// Everything.
    case all
}
