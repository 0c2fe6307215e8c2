/// What went wrong (README, "Incidents"); the raw values are the names used in config, JSON,
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
    /// Early warning: the chance of arriving by the promised day fell below the threshold
    /// (`estimates.late_risk_threshold`) while the parcel can still make it.
    case lateRisk
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

    /// Where the kind stands among the problems one parcel can have, most severe first; nil for
    /// kinds that are not about a parcel's journey (`notDispatched`, `trackingBroken`,
    /// `customerReport`). A parcel has at most one open case of these kinds: a more severe
    /// finding absorbs a lesser one into its history instead of opening beside it.
    ///
    /// The order: a parcel gone (lost, damaged or lost, damaged) is worse than one coming back
    /// (returned), which is worse than one held (customs, address, both needing the customer);
    /// those are the severe ones. The lesser ones follow: a failed attempt (the carrier tries
    /// again), late (a date missed), lateRisk (a date that will probably be missed: a `late`
    /// finding supersedes it), stalled (silence, staff only).
    public var severity: Int? {
        switch self {
        case .lost: return 10
        case .damagedOrLost: return 9
        case .damaged: return 8
        case .returnedToSender: return 7
        case .customsHold: return 6
        case .addressIssue: return 5
        case .deliveryFailed: return 4
        case .late: return 3
        case .lateRisk: return 2
        case .stalled: return 1
        case .notDispatched, .trackingBroken, .customerReport: return nil
        }
    }

    /// True for the severe kinds (lost, damaged, damaged or lost, returned, customs, address).
    public var isSevere: Bool { (severity ?? 0) >= 5 }

    /// The kinds with a severity, most severe first.
    public static let bySeverity: [IncidentKind] = allCases.filter { $0.severity != nil }.sorted { ($0.severity ?? 0) > ($1.severity ?? 0) }

    /// Higher is more urgent, before the order's value is considered.
    public var basePriority: Int {
        switch self {
        case .lost, .damaged, .damagedOrLost, .customerReport: return 3
        case .notDispatched, .late, .returnedToSender, .addressIssue, .trackingBroken: return 2
        case .customsHold, .deliveryFailed, .stalled, .lateRisk: return 1
        }
    }
}

/// Where a case stands. Every transition is recorded with actor, time and reason.
public enum IncidentStatus: String, Sendable, Codable, CaseIterable, Hashable {
    case open, notified, actionProposed, actionTaken, resolved, dismissed
    /// Closed by itself: its evidence went (the parcel moved again, arrived, or was first scanned).
    case resolvedByCarrier
    /// Closed into a more severe case about the same parcel, whose history now carries it.
    case absorbed

    /// True once the case is over.
    public var isClosed: Bool { [.resolved, .dismissed, .resolvedByCarrier, .absorbed].contains(self) }
}
