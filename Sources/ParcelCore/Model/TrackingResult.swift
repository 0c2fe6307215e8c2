import Foundation

/// What one carrier answer says about one parcel: its events oldest first and the status they
/// add up to.
public struct TrackingResult: Sendable, Equatable {
    /// The carrier id.
    public var carrier: String
    /// The tracking number as the carrier echoes it (or as asked).
    public var trackingNumber: String
    /// Events, oldest first.
    public var events: [TrackingEvent]
    /// The carrier's promised delivery date, where it gives one.
    public var estimatedDelivery: CarrierTime?
    /// Events left out because their time was empty or impossible (one bad line must not lose
    /// the page); each is described in ``skipReasons``.
    public var skippedEvents: Int { skipReasons.count }
    /// Why each skipped event was left out.
    public var skipReasons: [String]
    /// The source that answered (`official`, `public`).
    public var source: String?

    /// Creates a result; events are put oldest first (ties keep the carrier's order of
    /// occurrence).
    public init(
        carrier: String, trackingNumber: String, events: [TrackingEvent], estimatedDelivery: CarrierTime? = nil,
        skipReasons: [String] = [], source: String? = nil
    ) {
        self.skipReasons = skipReasons
        self.source = source
        self.carrier = carrier
        self.trackingNumber = trackingNumber
        self.events = events.enumerated().sorted { lhs, rhs in
            lhs.element.time.date != rhs.element.time.date ? lhs.element.time.date < rhs.element.time.date : lhs.offset < rhs.offset
        }.map(\.element)
        self.estimatedDelivery = estimatedDelivery
    }

    /// The newest event whose status is known: it decides the shipment's status.
    public var decidingEvent: TrackingEvent? {
        events.last { $0.status != .unknown }
    }

    /// The shipment's status: that of the newest mapped event, `pending` when there is none.
    public var status: TrackingStatus { decidingEvent?.status ?? .pending }

    /// The exception reason of the deciding event.
    public var reason: ExceptionReason? { decidingEvent?.reason }

    /// Events no rule maps.
    public var unmapped: [TrackingEvent] { events.filter { $0.status == .unknown } }
}
