import Foundation

/// The shop's figures for one window (`parcelwatch report`): how each carrier did, which cases
/// were opened, how fast customers heard, how well the SLA clocks were kept, and what the
/// problems cost.
///
/// The window is everything *created at or after* ``since``: shipments by their creation (import)
/// time, cases by the time they were opened. Money counts the `done` actions of the cases
/// opened in the window, so the costs line up with the cases counted above them.
///
/// Definitions (the store computes them in SQL, the same on SQLite and PostgreSQL):
/// - **delivered**: the parcel has at least one `delivered` carrier event;
/// - **promise**: the parcel's own promised date (a replacement's), else its order's; a
///   replacement without a promise of its own, or a promise that is not a `YYYY-MM-DD` day,
///   is never judged. Days are compared in the shop's time zone (``timeZone``), and "today"
///   is the local date of ``generatedAt`` (the report's now);
/// - **on time**: the local date of the parcel's *first* `delivered` event is on or before the
///   promised date; **delivered late**: after it;
/// - **late, not delivered**: no `delivered` event, the promised day is before today (a
///   promise for today is not late yet), and the parcel is still owed to the customer: its
///   order is not cancelled, it is not on its way back or returned to the sender (`returning`,
///   `returned`), and the shop has not settled it instead (a refund of its order, or a reship
///   of this parcel, requested, under way or done). Parcels left out are counted where their
///   story is: the cases opened, lost and damaged parcels, money;
/// - **judged** (the on-time denominator): on time + delivered late + late, not delivered.
///   The on-time rate is on time over judged; **late** is delivered late + late, not delivered;
/// - **damaged**: a carrier event with the reason `damaged` or `damagedOrLost`, or a case of
///   kind `damaged` or `damagedOrLost`, or a customer report `damagedOnArrival`, not dismissed
///   as a false alarm. `damagedOrLost` ("Deterioro o extravío") counts as damage only, so one
///   carrier word never counts twice;
/// - **lost**: a carrier event with the reason `lost`, or a `lost` case not dismissed (the
///   carrier said so, or the parcel was presumed lost after days in transit without a scan),
///   unless the parcel was delivered after all;
/// - damage and loss rates are shares of the carrier's shipments in the window.
///
/// JSON (``encode(to:)``) always has every key, `null` where a figure is undefined (a rate over
/// no parcels, a median of no values); dates are ISO-8601 UTC, money in minor units:
/// ```json
/// { "since": "2026-10-21T12:00:00Z", "generatedAt": "2026-11-20T12:00:00Z", "timeZone": "Europe/Warsaw",
///   "carriers": [{ "carrier", "shipments", "delivered", "deliveredWithPromise", "onTime", "deliveredLate",
///                  "lateUndelivered", "judged", "late", "onTimeRate", "damaged", "damageRate", "lost", "lossRate" }],
///   "incidents": [{ "kind", "opened", "stillOpen" }],
///   "firstNotice": { "customerFacing", "notified", "medianSeconds" },
///   "sla": [{ "clock", "cases", "breached", "compliance" }],
///   "money": [{ "currency", "refunds", "refundedMinor", "compensations", "compensatedMinor", "reships", "reshippedValueMinor" }] }
/// ```
public struct ShopReport: Sendable, Equatable, Codable {
    /// The start of the window: shipments and cases created at or after it.
    public var since: Date
    /// The clock's "now" when the report was made; open clocks are judged against it.
    public var generatedAt: Date
    /// The shop's IANA time zone, in which delivery days are compared with promised days.
    public var timeZone: String
    /// One entry per carrier with shipments in the window, by carrier id.
    public var carriers: [CarrierFigures]
    /// One entry per kind with cases opened in the window, by kind.
    public var incidents: [IncidentCount]
    /// How fast customers first heard about their cases.
    public var firstNotice: FirstNotice
    /// The three SLA clocks, always in the order `notice`, `firstTouch`, `resolution`.
    public var sla: [ClockCompliance]
    /// Refund, compensation and reship totals, one entry per currency, by currency code.
    public var money: [CurrencyTotals]

    /// Creates a report.
    public init(
        since: Date, generatedAt: Date, timeZone: String, carriers: [CarrierFigures], incidents: [IncidentCount],
        firstNotice: FirstNotice, sla: [ClockCompliance], money: [CurrencyTotals]
    ) {
        self.since = since
        self.generatedAt = generatedAt
        self.timeZone = timeZone
        self.carriers = carriers
        self.incidents = incidents
        self.firstNotice = firstNotice
        self.sla = sla
        self.money = money
    }

    /// One carrier's parcels in the window.
    public struct CarrierFigures: Sendable, Equatable, Codable {
        /// The carrier id (`seur`, `inpost` …).
        public var carrier: String
        /// Shipments created in the window.
        public var shipments: Int
        /// Of those, parcels with a `delivered` event.
        public var delivered: Int
        /// Of the delivered ones, those with a promise (see ``ShopReport``) to judge them by.
        public var deliveredWithPromise: Int
        /// Of those, delivered (first `delivered` event, shop's local date) on or before the promised date.
        public var onTime: Int
        /// Parcels not delivered, still owed, whose promised day is over (see ``ShopReport``).
        public var lateUndelivered: Int
        /// Parcels damaged (see ``ShopReport``).
        public var damaged: Int
        /// Parcels lost (see ``ShopReport``).
        public var lost: Int

        /// Creates a carrier's figures.
        public init(
            carrier: String, shipments: Int, delivered: Int, deliveredWithPromise: Int, onTime: Int, lateUndelivered: Int = 0,
            damaged: Int, lost: Int
        ) {
            self.carrier = carrier
            self.shipments = shipments
            self.delivered = delivered
            self.deliveredWithPromise = deliveredWithPromise
            self.onTime = onTime
            self.lateUndelivered = lateUndelivered
            self.damaged = damaged
            self.lost = lost
        }

        /// Delivered after the promised date: ``deliveredWithPromise`` − ``onTime``.
        public var deliveredLate: Int { deliveredWithPromise - onTime }
        /// Every parcel judged against its promise, the on-time denominator: delivered with a
        /// promise (on time or late) + ``lateUndelivered``.
        public var judged: Int { deliveredWithPromise + lateUndelivered }
        /// Late however it ended: ``deliveredLate`` + ``lateUndelivered``.
        public var late: Int { deliveredLate + lateUndelivered }

        /// ``onTime`` over ``judged``, 0…1; nil when no parcel was judged.
        public var onTimeRate: Double? { ReportBuilder.rate(onTime, of: judged) }
        /// ``damaged`` over ``shipments``, 0…1; nil without shipments.
        public var damageRate: Double? { ReportBuilder.rate(damaged, of: shipments) }
        /// ``lost`` over ``shipments``, 0…1; nil without shipments.
        public var lossRate: Double? { ReportBuilder.rate(lost, of: shipments) }

        private enum CodingKeys: String, CodingKey {
            case carrier, shipments, delivered, deliveredWithPromise, onTime, deliveredLate, lateUndelivered, judged, late, onTimeRate,
                damaged, damageRate, lost, lossRate
        }

        /// Reads the counts; the sums and rates are recomputed from them (a report written
        /// before `lateUndelivered` existed reads as 0 of them).
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.init(
                carrier: try container.decode(String.self, forKey: .carrier), shipments: try container.decode(Int.self, forKey: .shipments),
                delivered: try container.decode(Int.self, forKey: .delivered),
                deliveredWithPromise: try container.decode(Int.self, forKey: .deliveredWithPromise),
                onTime: try container.decode(Int.self, forKey: .onTime),
                lateUndelivered: try container.decodeIfPresent(Int.self, forKey: .lateUndelivered) ?? 0,
                damaged: try container.decode(Int.self, forKey: .damaged), lost: try container.decode(Int.self, forKey: .lost))
        }

        /// Writes every key, rates included (`null` when undefined).
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(carrier, forKey: .carrier)
            try container.encode(shipments, forKey: .shipments)
            try container.encode(delivered, forKey: .delivered)
            try container.encode(deliveredWithPromise, forKey: .deliveredWithPromise)
            try container.encode(onTime, forKey: .onTime)
            try container.encode(deliveredLate, forKey: .deliveredLate)
            try container.encode(lateUndelivered, forKey: .lateUndelivered)
            try container.encode(judged, forKey: .judged)
            try container.encode(late, forKey: .late)
            try container.encode(onTimeRate, forKey: .onTimeRate)
            try container.encode(damaged, forKey: .damaged)
            try container.encode(damageRate, forKey: .damageRate)
            try container.encode(lost, forKey: .lost)
            try container.encode(lossRate, forKey: .lossRate)
        }
    }

    /// Cases of one kind opened in the window.
    public struct IncidentCount: Sendable, Equatable, Codable {
        /// The kind (``IncidentKind`` raw value).
        public var kind: String
        /// Cases of this kind opened in the window.
        public var opened: Int
        /// Of those, the ones not resolved or dismissed yet.
        public var stillOpen: Int

        /// Creates a count.
        public init(kind: String, opened: Int, stillOpen: Int) {
            self.kind = kind
            self.opened = opened
            self.stillOpen = stillOpen
        }
    }

    /// Time from opening a customer-facing case to the customer's first notice
    /// (`notified_at - opened_at`), over the customer-facing cases opened in the window.
    public struct FirstNotice: Sendable, Equatable, Codable {
        /// Customer-facing cases opened in the window.
        public var customerFacing: Int
        /// Of those, the ones whose customer has been told.
        public var notified: Int
        /// The median seconds to the first notice over the notified ones; nil when none was.
        public var medianSeconds: Double?

        /// Creates the figures.
        public init(customerFacing: Int, notified: Int, medianSeconds: Double?) {
            self.customerFacing = customerFacing
            self.notified = notified
            self.medianSeconds = medianSeconds
        }

        /// Writes every key, `medianSeconds` as `null` when undefined.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(customerFacing, forKey: .customerFacing)
            try container.encode(notified, forKey: .notified)
            try container.encode(medianSeconds, forKey: .medianSeconds)
        }
    }

    /// One SLA clock over the cases opened in the window that carry it (`notice`: the
    /// customer-facing ones; `firstTouch` and `resolution`: all).
    ///
    /// A clock is breached when it was escalated (the `escalations` table), when it was met
    /// late (notified, first touched or closed after its deadline), or when its deadline passed
    /// before ``ShopReport/generatedAt`` while the case was still open and the clock unmet. A
    /// clock still running counts as kept.
    public struct ClockCompliance: Sendable, Equatable, Codable {
        /// The clock.
        public var clock: SLAClock
        /// Cases opened in the window that carry this clock.
        public var cases: Int
        /// Of those, the ones whose clock was breached.
        public var breached: Int

        /// Creates a clock's figures.
        public init(clock: SLAClock, cases: Int, breached: Int) {
            self.clock = clock
            self.cases = cases
            self.breached = breached
        }

        /// The share of ``cases`` not breached, 0…1; nil without cases.
        public var compliance: Double? { ReportBuilder.rate(cases - breached, of: cases) }

        private enum CodingKeys: String, CodingKey {
            case clock, cases, breached, compliance
        }

        /// Reads the counts; the compliance is recomputed from them.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.init(
                clock: try container.decode(SLAClock.self, forKey: .clock), cases: try container.decode(Int.self, forKey: .cases),
                breached: try container.decode(Int.self, forKey: .breached))
        }

        /// Writes every key, `compliance` as `null` when undefined.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(clock, forKey: .clock)
            try container.encode(cases, forKey: .cases)
            try container.encode(breached, forKey: .breached)
            try container.encode(compliance, forKey: .compliance)
        }
    }

    /// What the `done` actions of the window's cases came to in one currency.
    ///
    /// Refunds and compensation count their recorded amount (a refund recorded without one
    /// counts the order's value, which is what the shop refunds then); reships count the value
    /// of the order sent again. Carrier claims are not money paid out and are left out.
    public struct CurrencyTotals: Sendable, Equatable, Codable {
        /// ISO 4217 code.
        public var currency: String
        /// Refunds done.
        public var refunds: Int
        /// Their sum, in minor units.
        public var refundedMinor: Int64
        /// Compensations (vouchers) done.
        public var compensations: Int
        /// Their sum, in minor units.
        public var compensatedMinor: Int64
        /// Reships done.
        public var reships: Int
        /// The value of the orders sent again, in minor units.
        public var reshippedValueMinor: Int64

        /// Creates a currency's totals.
        public init(
            currency: String, refunds: Int = 0, refundedMinor: Int64 = 0, compensations: Int = 0, compensatedMinor: Int64 = 0,
            reships: Int = 0, reshippedValueMinor: Int64 = 0
        ) {
            self.currency = currency
            self.refunds = refunds
            self.refundedMinor = refundedMinor
            self.compensations = compensations
            self.compensatedMinor = compensatedMinor
            self.reships = reships
            self.reshippedValueMinor = reshippedValueMinor
        }
    }

    private enum CodingKeys: String, CodingKey {
        case since, generatedAt, timeZone, carriers, incidents, firstNotice, sla, money
    }

    /// Reads what ``encode(to:)`` wrote.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        func instant(_ key: CodingKeys) throws -> Date {
            let text = try container.decode(String.self, forKey: key)
            guard let date = ISOTime.parse(text) else {
                throw DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: "expected an ISO-8601 time, got \"\(text)\"")
            }
            return date
        }
        self.init(
            since: try instant(.since), generatedAt: try instant(.generatedAt), timeZone: try container.decode(String.self, forKey: .timeZone),
            carriers: try container.decode([CarrierFigures].self, forKey: .carriers),
            incidents: try container.decode([IncidentCount].self, forKey: .incidents),
            firstNotice: try container.decode(FirstNotice.self, forKey: .firstNotice),
            sla: try container.decode([ClockCompliance].self, forKey: .sla), money: try container.decode([CurrencyTotals].self, forKey: .money))
    }

    /// Writes the documented shape whatever the encoder's date strategy: times as ISO-8601 UTC text.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(ISOTime.utc(since), forKey: .since)
        try container.encode(ISOTime.utc(generatedAt), forKey: .generatedAt)
        try container.encode(timeZone, forKey: .timeZone)
        try container.encode(carriers, forKey: .carriers)
        try container.encode(incidents, forKey: .incidents)
        try container.encode(firstNotice, forKey: .firstNotice)
        try container.encode(sla, forKey: .sla)
        try container.encode(money, forKey: .money)
    }
}
