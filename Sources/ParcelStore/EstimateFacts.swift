import Foundation
import ParcelCore

/// What an estimate needs about a stored shipment besides the shipment itself: its order (postcode,
/// payment, promise) and the times of its first and newest carrier events.
public struct EstimateFacts: Sendable {
    /// The shipment's order.
    public let order: Order
    /// The first event's time (hand-over), nil without events.
    public let firstEventAt: Date?
    /// The newest event's time, nil without events.
    public let lastEventAt: Date?

    /// Facts from their parts.
    public init(order: Order, firstEventAt: Date?, lastEventAt: Date?) {
        self.order = order
        self.firstEventAt = firstEventAt
        self.lastEventAt = lastEventAt
    }

    /// The event times an estimator takes: first and newest.
    public var eventTimes: [Date] { [firstEventAt, lastEventAt].compactMap { $0 } }
}
