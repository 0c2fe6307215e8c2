/// One lane in the lanes report: how many parcels, how long they took, how often the promise held,
/// and whether the lane is getting slower.
public struct LaneSummary: Sendable, Hashable, Codable {
    /// The lane.
    public let key: LaneKey
    /// Delivered parcels in the window.
    public let parcels: Int
    /// Median transit, business days.
    public let p50: Int
    /// 90th percentile transit, business days.
    public let p90: Int
    /// Mean transit over the window, business days.
    public let mean: Double
    /// The share of parcels with a promise that came on or before it; nil when none had one.
    public let onTimeRate: Double?
    /// Parcels delivered in the last ``LaneModel/Configuration/trendDays`` days.
    public let recentParcels: Int
    /// Their mean transit, nil when there were none.
    public let recentMean: Double?
    /// `recentMean − mean` in business days: positive when the lane is getting slower. Nil when the
    /// recent days hold fewer than ``LaneModel/Configuration/minimumTrendParcels`` parcels, too few
    /// to tell. A mean rather than the p50 because whole-day medians move in steps and hide a
    /// half-day slowdown.
    public let trend: Double?

    /// A summary from its parts.
    public init(
        key: LaneKey, parcels: Int, p50: Int, p90: Int, mean: Double, onTimeRate: Double?, recentParcels: Int, recentMean: Double?, trend: Double?
    ) {
        self.key = key
        self.parcels = parcels
        self.p50 = p50
        self.p90 = p90
        self.mean = mean
        self.onTimeRate = onTimeRate
        self.recentParcels = recentParcels
        self.recentMean = recentMean
        self.trend = trend
    }
}
