import Foundation
import ParcelCore

// Values the store takes and gives for the incident rules' schedule.

/// A parcel or order whose incident rules are due: its facts, whether any rule still watches it,
/// and the version of those facts the next instant will be written against.
public struct RulesDue<Candidate: Sendable & Equatable>: Sendable, Equatable {
    /// The parcel with its order, or the order with its parcels.
    public var candidate: Candidate
    /// False when no rule looks at it: a delivered or expired parcel, an unpaid or cancelled order.
    public var watched: Bool
    /// The version of the facts read, for ``Store/Cases/schedule(shipments:orders:)``.
    public var version: Int64
    /// Where it stood in the schedule (with its id, the page cursor).
    public var due: Double

    /// Creates a due row.
    public init(candidate: Candidate, watched: Bool, version: Int64, due: Double) {
        self.candidate = candidate
        self.watched = watched
        self.version = version
        self.due = due
    }
}

/// A parcel whose rules are due, with its order.
public typealias ShipmentRulesDue = RulesDue<DetectionCandidate>
/// An order whose order-level rules (not dispatched, late and never shipped) are due.
public typealias OrderRulesDue = RulesDue<OrderCandidate>

/// When a parcel's or order's rules next need a look, computed from the facts of `version`.
public struct RulesNext<ID: Sendable & Equatable>: Sendable, Equatable {
    /// The shipment id or order id.
    public var id: ID
    /// The version the instant was computed from; a row changed since keeps its "due now".
    public var version: Int64
    /// The instant, or nil when time alone will never add a trigger.
    public var next: Date?

    /// Creates a schedule entry.
    public init(id: ID, version: Int64, next: Date?) {
        self.id = id
        self.version = version
        self.next = next
    }
}
