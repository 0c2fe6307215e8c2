/// The `estimates:` section of the shop's settings: how much history the lane model keeps and
/// when a parcel's falling chance of meeting its promise opens a lateRisk case.
///
/// ```yaml
/// estimates:
///   window_days: 90             # days of deliveries the lane model learns from
///   late_risk_threshold: 0.30   # lateRisk opens below this chance of arriving by the promise
/// ```
public struct EstimateSettings: Sendable, Hashable {
    /// Days of delivered parcels the model keeps (default 90, 7 … 730).
    public var windowDays: Int
    /// The chance of meeting the promise below which lateRisk opens (default 0.30, above 0 and
    /// below 1); it clears again at this plus 0.10 (see ``LateRiskRule``).
    public var lateRiskThreshold: Double

    /// Settings; the defaults are the documented ones.
    public init(windowDays: Int = 90, lateRiskThreshold: Double = 0.30) {
        self.windowDays = windowDays
        self.lateRiskThreshold = lateRiskThreshold
    }

    /// The keys of the section.
    static let keys: Set<String> = ["window_days", "late_risk_threshold"]

    /// The lane model's configuration these settings give (its other parts at their defaults).
    public var modelConfiguration: LaneModel.Configuration { LaneModel.Configuration(windowDays: windowDays) }

    /// The lateRisk rule: opens below the threshold, clears at 0.10 above it (at most 1).
    public var lateRiskRule: LateRiskRule { LateRiskRule(threshold: lateRiskThreshold, clearThreshold: min(1, lateRiskThreshold + 0.10)) }

    /// Reads the section over `self`; every error names the field.
    mutating func read(_ section: YAMLField) throws(CarrierFileError) {
        if let days = try section("window_days").wholeNumber(7...730, "days of delivery history") { windowDays = days }
        let thresholdField = section("late_risk_threshold")
        if let text = try thresholdField.text("a chance between 0 and 1 such as 0.30") {
            guard let value = Double(text), value > 0, value < 1 else {
                throw thresholdField.error("'\(text)' is not a chance between 0 and 1 such as 0.30")
            }
            lateRiskThreshold = value
        }
    }
}
