import Foundation

/// Lanes over time, week by week: what the console's Lanes charts draw.
///
/// From a bounded window of deliveries (the last ``weeks`` weeks up to a day) it computes
///
/// - per lane, the weekly p50 and p90 transit in business days: the busiest
///   ``LaneKey/Level/destination`` lanes (carrier and destination country) and every carrier
///   (``LaneKey/Level/carrier``). A destination lane that holds every parcel of its carrier in the
///   window is left out: its line would be the carrier's line drawn twice.
/// - per carrier, the weekly on-time rate: deliveries on or before their promised day out of those
///   with a promise.
///
/// A delivery belongs to the week (Monday to Sunday) of its UTC day of delivery, the day
/// ``LaneModel`` keeps it under, so the charts and the lanes table count the same parcels.
/// Quantiles are ``TransitDistribution``'s. A week with fewer than ``minimumWeekParcels``
/// parcels (or promises, for the on-time rate) has no value: one or two parcels make a p90 that
/// jumps by days and would draw a trend that is not there.
public struct LaneTimeline: Sendable, Hashable, Codable {
    /// One week of one lane.
    public struct TransitPoint: Sendable, Hashable, Codable {
        /// The Monday the week starts on.
        public let week: CivilDate
        /// Parcels delivered in the week.
        public let parcels: Int
        /// Median transit in business days; nil when the week has too few parcels.
        public let p50: Int?
        /// 90th percentile transit in business days; nil when the week has too few parcels.
        public let p90: Int?
    }

    /// One lane's weeks, oldest first, one point for each of ``LaneTimeline/weeks``.
    public struct LaneSeries: Sendable, Hashable, Codable {
        /// The lane (destination or carrier level).
        public let key: LaneKey
        /// Parcels in the whole window.
        public let parcels: Int
        /// The weeks.
        public let points: [TransitPoint]
    }

    /// One week of one carrier's promises.
    public struct OnTimePoint: Sendable, Hashable, Codable {
        /// The Monday the week starts on.
        public let week: CivilDate
        /// Deliveries in the week that had a promised day.
        public let promised: Int
        /// Those that came on or before it.
        public let onTime: Int
        /// `onTime / promised`; nil when the week has too few promises.
        public let rate: Double?
    }

    /// One carrier's weeks, oldest first, one point for each of ``LaneTimeline/weeks``.
    public struct CarrierSeries: Sendable, Hashable, Codable {
        /// The carrier id.
        public let carrier: String
        /// Deliveries with a promise in the whole window.
        public let promised: Int
        /// The weeks.
        public let points: [OnTimePoint]
    }

    /// The Mondays of the weeks shown, oldest first; the last is the week of `now`.
    public let weeks: [CivilDate]
    /// The transit series: the busiest destination lanes by parcels, then every carrier, each
    /// group by parcels (most first) then key.
    public let lanes: [LaneSeries]
    /// The on-time series, one per carrier with a promised delivery, by promises (most first) then id.
    public let onTime: [CarrierSeries]
    /// Parcels below which a week has no value.
    public let minimumWeekParcels: Int

    /// The timeline of `parcels` over the `weeks` weeks (at least 1) ending with the week of
    /// `now`'s UTC day; deliveries outside those weeks, or with a first scan after delivery (as
    /// ``LaneModel/record(_:)`` refuses them), are ignored. `topLanes` destination lanes at most.
    /// O(parcels + series × weeks × ``TransitDistribution/maximumDays``).
    public init(parcels: [DeliveredParcel], now: Date, weeks: Int = 12, topLanes: Int = 6, minimumWeekParcels: Int = 5) {
        let count = max(1, weeks)
        let today = LaneModel.utcDay(now)
        let thisMonday = CivilDate(daysSince1970: today).adding(days: 1 - CivilDate(daysSince1970: today).weekday)
        let mondays = (0..<count).map { thisMonday.adding(days: 7 * ($0 - count + 1)) }
        let first = mondays[0].daysSince1970
        self.weeks = mondays
        self.minimumWeekParcels = max(1, minimumWeekParcels)

        // Per lane id and week index, a distribution of that week's deliveries.
        var byLane: [String: (key: LaneKey, weeks: [TransitDistribution])] = [:]
        for parcel in parcels where parcel.firstScanAt <= parcel.deliveredAt {
            let day = LaneModel.utcDay(parcel.deliveredAt)
            guard day >= first, day <= today else { continue }
            let index = (day - first) / 7
            let finest = parcel.laneKey
            for key in [finest.backedOff(to: .destination), finest.backedOff(to: .carrier)] {
                var entry = byLane[key.description] ?? (key: key, weeks: Array(repeating: TransitDistribution(), count: count))
                entry.weeks[index].add(transit: parcel.transitBusinessDays, day: day, onTime: parcel.metPromise)
                byLane[key.description] = entry
            }
        }
        let minimum = self.minimumWeekParcels
        func total(_ weeks: [TransitDistribution]) -> Int { weeks.reduce(0) { $0 + $1.total } }
        func series(_ key: LaneKey, _ weeks: [TransitDistribution]) -> LaneSeries {
            let points = zip(mondays, weeks).map { monday, week in
                let enough = week.total >= minimum
                return TransitPoint(week: monday, parcels: week.total, p50: enough ? week.quantile(0.5) : nil, p90: enough ? week.quantile(0.9) : nil)
            }
            return LaneSeries(key: key, parcels: total(weeks), points: points)
        }
        func busiestFirst(_ a: LaneSeries, _ b: LaneSeries) -> Bool {
            a.parcels != b.parcels ? a.parcels > b.parcels : a.key.description < b.key.description
        }
        let carriers = byLane.values.filter { $0.key.level == .carrier }.map { series($0.key, $0.weeks) }.sorted(by: busiestFirst)
        let carrierTotals = Dictionary(uniqueKeysWithValues: carriers.map { ($0.key.carrier, $0.parcels) })
        let destinations = byLane.values.filter { $0.key.level == .destination }.map { series($0.key, $0.weeks) }
            .filter { $0.parcels < carrierTotals[$0.key.carrier] ?? 0 }.sorted(by: busiestFirst).prefix(max(0, topLanes))
        lanes = Array(destinations) + carriers

        onTime = byLane.values.filter { $0.key.level == .carrier }.compactMap { entry -> CarrierSeries? in
            let promised = entry.weeks.reduce(0) { $0 + $1.promised }
            guard promised > 0 else { return nil }
            let points = zip(mondays, entry.weeks).map { monday, week in
                OnTimePoint(week: monday, promised: week.promised, onTime: week.onTime, rate: week.promised >= minimum ? week.onTimeRate : nil)
            }
            return CarrierSeries(carrier: entry.key.carrier, promised: promised, points: points)
        }.sorted { $0.promised != $1.promised ? $0.promised > $1.promised : $0.carrier < $1.carrier }
    }

    /// The first UTC day (days since 1970) of the window: the deliveries a caller must pass, at least.
    public var firstDay: Int { weeks.first?.daysSince1970 ?? 0 }
}
