/// The early warning: a parcel is at risk of being late when its chance of arriving by the
/// promised day drops below a threshold while it can still make it.
///
/// - Opens when ``DeliveryEstimate/probabilityByPromise`` is below ``threshold`` (default 0.30)
///   and the promised day is today or later.
/// - Once open it stays open until the chance climbs to ``clearThreshold`` (default 0.40) or more:
///   the gap keeps a chance wavering around 30% from opening and clearing the warning day after day.
/// - It also ends when the promised day has passed: the parcel is then late, which is another
///   incident's business, not a risk.
/// - No probability (no promise, or no lane behind the estimate) never opens it and clears it.
public struct LateRiskRule: Sendable, Hashable, Codable {
    /// Below this chance a warning opens.
    public let threshold: Double
    /// At or above this chance an open warning clears (never below ``threshold``).
    public let clearThreshold: Double

    /// A rule; `clearThreshold` below `threshold` is raised to it (no hysteresis).
    public init(threshold: Double = 0.30, clearThreshold: Double = 0.40) {
        self.threshold = threshold
        self.clearThreshold = max(threshold, clearThreshold)
    }

    /// Whether lateRisk applies given `estimate`, when it did (`wasAtRisk`) or did not at the previous look.
    public func isAtRisk(_ estimate: DeliveryEstimate, wasAtRisk: Bool = false) -> Bool {
        guard let promised = estimate.promisedDate, let probability = estimate.probabilityByPromise, promised >= estimate.today else {
            return false
        }
        return probability < (wasAtRisk ? clearThreshold : threshold)
    }
}
