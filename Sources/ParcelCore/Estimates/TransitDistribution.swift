/// How many whole business days parcels took, over a moving window of recent days.
///
/// Counts are kept per day a delivery was recorded on (a small histogram per day) and summed in
/// ``counts``, so recording a delivery costs O(1) and expiring the oldest day O(``maximumDays``):
/// nothing is ever rescanned. The last bucket, ``maximumDays``, holds that many days or more.
///
/// Quantiles are the smallest whole day `d` with P(T ≤ d) ≥ q, which for integer data is the
/// usual "day by which q of parcels had arrived".
///
/// Its JSON holds the days only (`{"days":[{"day":20778,"counts":[0,3,1],"promised":4,"onTime":3}]}`,
/// trailing zero counts left out); the window's sums are rebuilt on decoding, so a stored model
/// cannot disagree with itself.
public struct TransitDistribution: Sendable, Equatable, Codable {
    /// The last bucket: transits of this many business days or more are counted here.
    public static let maximumDays = 30

    /// One day's deliveries.
    public struct Day: Sendable, Equatable, Codable {
        /// The day, as days since 1970-01-01 (``LaneModel`` uses the UTC day of delivery).
        public let day: Int
        /// Deliveries per transit (index = business days, 0 … ``TransitDistribution/maximumDays``).
        public fileprivate(set) var counts: [Int]
        /// Deliveries that had a promised day.
        public fileprivate(set) var promised: Int
        /// Deliveries that came on or before their promised day.
        public fileprivate(set) var onTime: Int

        /// A day from its parts.
        fileprivate init(day: Int, counts: [Int], promised: Int, onTime: Int) {
            self.day = day
            self.counts = counts
            self.promised = promised
            self.onTime = onTime
        }

        /// The JSON keys.
        private enum CodingKeys: String, CodingKey { case day, counts, promised, onTime }

        /// Decodes a day; counts past ``TransitDistribution/maximumDays`` or negative ones are
        /// `dataCorrupted`, missing trailing counts are zero.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            let counts = try container.decode([Int].self, forKey: .counts)
            let promised = try container.decodeIfPresent(Int.self, forKey: .promised) ?? 0
            let onTime = try container.decodeIfPresent(Int.self, forKey: .onTime) ?? 0
            guard counts.count <= TransitDistribution.maximumDays + 1, counts.allSatisfy({ $0 >= 0 }), promised >= 0, onTime >= 0, onTime <= promised,
                promised <= counts.reduce(0, +)
            else {
                throw DecodingError.dataCorruptedError(
                    forKey: .counts, in: container, debugDescription: "a day's counts must be 0 or more, at most 31 of them, with onTime <= promised <= total")
            }
            self.init(
                day: try container.decode(Int.self, forKey: .day),
                counts: counts + Array(repeating: 0, count: TransitDistribution.maximumDays + 1 - counts.count),
                promised: promised, onTime: onTime)
        }

        /// Encodes the day with its trailing zero counts left out.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(day, forKey: .day)
            let used = (counts.lastIndex { $0 > 0 } ?? -1) + 1
            try container.encode(Array(counts[0..<used]), forKey: .counts)
            try container.encode(promised, forKey: .promised)
            try container.encode(onTime, forKey: .onTime)
        }
    }

    /// Deliveries per transit in the window (index = business days, 0 … ``maximumDays``).
    public private(set) var counts: [Int]
    /// Deliveries in the window.
    public private(set) var total: Int
    /// Deliveries in the window that had a promised day.
    public private(set) var promised: Int
    /// Deliveries in the window that came on or before their promised day.
    public private(set) var onTime: Int
    /// The window's days with deliveries, oldest first.
    public private(set) var days: [Day]

    /// An empty distribution.
    public init() {
        counts = Array(repeating: 0, count: Self.maximumDays + 1)
        total = 0
        promised = 0
        onTime = 0
        days = []
    }

    /// The JSON keys: the days alone.
    private enum CodingKeys: String, CodingKey { case days }

    /// Decodes the days and rebuilds the sums; days out of order are `dataCorrupted`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let days = try container.decode([Day].self, forKey: .days)
        guard zip(days, days.dropFirst()).allSatisfy({ $0.day < $1.day }) else {
            throw DecodingError.dataCorruptedError(forKey: .days, in: container, debugDescription: "days must be in increasing order, each once")
        }
        self.init()
        self.days = days
        for day in days {
            for (bucket, count) in day.counts.enumerated() { counts[bucket] += count }
            total += day.counts.reduce(0, +)
            promised += day.promised
            onTime += day.onTime
        }
    }

    /// Encodes the days.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(days, forKey: .days)
    }

    /// A distribution of `transits` (all recorded on day 0, no promises): for tests and examples.
    public init(transits: [Int]) {
        self.init()
        for transit in transits { add(transit: transit, day: 0) }
    }

    /// Adds one delivery that took `transit` business days (negative counts as 0, more than
    /// ``maximumDays`` as ``maximumDays``), recorded on `day` (days since 1970); `onTime` is whether
    /// it met its promise, nil when it had none. O(1) when days come in order, as they do in a
    /// replay; an older day is inserted in place.
    public mutating func add(transit: Int, day: Int, onTime met: Bool? = nil) {
        let bucket = min(max(transit, 0), Self.maximumDays)
        let index: Int
        if let last = days.last, last.day == day {
            index = days.count - 1
        } else if days.last.map({ $0.day < day }) ?? true {
            days.append(Day(day: day, counts: Array(repeating: 0, count: Self.maximumDays + 1), promised: 0, onTime: 0))
            index = days.count - 1
        } else {
            let position = days.firstIndex { $0.day >= day } ?? days.count
            if position == days.count || days[position].day != day {
                days.insert(Day(day: day, counts: Array(repeating: 0, count: Self.maximumDays + 1), promised: 0, onTime: 0), at: position)
            }
            index = position
        }
        days[index].counts[bucket] += 1
        counts[bucket] += 1
        total += 1
        if let met {
            days[index].promised += 1
            promised += 1
            if met {
                days[index].onTime += 1
                onTime += 1
            }
        }
    }

    /// Drops every day before `day` (days since 1970) from the window; O(``maximumDays``) per day dropped.
    public mutating func expire(before day: Int) {
        var dropped = 0
        while dropped < days.count, days[dropped].day < day {
            for (bucket, count) in days[dropped].counts.enumerated() where count > 0 {
                counts[bucket] -= count
                total -= count
            }
            promised -= days[dropped].promised
            onTime -= days[dropped].onTime
            dropped += 1
        }
        if dropped > 0 { days.removeFirst(dropped) }
    }

    /// The part of the window from `day` on (days since 1970): the recent deliveries a trend compares
    /// with the whole window. O(days kept × ``maximumDays``).
    public func since(_ day: Int) -> TransitDistribution {
        var recent = TransitDistribution()
        for entry in days where entry.day >= day {
            recent.days.append(entry)
            for (bucket, count) in entry.counts.enumerated() { recent.counts[bucket] += count }
            recent.total += entry.counts.reduce(0, +)
            recent.promised += entry.promised
            recent.onTime += entry.onTime
        }
        return recent
    }

    /// The mean transit in business days (the last bucket counted as ``maximumDays``), nil when empty.
    public var mean: Double? {
        guard total > 0 else { return nil }
        let sum = counts.enumerated().reduce(0) { $0 + $1.offset * $1.element }
        return Double(sum) / Double(total)
    }

    /// The share of promised deliveries that came on time, nil when none had a promise.
    public var onTimeRate: Double? { promised > 0 ? Double(onTime) / Double(promised) : nil }

    /// The smallest whole day `d` with P(T ≤ d) ≥ `q` (`q` clamped to 0…1), nil when empty.
    public func quantile(_ q: Double) -> Int? { TransitMass(counts).quantile(q) }

    /// The smallest whole day `d` with P(T ≤ d | T > `elapsed`) ≥ `q`: the quantile of a parcel
    /// known not to have arrived in its first `elapsed` business days. Nil when no recorded parcel
    /// took longer than `elapsed` (this parcel is later than all of them) or when empty.
    public func quantile(_ q: Double, after elapsed: Int) -> Int? { TransitMass(counts).conditioned(after: elapsed)?.quantile(q) }

    /// P(T ≤ `days`), nil when empty.
    public func probability(atMost days: Int) -> Double? { TransitMass(counts).probability(atMost: days) }

    /// P(T ≤ `days` | T > `elapsed`); 0 when `days <= elapsed`, nil when no recorded parcel took
    /// longer than `elapsed` or when empty.
    public func probability(atMost days: Int, after elapsed: Int) -> Double? {
        TransitMass(counts).conditioned(after: elapsed)?.probability(atMost: days)
    }
}

/// A probability mass over whole business days (index = days), not necessarily normalised: the
/// arithmetic behind ``TransitDistribution`` and an estimate's processing + transit sum.
struct TransitMass: Sendable, Equatable {
    /// The (unnormalised) weight of each whole day.
    var weights: [Double]

    /// From counts.
    init(_ counts: [Int]) { weights = counts.map(Double.init) }

    /// From weights.
    init(weights: [Double]) { self.weights = weights }

    /// The total weight.
    var total: Double { weights.reduce(0, +) }

    /// The smallest day `d` whose cumulative weight reaches `q` of the total, nil when empty.
    func quantile(_ q: Double) -> Int? {
        let total = self.total
        guard total > 0 else { return nil }
        let target = min(max(q, 0), 1) * total
        var cumulative = 0.0
        for (day, weight) in weights.enumerated() {
            cumulative += weight
            // A hair of tolerance so that exactly half of integer counts is reached.
            if cumulative >= target - 1e-9 * total, cumulative > 0 { return day }
        }
        return weights.count - 1
    }

    /// The weight on days ≤ `days` over the total, nil when empty.
    func probability(atMost days: Int) -> Double? {
        let total = self.total
        guard total > 0 else { return nil }
        guard days >= 0 else { return 0 }
        let upTo = min(days, weights.count - 1)
        return weights[0...upTo].reduce(0, +) / total
    }

    /// The mass on days after `elapsed` only, nil when none is left.
    func conditioned(after elapsed: Int) -> TransitMass? {
        guard elapsed >= 0 else { return total > 0 ? self : nil }
        var kept = weights
        for day in 0..<min(elapsed + 1, kept.count) { kept[day] = 0 }
        let mass = TransitMass(weights: kept)
        return mass.total > 0 ? mass : nil
    }

    /// The mass of the sum of two independent day counts (processing then transit), capped at
    /// `cap` days (the last bucket holds the rest).
    func convolved(with other: TransitMass, cap: Int) -> TransitMass {
        var sum = Array(repeating: 0.0, count: cap + 1)
        for (a, wa) in weights.enumerated() where wa > 0 {
            for (b, wb) in other.weights.enumerated() where wb > 0 { sum[min(a + b, cap)] += wa * wb }
        }
        return TransitMass(weights: sum)
    }
}
