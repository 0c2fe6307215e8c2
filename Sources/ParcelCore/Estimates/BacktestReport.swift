import Foundation

/// What a ``Backtest`` found: how close each way of estimating came to the real delivery days,
/// and how well the lateRisk warning foretold late parcels.
public struct BacktestReport: Sendable, Hashable, Codable {
    /// A way of estimating.
    public enum Method: String, Sendable, Hashable, Codable, CaseIterable {
        /// The lane model (``LaneModel/estimate(for:now:)``), whatever source it chose.
        case model
        /// The lane model with the carrier's estimate withheld: the history's own worth (falls back
        /// to the promise like the model).
        case lanes
        /// The shop's promised day alone, p50 = p90 = the promise.
        case promise
        /// The carrier's estimate alone, p50 = p90 = its day (parcels that have one).
        case carrier
    }

    /// One method's accuracy over the parcels it could estimate.
    public struct Row: Sendable, Hashable, Codable {
        /// The method.
        public let method: Method
        /// Parcels estimated.
        public let parcels: Int
        /// The share delivered on the p50 day itself.
        public let onDayShare: Double
        /// The share delivered on a day from the p50 day through the p90 day.
        public let windowShare: Double
        /// The mean of |delivery day − p50 day| in business days of the destination.
        public let meanAbsoluteError: Double

        /// A row from its parts.
        public init(method: Method, parcels: Int, onDayShare: Double, windowShare: Double, meanAbsoluteError: Double) {
            self.method = method
            self.parcels = parcels
            self.onDayShare = onDayShare
            self.windowShare = windowShare
            self.meanAbsoluteError = meanAbsoluteError
        }
    }

    /// How the lateRisk warning did against the parcels that really came after their promise.
    public struct LateRisk: Sendable, Hashable, Codable {
        /// Parcels with a promise.
        public let parcels: Int
        /// Of them, those delivered after the promised day.
        public let late: Int
        /// Parcels warned about at least once.
        public let warned: Int
        /// Warned parcels that were late.
        public let warnedAndLate: Int
        /// `warnedAndLate / warned`, nil with no warnings.
        public let precision: Double?
        /// `warnedAndLate / late`, nil with no late parcels.
        public let recall: Double?
        /// The median business days from the first warning to the promised day, over warned late
        /// parcels; nil when there were none.
        public let medianLeadDays: Double?

        /// Figures from their parts.
        public init(parcels: Int, late: Int, warned: Int, warnedAndLate: Int, precision: Double?, recall: Double?, medianLeadDays: Double?) {
            self.parcels = parcels
            self.late = late
            self.warned = warned
            self.warnedAndLate = warnedAndLate
            self.precision = precision
            self.recall = recall
            self.medianLeadDays = medianLeadDays
        }
    }

    /// Parcels replayed.
    public let parcels: Int
    /// Parcels whose model estimate at the first scan came from a lane with at least
    /// ``headlineMinimumParcels`` parcels: the headline's population.
    public let headlineParcels: Int
    /// The lane size the headline requires (30).
    public let headlineMinimumParcels: Int
    /// Model, lanes, promise and carrier over the headline parcels (the promise row over those with a
    /// promise, the carrier row over those with a carrier estimate).
    public let headline: [Row]
    /// The same over every parcel each method could estimate.
    public let all: [Row]
    /// The model's estimates in the headline by source: `carrier`, `lane`, `destination`,
    /// `carrier-lane` (the carrier alone as lane) and `promise`.
    public let headlineSources: [String: Int]
    /// The lateRisk warning, over every parcel with a promise.
    public let lateRisk: LateRisk

    /// A report from its parts.
    public init(
        parcels: Int, headlineParcels: Int, headlineMinimumParcels: Int, headline: [Row], all: [Row], headlineSources: [String: Int], lateRisk: LateRisk
    ) {
        self.parcels = parcels
        self.headlineParcels = headlineParcels
        self.headlineMinimumParcels = headlineMinimumParcels
        self.headline = headline
        self.all = all
        self.headlineSources = headlineSources
        self.lateRisk = lateRisk
    }

    /// The headline row of `method`, nil when it estimated nothing.
    public func headline(_ method: Method) -> Row? { headline.first { $0.method == method } }

    /// A plain-text table of the figures, for people.
    public var text: String {
        func percent(_ value: Double?) -> String { value.map { String(format: "%.1f%%", $0 * 100) } ?? "-" }
        func decimal(_ value: Double?) -> String { value.map { String(format: "%.2f", $0) } ?? "-" }
        var lines = ["backtest: \(parcels) parcels, headline \(headlineParcels) (lanes with n >= \(headlineMinimumParcels))"]
        for (title, rows) in [("headline", headline), ("all", all)] {
            lines.append("\(title): method parcels on-day window MAE")
            for row in rows {
                lines.append(
                    "  \(row.method.rawValue) \(row.parcels) \(percent(row.onDayShare)) \(percent(row.windowShare)) \(decimal(row.meanAbsoluteError))")
            }
        }
        lines.append(
            "lateRisk: \(lateRisk.parcels) promised, \(lateRisk.late) late, \(lateRisk.warned) warned, precision \(percent(lateRisk.precision)),"
                + " recall \(percent(lateRisk.recall)), median lead \(decimal(lateRisk.medianLeadDays)) business days")
        return lines.joined(separator: "\n")
    }
}
