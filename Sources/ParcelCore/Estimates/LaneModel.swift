import Foundation

/// The shop's own delivery history, kept as transit distributions per lane, and the estimates it
/// gives: pure, incremental, and persisted as JSON.
///
/// - Transit: for every lane (``LaneKey``) and its coarser back-off keys, how many business days
///   parcels took from the first scan to delivery, over a window of recent days
///   (``Configuration/windowDays``) so that a carrier getting slower shows.
/// - Shop processing: business days from payment to the first scan, per weekday of payment, so
///   that the promises the shop itself breaks are visible.
///
/// ``record(_:)`` costs O(1) per delivery (three lanes and one weekday get a count); moving the
/// window on to a new day drops the oldest day of every lane, O(lanes × 31) once a day.
/// ``estimate(for:now:)`` is O(1): three dictionary look-ups and a pass over 31 buckets.
///
/// The window is counted in UTC days of delivery: a delivery counts while its day is one of the
/// last ``Configuration/windowDays`` days up to the newest instant the model has seen (the newest
/// delivery, or ``advance(to:)``).
public struct LaneModel: Sendable, Codable {
    /// How the model learns and when it backs off.
    public struct Configuration: Sendable, Hashable, Codable {
        /// Days of history kept (default 90): long enough to fill the lanes of a small shop, short
        /// enough that a carrier slowing down moves the estimate within weeks.
        public var windowDays: Int
        /// Parcels a lane needs before estimates use it; below it they back off to a coarser one
        /// (default 30). With 30 parcels the p90 rests on the slowest three, with 10 on one, and a
        /// single odd parcel would move it by days; 30 is also the headline threshold of the
        /// backtest, so what is reported is what is used.
        public var minimumParcels: Int
        /// The recent days a lane's trend compares with its window (default 14).
        public var trendDays: Int
        /// Parcels the recent days need for a trend (default 10).
        public var minimumTrendParcels: Int
        /// How many business days before the lane's p10 day a carrier estimate may fall and still be
        /// believed (default 1; see ``LaneModel/estimate(for:now:)``).
        public var carrierMarginDays: Int

        /// A configuration; every default is the documented one.
        public init(windowDays: Int = 90, minimumParcels: Int = 30, trendDays: Int = 14, minimumTrendParcels: Int = 10, carrierMarginDays: Int = 1) {
            self.windowDays = max(1, windowDays)
            self.minimumParcels = max(1, minimumParcels)
            self.trendDays = max(1, trendDays)
            self.minimumTrendParcels = max(1, minimumTrendParcels)
            self.carrierMarginDays = max(0, carrierMarginDays)
        }
    }

    /// A lane's key with its distribution.
    private struct Lane: Sendable, Codable {
        /// The key.
        var key: LaneKey
        /// Its transits.
        var transit: TransitDistribution
    }

    /// The configuration.
    public let configuration: Configuration
    /// Lanes by ``LaneKey/description``, all three levels.
    private var lanes: [String: Lane]
    /// Payment → first scan in business days of the origin country, per ISO weekday of payment
    /// (index 1 … 7; index 0 pools every weekday).
    private var processing: [TransitDistribution]
    /// The newest UTC day the model has seen (days since 1970), nil before the first delivery.
    public private(set) var newestDay: Int?

    /// An empty model.
    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        lanes = [:]
        processing = Array(repeating: TransitDistribution(), count: 8)
        newestDay = nil
    }

    // MARK: - Learning

    /// Learns one delivery: its transit goes into its lane and both coarser ones, and its payment →
    /// first-scan time into the shop's processing for the weekday it was paid on. Moves the window
    /// on to the delivery's day first. Returns false, learning nothing, when the delivery is older
    /// than the window or its first scan comes after it.
    @discardableResult
    public mutating func record(_ parcel: DeliveredParcel) -> Bool {
        advance(to: parcel.deliveredAt)
        let day = Self.utcDay(parcel.deliveredAt)
        guard parcel.firstScanAt <= parcel.deliveredAt, let start = windowStart, day >= start else { return false }
        let transit = parcel.transitBusinessDays
        let met = parcel.metPromise
        for key in parcel.laneKey.backOffChain {
            let id = key.description
            lanes[id, default: Lane(key: key, transit: TransitDistribution())].transit.add(transit: transit, day: day, onTime: met)
        }
        if let paidAt = parcel.paidAt, paidAt <= parcel.firstScanAt {
            let paidDay = CivilDate(paidAt, in: CountryZone.zone(parcel.originCountry))
            let days = CountryZone.calendar(parcel.originCountry).businessDays(after: paidDay, through: parcel.firstScanDay)
            processing[paidDay.weekday].add(transit: days, day: day)
            processing[0].add(transit: days, day: day)
        }
        return true
    }

    /// Moves the window on to `now`'s UTC day, dropping the days that fall out of it. Does nothing
    /// when `now` is not newer than what the model has seen (the window never moves back).
    public mutating func advance(to now: Date) {
        let day = Self.utcDay(now)
        guard newestDay.map({ day > $0 }) ?? true else { return }
        newestDay = day
        let start = day - configuration.windowDays + 1
        for id in lanes.keys {
            lanes[id]?.transit.expire(before: start)
            if lanes[id]?.transit.total == 0 { lanes[id] = nil }
        }
        for index in processing.indices { processing[index].expire(before: start) }
    }

    /// The first day (days since 1970, UTC) of the window, nil before the first delivery.
    public var windowStart: Int? { newestDay.map { $0 - configuration.windowDays + 1 } }

    // MARK: - Looking up

    /// The distribution of exactly `key` (no back-off), nil when it has no parcels in the window.
    public func distribution(for key: LaneKey) -> TransitDistribution? { lanes[key.description]?.transit }

    /// The finest of `key`'s back-off chain with at least ``Configuration/minimumParcels`` parcels,
    /// with its distribution; nil when even the carrier alone has too few.
    public func lane(for key: LaneKey) -> (key: LaneKey, transit: TransitDistribution)? {
        for candidate in key.backOffChain {
            if let lane = lanes[candidate.description], lane.transit.total >= configuration.minimumParcels { return (lane.key, lane.transit) }
        }
        return nil
    }

    /// Payment → first scan, business days of the origin country, for orders paid on ISO `weekday`
    /// (1 = Monday … 7 = Sunday); any other value gives every weekday pooled.
    public func processing(weekday: Int) -> TransitDistribution { processing[(1...7).contains(weekday) ? weekday : 0] }

    // MARK: - Estimating

    /// When `parcel` will arrive, judged at `now`; nil when the model has no lane for it, it has no
    /// credible carrier estimate, and no promise.
    ///
    /// - Start: the local day of the first scan; before hand-over the day of payment, with the
    ///   shop's processing for that weekday added to the transit (the sum of the two distributions)
    ///   and the hand-over weekday taken as the processing p50.
    /// - Conditioning: whole business days that passed without delivery (through yesterday, in the
    ///   destination calendar) are known, so the distribution used is the lane's given T > elapsed
    ///   (from the day after the start on; on the start day itself, unconditioned).
    ///   A parcel without a scan for two days on a lane whose p50 is two days gets a later p50. When
    ///   the parcel is already later than every parcel in the lane, the lane's shape is started again
    ///   from the day after the elapsed ones.
    /// - Source: the carrier's estimate when it is credible: not before today, and not more than
    ///   ``Configuration/carrierMarginDays`` business days before the lane's conditional p10 day
    ///   (with no lane, not before today suffices). Its window is that day to the later of it and
    ///   the lane's p90 day. Otherwise the lane (p50 and p90 days); otherwise the promise (both days,
    ///   or today once it has passed).
    /// - Probability of meeting the promise: from the lane's conditional distribution, whatever the
    ///   source; nil without a lane or a promise.
    public func estimate(for parcel: InFlightParcel, now: Date) -> DeliveryEstimate? {
        let calendar = CountryZone.calendar(parcel.destinationCountry)
        let originZone = CountryZone.zone(parcel.originCountry)
        let today = CivilDate(now, in: CountryZone.zone(parcel.destinationCountry))
        let yesterday = today.adding(days: -1)
        let name = parcel.carrierName ?? parcel.carrier

        // The start day, the lane, and the mass of business days from the start to delivery.
        var start = today
        var chosen: (key: LaneKey, transit: TransitDistribution)?
        var mass: TransitMass?
        if let firstScanAt = parcel.firstScanAt {
            start = CivilDate(firstScanAt, in: originZone)
            chosen = lane(for: key(parcel, handOverWeekday: start.weekday))
            mass = chosen.map { TransitMass($0.transit.counts) }
        } else if let paidAt = parcel.paidAt {
            start = CivilDate(paidAt, in: originZone)
            var shop = processing(weekday: start.weekday)
            if shop.total < configuration.minimumParcels { shop = processing(weekday: 0) }
            let originCalendar = CountryZone.calendar(parcel.originCountry)
            if shop.total >= configuration.minimumParcels, let typical = shop.quantile(0.5) {
                let handOver = originCalendar.adding(businessDays: typical, to: start)
                chosen = lane(for: key(parcel, handOverWeekday: handOver.weekday))
                mass = chosen.map { TransitMass(shop.counts).convolved(with: TransitMass($0.transit.counts), cap: 2 * TransitDistribution.maximumDays) }
            }
        }
        let elapsed = calendar.businessDays(after: start, through: yesterday)
        // On the start day itself nothing is known yet: a same-day delivery is still possible.
        let conditioned = mass.map { Self.condition($0, after: yesterday >= start ? elapsed : -1) }
        func day(_ businessDays: Int) -> CivilDate { calendar.adding(businessDays: businessDays, to: start) }

        var probability: Double?
        if let promised = parcel.promisedDate, let conditioned {
            probability = promised < today ? 0 : (conditioned.probability(atMost: calendar.businessDays(after: start, through: promised)) ?? 0)
        }
        let confidence = chosen?.transit.total ?? 0
        let p10 = conditioned?.quantile(0.1).map(day)
        let p50 = conditioned?.quantile(0.5).map(day)
        let p90 = conditioned?.quantile(0.9).map(day)

        if let claimed = parcel.carrierEstimate, claimed >= today,
            p10.map({ claimed >= calendar.adding(businessDays: -configuration.carrierMarginDays, to: $0) }) ?? true
        {
            return DeliveryEstimate(
                today: today, p50: claimed, p90: max(claimed, p90 ?? claimed), source: .carrier, confidence: confidence, lane: chosen?.key,
                elapsedBusinessDays: elapsed, promisedDate: parcel.promisedDate, probabilityByPromise: probability,
                explanation: .carrier(name))
        }
        if let chosen, let p50, let p90 {
            return DeliveryEstimate(
                today: today, p50: p50, p90: p90, source: .lane(chosen.key.level, parcels: confidence), confidence: confidence, lane: chosen.key,
                elapsedBusinessDays: elapsed, promisedDate: parcel.promisedDate, probabilityByPromise: probability,
                explanation: explanation(chosen.key, parcels: confidence, carrier: name, postcode: parcel.postcode))
        }
        if let promised = parcel.promisedDate {
            let day = max(promised, today)
            return DeliveryEstimate(
                today: today, p50: day, p90: day, source: .promise, confidence: 0, lane: nil, elapsedBusinessDays: elapsed,
                promisedDate: promised, probabilityByPromise: nil, explanation: .promise)
        }
        return nil
    }

    /// The finest key of `parcel` handed over on `handOverWeekday`.
    private func key(_ parcel: InFlightParcel, handOverWeekday: Int) -> LaneKey {
        LaneKey(
            carrier: parcel.carrier, service: parcel.service, originCountry: parcel.originCountry, destinationCountry: parcel.destinationCountry,
            postcode: parcel.postcode, handOverWeekday: handOverWeekday)
    }

    /// `mass` given T > `elapsed`; when nothing in it took that long, its shape moved to start the
    /// day after `elapsed` (the parcel is later than all seen, so it is as if it started again).
    private static func condition(_ mass: TransitMass, after elapsed: Int) -> TransitMass {
        if let conditioned = mass.conditioned(after: elapsed) { return conditioned }
        let first = mass.weights.firstIndex { $0 > 0 } ?? 0
        var moved = Array(repeating: 0.0, count: max(mass.weights.count, elapsed + 2))
        for (day, weight) in mass.weights.enumerated() where weight > 0 {
            moved[min(day - first + elapsed + 1, moved.count - 1)] += weight
        }
        return TransitMass(weights: moved)
    }

    /// The words for an estimate from `key`'s lane.
    private func explanation(_ key: LaneKey, parcels: Int, carrier: String, postcode: String) -> EstimateExplanation {
        let place: EstimateExplanation.Place?
        switch key.level {
        case .lane: place = .postcode(LaneKey.maskedPostcode(postcode, country: key.destinationCountry ?? ""))
        case .destination: place = key.destinationCountry.map(EstimateExplanation.Place.country)
        case .carrier: place = nil
        }
        return .lane(parcels: parcels, carrier: carrier, place: place, windowDays: configuration.windowDays)
    }

    // MARK: - Report

    /// Every lane (all three levels) with parcels in the window as of `now`, sorted by key text:
    /// parcels, p50, p90, mean, on-time rate against the promise, and the trend (mean of the last
    /// ``Configuration/trendDays`` days minus the window's mean).
    public func lanes(asOf now: Date) -> [LaneSummary] {
        var model = self
        model.advance(to: now)
        let recentStart = Self.utcDay(now) - configuration.trendDays + 1
        return model.lanes.values.sorted { $0.key.description < $1.key.description }.compactMap { lane in
            let transit = lane.transit
            guard let p50 = transit.quantile(0.5), let p90 = transit.quantile(0.9), let mean = transit.mean else { return nil }
            let recent = transit.since(recentStart)
            let trend = recent.total >= configuration.minimumTrendParcels ? recent.mean.map { $0 - mean } : nil
            return LaneSummary(
                key: lane.key, parcels: transit.total, p50: p50, p90: p90, mean: mean, onTimeRate: transit.onTimeRate, recentParcels: recent.total,
                recentMean: recent.mean, trend: trend)
        }
    }

    /// The UTC day of `date`, as days since 1970.
    static func utcDay(_ date: Date) -> Int {
        Int((date.timeIntervalSince1970 / 86_400).rounded(.down))
    }
}
