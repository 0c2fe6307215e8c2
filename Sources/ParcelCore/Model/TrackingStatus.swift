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

    /// True while the parcel is still coming to the customer, so that a date for it means
    /// something: from `pending` to `attemptFailed`. Not once delivered, and not in an exception
    /// (damaged, lost, held), on its way back or expired: what the customer hears then is the case
    /// and what the shop does about it, never a delivery day. The order story's lines and every
    /// estimate follow this one rule, so the two cannot disagree.
    public var isComing: Bool {
        switch self {
        case .pending, .infoReceived, .inTransit, .outForDelivery, .availableForPickup, .attemptFailed: return true
        case .delivered, .exception, .returning, .returned, .expired, .unknown: return false
        }
    }
}

/// Why a shipment is in `exception`.
public enum ExceptionReason: String, Sendable, Codable, CaseIterable, Hashable {
    case damaged, lost, damagedOrLost, customsHold, addressIssue, refused, delayed, other
}
