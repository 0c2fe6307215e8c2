/// What went wrong (DESIGN.md, "Incidents"); the raw values are the names used in config, JSON,
/// the store and the CLI.
public enum IncidentKind: String, Sendable, Codable, CaseIterable, Hashable {
    /// The carrier says the parcel is damaged.
    case damaged
    /// The carrier says it is lost, or it has not moved in transit for the lost threshold.
    case lost
    /// The carrier says "damaged or lost" (SEUR's "Deterioro o extravío").
    case damagedOrLost
    /// Held by customs.
    case customsHold
    /// The address is wrong or incomplete.
    case addressIssue
    /// A delivery attempt failed.
    case deliveryFailed
    /// On its way back, or back, to the shop.
    case returnedToSender
    /// No new event for the stalled threshold (staff ask the carrier first).
    case stalled
    /// The promised delivery date was not, or cannot be, met.
    case late
    /// Paid, but no carrier has the parcel yet.
    case notDispatched
    /// The carrier is failing or its pages changed: one per carrier, staff only.
    case trackingBroken
    /// The customer told us (not received, damaged on arrival, cancel the order).
    case customerReport

    /// Kinds that are customer-facing unless the config says otherwise.
    public var customerFacingByDefault: Bool {
        self != .stalled && self != .trackingBroken
    }

    /// Higher is more urgent, before the order's value is considered.
    public var basePriority: Int {
        switch self {
        case .lost, .damaged, .damagedOrLost, .customerReport: return 3
        case .notDispatched, .late, .returnedToSender, .addressIssue, .trackingBroken: return 2
        case .customsHold, .deliveryFailed, .stalled: return 1
        }
    }
}

/// Where a case stands. Every transition is recorded with actor, time and reason.
public enum IncidentStatus: String, Sendable, Codable, CaseIterable, Hashable {
    case open, notified, actionProposed, actionTaken, resolved, dismissed

    /// True once the case is over.
    public var isClosed: Bool { self == .resolved || self == .dismissed }
}
