import Foundation

/// An open case whose evidence may have gone, with what the store knows of its parcel and order.
public struct CaseReview: Sendable {
    /// The kinds whose evidence can go by itself: the parcel moves again, arrives, or is scanned.
    public static let kinds: [IncidentKind] = [.stalled, .late, .lateRisk, .lost, .deliveryFailed, .notDispatched, .customsHold, .addressIssue]

    public var incident: Incident
    public var order: Order?
    /// The case's parcel, for parcel cases.
    public var shipment: Shipment?
    /// The order's parcels, for `notDispatched`.
    public var orderShipments: [Shipment]

    /// Creates a review.
    public init(incident: Incident, order: Order?, shipment: Shipment?, orderShipments: [Shipment]) {
        self.incident = incident
        self.order = order
        self.shipment = shipment
        self.orderShipments = orderShipments
    }
}
