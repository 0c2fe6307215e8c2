import Foundation

/// One parcel of an order with one carrier, and what Parcelwatch last learned about it.
public struct Shipment: Sendable, Equatable, Codable {
    /// The store's id.
    public var id: Int64
    /// The order it belongs to.
    public var orderId: String
    /// The carrier id.
    public var carrier: String
    /// The tracking number, normalised.
    public var trackingNumber: String
    /// Status from the newest mapped event (`pending` before any).
    public var status: TrackingStatus
    /// The exception reason, with `exception`.
    public var reason: ExceptionReason?
    /// When the newest event happened.
    public var lastEventAt: Date?
    /// When the sweep should look again; nil once terminal.
    public var nextCheckAt: Date?
    /// When a sweep last asked the carrier.
    public var lastCheckedAt: Date?
    /// The carrier's validators from the last full answer, for conditional GET.
    public var etag: String?
    /// See ``etag``.
    public var lastModified: String?
    /// Failed checks in a row (unreachable, HTTP errors, unreadable pages).
    public var consecutiveFailures: Int
    /// The last failure's kind and sentence, for staff.
    public var lastError: String?
    /// The carrier's promised delivery, where it gives one.
    public var estimatedDelivery: Date?
    /// The shop's promise for this parcel when it is not the order's: a replacement's own
    /// (`YYYY-MM-DD`, the shop's calendar).
    public var promisedDate: String?
    /// The parcel this one replaces, for a replacement.
    public var replacesShipmentId: Int64?

    /// The promise lateness is judged against: the parcel's own, else (for an original parcel)
    /// the order's; a replacement without its own promise is never late.
    public func promise(order: Order) -> String? {
        promisedDate ?? (replacesShipmentId == nil ? order.promisedDate : nil)
    }

    /// Creates a shipment record.
    public init(
        id: Int64, orderId: String, carrier: String, trackingNumber: String, status: TrackingStatus = .pending,
        reason: ExceptionReason? = nil, lastEventAt: Date? = nil, nextCheckAt: Date? = nil, lastCheckedAt: Date? = nil,
        etag: String? = nil, lastModified: String? = nil, consecutiveFailures: Int = 0, lastError: String? = nil,
        estimatedDelivery: Date? = nil
    ) {
        self.id = id
        self.orderId = orderId
        self.carrier = carrier
        self.trackingNumber = trackingNumber
        self.status = status
        self.reason = reason
        self.lastEventAt = lastEventAt
        self.nextCheckAt = nextCheckAt
        self.lastCheckedAt = lastCheckedAt
        self.etag = etag
        self.lastModified = lastModified
        self.consecutiveFailures = consecutiveFailures
        self.lastError = lastError
        self.estimatedDelivery = estimatedDelivery
    }
}
