import Foundation
import ParcelCore

// Values the store takes and gives for incidents and their search.

/// A shipment incident rules look at, with its order.
public typealias DetectionCandidate = DueShipment

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
    /// An open, more severe case about the same parcel took the finding into its history.
    case absorbed(Int64)
}

/// Which cases to list, in which order, from where.
public struct IncidentFilter: Sendable, Equatable {
    public var kinds: Set<IncidentKind> = []
    public var statuses: Set<IncidentStatus> = []
    public var owner: String?
    public var carrier: String?
    public var shipmentId: Int64?
    public var orderId: String?
    /// Only open (not resolved or dismissed) cases.
    public var openOnly = true
    /// Only open cases with a deadline already passed at this time (`incidents --overdue`).
    public var overdueAt: Date?
    /// The order of the list.
    public var order: IncidentOrder = .opened
    /// Only cases after this one in ``order``: a page goes on where the last one ended.
    public var after: IncidentPosition?
    /// At most this many.
    public var limit: Int?

    /// Creates a filter; the default lists open cases by id.
    public init(
        kinds: Set<IncidentKind> = [], statuses: Set<IncidentStatus> = [], owner: String? = nil, carrier: String? = nil,
        shipmentId: Int64? = nil, orderId: String? = nil, openOnly: Bool = true, overdueAt: Date? = nil, order: IncidentOrder = .opened,
        after: IncidentPosition? = nil, limit: Int? = nil
    ) {
        self.orderId = orderId
        self.kinds = kinds
        self.statuses = statuses
        self.owner = owner
        self.carrier = carrier
        self.shipmentId = shipmentId
        self.openOnly = openOnly
        self.overdueAt = overdueAt
        self.order = order
        self.after = after
        self.limit = limit
    }
}

/// The order cases are listed in; each is total (ties broken by id), so pages never overlap.
public enum IncidentOrder: Sendable, Equatable {
    /// By id: the order they were opened in (only the id of ``IncidentFilter/after`` counts).
    case opened
    /// The staff queue: next deadline first, then the highest priority, then id.
    case queue
}

extension Incident {
    /// Where this case stands in the queue, for ``IncidentFilter/after``.
    public var queuePosition: IncidentPosition {
        IncidentPosition(deadline: nextDeadline.timeIntervalSince1970, priority: priority, id: id)
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
    /// The clock that ran out.
    public var clock: SLAClock
    /// The deadline that passed.
    public var due: Date
    /// Who owns the case (who is told).
    public var owner: String?

    /// Creates an escalation.
    public init(incidentId: Int64, clock: SLAClock, due: Date, owner: String?) {
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

/// What closing a case the carrier resolved did.
public enum CarrierResolution: Sendable, Equatable {
    /// Closed as `resolvedByCarrier` (with a good-news notice when the customer had been told).
    case closed
    /// Left open: an action is pending or done; staff were told once.
    case flagged
    /// Nothing to do (already closed, or already flagged).
    case unchanged
}
