import Foundation
import ParcelCore

/// Request quotas of the simulated carriers (`POST /_sim/quota`): each carrier counts the
/// tracking requests it answers in the current UTC hour and day of the SIMULATOR's clock (so
/// `POST /_sim/advance?hours=24` starts a new day), and once a limit is spent answers 429 with
/// `Retry-After` (the seconds until that window ends) and the vendor's quota error.
///
/// A batch request counts once; token requests and requests refused for their credentials do
/// not count. Counting runs whether or not a limit is set, so `GET /_sim/quota` always shows use.
actor SimQuota {
    /// Limits of one carrier; nil is "no limit".
    struct Limit: Sendable, Codable, Equatable {
        /// Requests per UTC day.
        var perDay: Int?
        /// Requests per UTC hour.
        var perHour: Int?
    }

    /// One carrier's use, as `GET /_sim/quota` reports it.
    struct Usage: Sendable, Codable, Equatable {
        /// The daily limit in force.
        var perDay: Int?
        /// The hourly limit in force.
        var perHour: Int?
        /// Start of the current UTC day on the simulator's clock (ISO-8601).
        var day: String
        /// Start of the current UTC hour on the simulator's clock (ISO-8601).
        var hour: String
        /// Requests answered (and counted) today.
        var today: Int
        /// Requests answered (and counted) this hour.
        var thisHour: Int
        /// Requests refused with 429 today.
        var refusedToday: Int
        /// Today's counted requests by source.
        var sources: [String: Int]
    }

    private struct Count {
        var day = 0, hour = 0
        var today = 0, thisHour = 0, refusedToday = 0
        var sources: [String: Int] = [:]

        /// Starts new windows when `now` left the counted ones.
        mutating func roll(day newDay: Int, hour newHour: Int) {
            if newDay != day { day = newDay; today = 0; refusedToday = 0; sources = [:] }
            if newHour != hour { hour = newHour; thisHour = 0 }
        }
    }

    private var limits: [String: Limit] = [:]
    private var counts: [String: Count] = [:]

    /// Sets (or, with both nil, removes) `carrier`'s limits.
    func setLimit(_ limit: Limit, carrier: String) {
        limits[carrier] = limit.perDay == nil && limit.perHour == nil ? nil : limit
    }

    /// Forgets the limits and counts of `carrier`, or of every carrier.
    func clear(carrier: String?) {
        if let carrier {
            limits[carrier] = nil
            counts[carrier] = nil
        } else {
            limits.removeAll()
            counts.removeAll()
        }
    }

    /// Counts one request of `carrier`'s `source` at simulated time `now`. Nil when it may be
    /// answered; else the seconds until the spent window ends (the request is not counted).
    func take(carrier: String, source: String, now: Date) -> Int? {
        let seconds = Int(now.timeIntervalSince1970.rounded(.down))
        let day = Self.floorDiv(seconds, 86_400), hour = Self.floorDiv(seconds, 3600)
        var count = counts[carrier] ?? Count(day: day, hour: hour)
        count.roll(day: day, hour: hour)
        defer { counts[carrier] = count }
        let limit = limits[carrier]
        var waits: [Int] = []
        if let perHour = limit?.perHour, count.thisHour >= perHour { waits.append((hour + 1) * 3600 - seconds) }
        if let perDay = limit?.perDay, count.today >= perDay { waits.append((day + 1) * 86_400 - seconds) }
        if let wait = waits.max() {
            count.refusedToday += 1
            return max(1, wait)
        }
        count.today += 1
        count.thisHour += 1
        count.sources[source, default: 0] += 1
        return nil
    }

    /// Every carrier with a limit or counted requests, at simulated time `now`.
    func report(now: Date) -> [String: Usage] {
        let seconds = Int(now.timeIntervalSince1970.rounded(.down))
        let day = Self.floorDiv(seconds, 86_400), hour = Self.floorDiv(seconds, 3600)
        var out: [String: Usage] = [:]
        for carrier in Set(limits.keys).union(counts.keys) {
            var count = counts[carrier] ?? Count(day: day, hour: hour)
            count.roll(day: day, hour: hour)
            out[carrier] = Usage(
                perDay: limits[carrier]?.perDay, perHour: limits[carrier]?.perHour,
                day: ISOTime.utc(Date(timeIntervalSince1970: Double(day * 86_400))),
                hour: ISOTime.utc(Date(timeIntervalSince1970: Double(hour * 3600))),
                today: count.today, thisHour: count.thisHour, refusedToday: count.refusedToday, sources: count.sources)
        }
        return out
    }

    private static func floorDiv(_ value: Int, _ divisor: Int) -> Int {
        value >= 0 ? value / divisor : (value - divisor + 1) / divisor
    }
}
