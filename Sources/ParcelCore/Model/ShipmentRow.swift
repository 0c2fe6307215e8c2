import Foundation

/// One shipment as scripts see it: a line of `parcelwatch shipments --json` and of
/// `GET /api/shipments`, times as ISO-8601 UTC.
public struct ShipmentRow: Sendable, Equatable, Codable {
    /// The carrier id (`seur`).
    public var carrier: String
    /// The tracking number.
    public var trackingNumber: String
    /// The shop's order.
    public var orderId: String
    /// The canonical status (`inTransit`).
    public var status: String
    /// Why, for an exception (`damagedOrLost`).
    public var reason: String?
    /// The newest carrier event's time.
    public var lastEventAt: String?
    /// When the sweep asks the carrier next (nil: never again).
    public var nextCheckAt: String?
    /// When the carrier was last asked.
    public var lastCheckedAt: String?
    /// Failed checks in a row.
    public var consecutiveFailures: Int
    /// The last failed check's error.
    public var lastError: String?

    /// Creates a row from its values.
    public init(
        carrier: String, trackingNumber: String, orderId: String, status: String, reason: String?, lastEventAt: String?,
        nextCheckAt: String?, lastCheckedAt: String?, consecutiveFailures: Int, lastError: String?
    ) {
        self.carrier = carrier
        self.trackingNumber = trackingNumber
        self.orderId = orderId
        self.status = status
        self.reason = reason
        self.lastEventAt = lastEventAt
        self.nextCheckAt = nextCheckAt
        self.lastCheckedAt = lastCheckedAt
        self.consecutiveFailures = consecutiveFailures
        self.lastError = lastError
    }

    /// The row of a stored shipment.
    public init(_ shipment: Shipment) {
        self.init(
            carrier: shipment.carrier, trackingNumber: shipment.trackingNumber, orderId: shipment.orderId, status: shipment.status.rawValue,
            reason: shipment.reason?.rawValue, lastEventAt: shipment.lastEventAt.map(ISOTime.utc), nextCheckAt: shipment.nextCheckAt.map(ISOTime.utc),
            lastCheckedAt: shipment.lastCheckedAt.map(ISOTime.utc), consecutiveFailures: shipment.consecutiveFailures, lastError: shipment.lastError)
    }

    /// Every key, `null` ones too: scripts see the same fields on every row.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(carrier, forKey: .carrier)
        try container.encode(trackingNumber, forKey: .trackingNumber)
        try container.encode(orderId, forKey: .orderId)
        try container.encode(status, forKey: .status)
        try container.encode(reason, forKey: .reason)
        try container.encode(lastEventAt, forKey: .lastEventAt)
        try container.encode(nextCheckAt, forKey: .nextCheckAt)
        try container.encode(lastCheckedAt, forKey: .lastCheckedAt)
        try container.encode(consecutiveFailures, forKey: .consecutiveFailures)
        try container.encode(lastError, forKey: .lastError)
    }

    enum CodingKeys: String, CodingKey {
        case carrier, trackingNumber, orderId, status, reason, lastEventAt, nextCheckAt, lastCheckedAt, consecutiveFailures, lastError
    }
}
