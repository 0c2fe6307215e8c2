/// The canonical status of a shipment or one of its events.
///
/// `unknown` exists only on events whose raw status no carrier rule maps: such events are kept
/// and reported, but never decide a shipment's status.
public enum TrackingStatus: String, Sendable, Codable, CaseIterable, Hashable {
    /// No carrier data yet.
    case pending
    /// Label created, not handed over.
    case infoReceived
    /// Moving through the carrier's network.
    case inTransit
    /// On the vehicle for delivery today.
    case outForDelivery
    /// Waiting at a pickup point, locker or post office.
    case availableForPickup
    /// A delivery attempt failed.
    case attemptFailed
    /// Delivered.
    case delivered
    /// Something went wrong; see ``ExceptionReason``.
    case exception
    /// On its way back to the sender.
    case returning
    /// Back with the sender.
    case returned
    /// The carrier stopped tracking without a delivery.
    case expired
    /// An event whose raw status no rule maps (events only).
    case unknown

    /// True for statuses after which the carrier will say nothing more.
    public var isTerminal: Bool {
        self == .delivered || self == .returned || self == .expired
    }
}

/// Why a shipment is in `exception`.
public enum ExceptionReason: String, Sendable, Codable, CaseIterable, Hashable {
    case damaged, lost, damagedOrLost, customsHold, addressIssue, refused, delayed, other
}
