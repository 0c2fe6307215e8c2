import Foundation
import ParcelCore

/// What the shop report counts of one parcel (``ShopReport/CarrierFigures``), read by one
/// statement: when it was created, its carrier, whether it was
/// delivered, damaged or lost, when it was first delivered, the promise it is judged by and
/// whether the customer is still owed it. The report's per-day summaries are sums of these, and
/// a parcel whose facts change moves its old facts out of its day and its new ones in.
struct ReportFact: Equatable {
    /// Seconds since 1970.
    var createdAt: Double
    var carrier: String
    var delivered: Bool
    var damaged: Bool
    var lost: Bool
    var deliveredAt: Double?
    var promisedDate: String?
    var owed: Bool

    /// The UTC day it was created, days since 1970: the summary it counts in.
    var day: Int64 { Self.day(of: createdAt) }

    /// The UTC day (days since 1970) of `time`, seconds since 1970.
    static func day(of time: Double) -> Int64 { Int64((time / 86_400).rounded(.down)) }

    /// Reads one row of ``Store/factsSQL(where:)`` or of `report_facts`.
    init(row: SQLRow) throws {
        createdAt = try row["created_at"]
        carrier = try row["carrier"]
        delivered = try row["delivered"]
        damaged = try row["damaged"]
        lost = try row["lost"]
        deliveredAt = try row.optional("delivered_at")
        promisedDate = try row.optional("promised_date")
        owed = try row["owed"]
    }
}

/// Per-carrier report figures being added up: from per-day summaries, from parcels' facts
/// (added or taken away), then judged against the report's clock. The one place that turns
/// facts into counts, so the summaries and a live reading cannot count differently.
struct ReportTally {
    /// The counts of one carrier (or one day and carrier): what ``ShopReport/CarrierFigures``
    /// holds before the late undelivered ones are judged.
    struct Counts: Equatable {
        var shipments = 0
        var delivered = 0
        var damaged = 0
        var lost = 0
        var judged = 0
        var onTime = 0

        var isZero: Bool { self == Counts() }

        static func += (lhs: inout Counts, rhs: Counts) {
            lhs.shipments += rhs.shipments
            lhs.delivered += rhs.delivered
            lhs.damaged += rhs.damaged
            lhs.lost += rhs.lost
            lhs.judged += rhs.judged
            lhs.onTime += rhs.onTime
        }

        static prefix func - (counts: Counts) -> Counts {
            Counts(
                shipments: -counts.shipments, delivered: -counts.delivered, damaged: -counts.damaged, lost: -counts.lost,
                judged: -counts.judged, onTime: -counts.onTime)
        }
    }

    /// Where counts are kept: by carrier for a report, by day and carrier for summaries.
    struct Key: Hashable, Comparable {
        var day: Int64
        var carrier: String
        static func < (lhs: Key, rhs: Key) -> Bool { (lhs.day, lhs.carrier) < (rhs.day, rhs.carrier) }
    }

    /// Parcels still owed, by where they count and the day they were promised.
    struct OwedKey: Hashable, Comparable {
        var key: Key
        var promisedDate: String
        static func < (lhs: OwedKey, rhs: OwedKey) -> Bool { (lhs.key, lhs.promisedDate) < (rhs.key, rhs.promisedDate) }
    }

    /// The zone delivery days are judged in.
    let timeZone: TimeZone
    /// True: counts are kept per day (summaries); false: per carrier only (a report).
    let byDay: Bool
    private(set) var counts: [Key: Counts] = [:]
    private(set) var owed: [OwedKey: Int] = [:]

    init(timeZone: TimeZone, byDay: Bool) {
        self.timeZone = timeZone
        self.byDay = byDay
    }

    private func key(day: Int64, carrier: String) -> Key { Key(day: byDay ? day : 0, carrier: carrier) }

    /// Adds a parcel's facts (`sign` 1) or takes them away (`sign` -1).
    mutating func add(_ fact: ReportFact, sign: Int = 1) {
        var one = Counts(shipments: 1, delivered: fact.delivered ? 1 : 0, damaged: fact.damaged ? 1 : 0, lost: fact.lost ? 1 : 0)
        if fact.delivered, let at = fact.deliveredAt, let promised = fact.promisedDate,
            let onTime = ReportBuilder.isOnTime(deliveredAt: Date(timeIntervalSince1970: at), promisedDate: promised, in: timeZone)
        {
            one.judged = 1
            one.onTime = onTime ? 1 : 0
        }
        let key = key(day: fact.day, carrier: fact.carrier)
        add(sign < 0 ? -one : one, at: key)
        if fact.owed, let promised = fact.promisedDate { addOwed(sign, at: OwedKey(key: key, promisedDate: promised)) }
    }

    /// Adds counts already summed (a summary row).
    mutating func add(_ more: Counts, day: Int64, carrier: String) { add(more, at: key(day: day, carrier: carrier)) }

    /// Adds parcels still owed that were promised on `promisedDate`.
    mutating func addOwed(_ parcels: Int, day: Int64, carrier: String, promisedDate: String) {
        addOwed(parcels, at: OwedKey(key: key(day: day, carrier: carrier), promisedDate: promisedDate))
    }

    private mutating func add(_ more: Counts, at key: Key) {
        counts[key, default: Counts()] += more
        if counts[key]?.isZero == true { counts[key] = nil }
    }

    private mutating func addOwed(_ parcels: Int, at key: OwedKey) {
        owed[key, default: 0] += parcels
        if owed[key] == 0 { owed[key] = nil }
    }

    /// The figures per carrier with shipments, sorted by carrier; a parcel still owed is late
    /// when its promised day is before `now`'s local day (``ReportBuilder/isOverdue(promisedDate:now:in:)``).
    func figures(now: Date) -> [ShopReport.CarrierFigures] {
        var late: [String: Int] = [:]
        for (key, parcels) in owed where ReportBuilder.isOverdue(promisedDate: key.promisedDate, now: now, in: timeZone) == true {
            late[key.key.carrier, default: 0] += parcels
        }
        var perCarrier: [String: Counts] = [:]
        for (key, counts) in self.counts { perCarrier[key.carrier, default: Counts()] += counts }
        return perCarrier.filter { $0.value.shipments > 0 }.sorted { $0.key < $1.key }.map { carrier, counts in
            ShopReport.CarrierFigures(
                carrier: carrier, shipments: counts.shipments, delivered: counts.delivered, deliveredWithPromise: counts.judged,
                onTime: counts.onTime, lateUndelivered: late[carrier] ?? 0, damaged: counts.damaged, lost: counts.lost)
        }
    }
}
