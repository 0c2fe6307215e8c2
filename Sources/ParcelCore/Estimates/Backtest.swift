import Foundation

/// Replays a delivery history in time order and scores the estimates the lane model would have
/// given, each from only what was known at the time.
///
/// Every parcel is estimated at its first scan by a model holding exactly the deliveries before
/// that instant, and that estimate is scored against the real delivery day beside the promise
/// alone and the carrier's estimate alone. For the lateRisk warning a parcel with a promise is
/// looked at again every 24 hours after its first scan until it is delivered or its promised day
/// has passed; the first look that opens the warning counts.
///
/// The history holds the carrier's *last* estimate before delivery only, so the replay gives the
/// model that estimate from the first scan on: it flatters the carrier's estimate (and the model
/// where it uses it) a little.
public struct Backtest: Sendable {
    /// The model's configuration.
    public var configuration: LaneModel.Configuration
    /// The lateRisk rule.
    public var rule: LateRiskRule
    /// The lane size a parcel's estimate needs to count in the headline (default 30).
    public var headlineMinimumParcels: Int

    /// A backtest; the defaults are the model's, the rule's, and 30.
    public init(configuration: LaneModel.Configuration = LaneModel.Configuration(), rule: LateRiskRule = LateRiskRule(), headlineMinimumParcels: Int = 30) {
        self.configuration = configuration
        self.rule = rule
        self.headlineMinimumParcels = headlineMinimumParcels
    }

    /// A look at one parcel: which parcel, when, and whether it is the first-scan estimate.
    private struct Look {
        /// The instant.
        let time: Date
        /// The parcel's index in the sorted history.
        let parcel: Int
        /// Whether this is the look at the first scan.
        let first: Bool
    }

    /// Sums of one method's errors.
    private struct Tally {
        /// Parcels counted.
        var parcels = 0
        /// Delivered on the p50 day.
        var onDay = 0
        /// Delivered in [p50, p90].
        var inWindow = 0
        /// Sum of |error| in business days.
        var absoluteError = 0

        /// Counts one parcel delivered on `delivered` against the window `p50`…`p90`.
        mutating func add(p50: CivilDate, p90: CivilDate, delivered: CivilDate, calendar: BusinessCalendar) {
            parcels += 1
            if delivered == p50 { onDay += 1 }
            if delivered >= p50 && delivered <= p90 { inWindow += 1 }
            absoluteError +=
                delivered >= p50 ? calendar.businessDays(after: p50, through: delivered) : calendar.businessDays(after: delivered, through: p50)
        }

        /// The row, nil when nothing was counted.
        func row(_ method: BacktestReport.Method) -> BacktestReport.Row? {
            guard parcels > 0 else { return nil }
            let n = Double(parcels)
            return BacktestReport.Row(
                method: method, parcels: parcels, onDayShare: Double(onDay) / n, windowShare: Double(inWindow) / n,
                meanAbsoluteError: Double(absoluteError) / n)
        }
    }

    /// Replays `history` (any order) and reports.
    public func run(_ history: [DeliveredParcel]) -> BacktestReport {
        let parcels = history.sorted { ($0.firstScanAt, $0.id) < ($1.firstScanAt, $1.id) }
        let deliveries = parcels.indices.sorted { (parcels[$0].deliveredAt, parcels[$0].id) < (parcels[$1].deliveredAt, parcels[$1].id) }
        var looks: [Look] = []
        looks.reserveCapacity(parcels.count * 4)
        for (index, parcel) in parcels.enumerated() {
            looks.append(Look(time: parcel.firstScanAt, parcel: index, first: true))
            guard let promised = parcel.promisedDate else { continue }
            let zone = CountryZone.zone(parcel.destinationCountry)
            var time = parcel.firstScanAt.addingTimeInterval(86_400)
            while time < parcel.deliveredAt, CivilDate(time, in: zone) <= promised {
                looks.append(Look(time: time, parcel: index, first: false))
                time = time.addingTimeInterval(86_400)
            }
        }
        looks.sort { ($0.time, $0.parcel) < ($1.time, $1.parcel) }

        var model = LaneModel(configuration: configuration)
        var nextDelivery = 0
        // Indexed like BacktestReport.Method.allCases: model, lanes, promise, carrier.
        var headline = [Tally(), Tally(), Tally(), Tally()]
        var all = [Tally(), Tally(), Tally(), Tally()]
        var sources: [String: Int] = [:]
        var atRisk = Array(repeating: false, count: parcels.count)
        var warnedOn: [CivilDate?] = Array(repeating: nil, count: parcels.count)
        for look in looks {
            // Only deliveries strictly before the look are known.
            while nextDelivery < deliveries.count, parcels[deliveries[nextDelivery]].deliveredAt < look.time {
                model.record(parcels[deliveries[nextDelivery]])
                nextDelivery += 1
            }
            model.advance(to: look.time)
            let parcel = parcels[look.parcel]
            let seen = InFlightParcel(parcel)
            guard let estimate = model.estimate(for: seen, now: look.time) else { continue }
            if rule.isAtRisk(estimate, wasAtRisk: atRisk[look.parcel]) {
                if warnedOn[look.parcel] == nil { warnedOn[look.parcel] = estimate.today }
                atRisk[look.parcel] = true
            } else {
                atRisk[look.parcel] = false
            }
            guard look.first else { continue }
            let calendar = CountryZone.calendar(parcel.destinationCountry)
            let delivered = parcel.deliveredDay
            let inHeadline = estimate.lane != nil && estimate.confidence >= headlineMinimumParcels
            all[0].add(p50: estimate.p50, p90: estimate.p90, delivered: delivered, calendar: calendar)
            if inHeadline {
                headline[0].add(p50: estimate.p50, p90: estimate.p90, delivered: delivered, calendar: calendar)
                sources[Self.sourceName(estimate.source), default: 0] += 1
            }
            var withheld = seen
            withheld.carrierEstimate = nil
            if let lanes = parcel.carrierEstimate == nil ? estimate : model.estimate(for: withheld, now: look.time) {
                all[1].add(p50: lanes.p50, p90: lanes.p90, delivered: delivered, calendar: calendar)
                if inHeadline { headline[1].add(p50: lanes.p50, p90: lanes.p90, delivered: delivered, calendar: calendar) }
            }
            if let promised = parcel.promisedDate {
                all[2].add(p50: promised, p90: promised, delivered: delivered, calendar: calendar)
                if inHeadline { headline[2].add(p50: promised, p90: promised, delivered: delivered, calendar: calendar) }
            }
            if let claimed = parcel.carrierEstimate {
                all[3].add(p50: claimed, p90: claimed, delivered: delivered, calendar: calendar)
                if inHeadline { headline[3].add(p50: claimed, p90: claimed, delivered: delivered, calendar: calendar) }
            }
        }

        var promisedCount = 0
        var late = 0
        var warned = 0
        var warnedAndLate = 0
        var leads: [Int] = []
        for (index, parcel) in parcels.enumerated() {
            guard let promised = parcel.promisedDate else { continue }
            promisedCount += 1
            let isLate = parcel.deliveredDay > promised
            if isLate { late += 1 }
            guard let warning = warnedOn[index] else { continue }
            warned += 1
            if isLate {
                warnedAndLate += 1
                leads.append(CountryZone.calendar(parcel.destinationCountry).businessDays(after: warning, through: promised))
            }
        }
        leads.sort()
        let median: Double? =
            leads.isEmpty ? nil : leads.count % 2 == 1 ? Double(leads[leads.count / 2]) : Double(leads[leads.count / 2 - 1] + leads[leads.count / 2]) / 2
        let lateRisk = BacktestReport.LateRisk(
            parcels: promisedCount, late: late, warned: warned, warnedAndLate: warnedAndLate,
            precision: warned > 0 ? Double(warnedAndLate) / Double(warned) : nil, recall: late > 0 ? Double(warnedAndLate) / Double(late) : nil,
            medianLeadDays: median)
        let methods = BacktestReport.Method.allCases
        return BacktestReport(
            parcels: parcels.count, headlineParcels: headline[0].parcels, headlineMinimumParcels: headlineMinimumParcels,
            headline: zip(methods, headline).compactMap { $1.row($0) }, all: zip(methods, all).compactMap { $1.row($0) }, headlineSources: sources,
            lateRisk: lateRisk)
    }

    /// A source's name in ``BacktestReport/headlineSources``.
    private static func sourceName(_ source: DeliveryEstimate.Source) -> String {
        switch source {
        case .carrier: return "carrier"
        case .promise: return "promise"
        case .lane(.lane, _): return "lane"
        case .lane(.destination, _): return "destination"
        case .lane(.carrier, _): return "carrier-lane"
        }
    }
}
