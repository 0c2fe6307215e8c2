import Foundation
import ParcelCore

// Values the store takes and gives for the incident rules' schedule.

/// A parcel whose incident rules are due: its facts, whether any rule still watches it, and the
/// version of those facts the next instant will be written against.
public struct ShipmentRulesDue: Sendable, Equatable {
    /// The parcel and its order.
    public var candidate: DetectionCandidate
    /// False for a delivered or expired parcel or a cancelled order: no rule looks at it.
    public var watched: Bool
    /// The version of the facts read, for ``Store/Cases/schedule(shipments:orders:)``.
    public var version: Int64
    /// Where it stood in the schedule (with its id, the page cursor).
    public var due: Double

    /// Creates a due parcel.
    public init(candidate: DetectionCandidate, watched: Bool, version: Int64, due: Double) {
        self.candidate = candidate
        self.watched = watched
        self.version = version
        self.due = due
    }
}

/// An order whose order-level rules are due (not dispatched, late and never shipped).
public struct OrderRulesDue: Sendable, Equatable {
    /// The order and its parcels.
    public var candidate: OrderCandidate
    /// False for an unpaid or cancelled order: no order rule looks at it.
    public var watched: Bool
    /// The version of the facts read.
    public var version: Int64
    /// Where it stood in the schedule.
    public var due: Double

    /// Creates a due order.
    public init(candidate: OrderCandidate, watched: Bool, version: Int64, due: Double) {
        self.candidate = candidate
        self.watched = watched
        self.version = version
        self.due = due
    }
}

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
