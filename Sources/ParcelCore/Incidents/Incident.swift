import Foundation

/// A case: one problem with one shipment, order or carrier, owned by a staff member, with the
/// deadlines the shop promised itself.
public struct Incident: Sendable, Equatable, Codable {
    /// The store's id.
    public var id: Int64
    /// What went wrong.
    public var kind: IncidentKind
    /// Where the case stands.
    public var status: IncidentStatus
    /// The order concerned (nil for a carrier-wide `trackingBroken`).
    public var orderId: String?
    /// The shipment concerned, when it is about one parcel.
    public var shipmentId: Int64?
    /// The carrier.
    public var carrier: String?
    /// The parcel's tracking number.
    public var trackingNumber: String?
    /// True when the customer is told about it.
    public var customerFacing: Bool
    /// The staff member who owns it.
    public var owner: String?
    /// Higher is more urgent.
    public var priority: Int
    /// One line on what was detected.
    public var summary: String
    /// When it was detected.
    public var detectedAt: Date
    /// The customer must have heard by then (customer-facing kinds only).
    public var noticeDue: Date?
    /// A staff member must have touched it by then.
    public var firstTouchDue: Date
    /// It must be resolved by then.
    public var resolutionDue: Date
    /// When a staff member first acted on it.
    public var firstTouchedAt: Date?
    /// When the customer's notice was delivered.
    public var notifiedAt: Date?
    /// When the customer was promised to hear from the shop next (a follow-up is sent then).
    public var nextUpdateDue: Date?
    /// When it was resolved or dismissed.
    public var closedAt: Date?
    /// SLA clocks already breached and escalated, in the order they were.
    public var breaches: [SLAClock]
    /// What the case was opened on (`status:exception:lost`, `silent since …`, `promised:…`):
    /// the same evidence never reopens a closed case, and evidence that goes closes it.
    public var evidence: String?

    /// Creates an incident record.
    public init(
        id: Int64, kind: IncidentKind, status: IncidentStatus, orderId: String?, shipmentId: Int64?, carrier: String?,
        trackingNumber: String?, customerFacing: Bool, owner: String?, priority: Int, summary: String, detectedAt: Date,
        noticeDue: Date?, firstTouchDue: Date, resolutionDue: Date, firstTouchedAt: Date?, notifiedAt: Date? = nil,
        nextUpdateDue: Date? = nil, closedAt: Date?, breaches: [SLAClock]
    ) {
        self.notifiedAt = notifiedAt
        self.nextUpdateDue = nextUpdateDue
        self.id = id
        self.kind = kind
        self.status = status
        self.orderId = orderId
        self.shipmentId = shipmentId
        self.carrier = carrier
        self.trackingNumber = trackingNumber
        self.customerFacing = customerFacing
        self.owner = owner
        self.priority = priority
        self.summary = summary
        self.detectedAt = detectedAt
        self.noticeDue = noticeDue
        self.firstTouchDue = firstTouchDue
        self.resolutionDue = resolutionDue
        self.firstTouchedAt = firstTouchedAt
        self.closedAt = closedAt
        self.breaches = breaches
    }

    /// The earliest deadline still running, which orders the queue.
    public var nextDeadline: Date {
        var deadlines = [resolutionDue]
        if firstTouchedAt == nil { deadlines.append(firstTouchDue) }
        if let noticeDue, notifiedAt == nil { deadlines.append(noticeDue) }
        return deadlines.min() ?? resolutionDue
    }
}

/// One line of a case's history.
public struct IncidentNote: Sendable, Equatable, Codable {
    /// When.
    public var at: Date
    /// Who (`sweep` for the machine).
    public var actor: String
    /// What kind of entry (`detected`, `retriggered`, `moved`, `delivered`, `assigned`, `note`,
    /// `dismissed`, `resolved`, `escalated`).
    public var action: String
    /// Details.
    public var detail: String

    /// Creates a note.
    public init(at: Date, actor: String, action: String, detail: String) {
        self.at = at
        self.actor = actor
        self.action = action
        self.detail = detail
    }
}

/// A member of the shop's staff: the only people who may act on incidents.
public struct StaffMember: Sendable, Equatable, Codable {
    /// Login-style name (`anna`), used with `--as` and `--to`.
    public var name: String
    /// How the name is shown (`Anna Nowak`).
    public var displayName: String
    /// Where escalations of this member's cases go.
    public var email: String?

    /// Creates a member.
    public init(name: String, displayName: String, email: String? = nil) {
        self.name = name
        self.displayName = displayName
        self.email = email
    }
}
