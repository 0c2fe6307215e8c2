import Foundation

/// The thresholds and clocks of incident detection and SLAs (`incidents:` in the shop's config),
/// with the defaults of the incidents issue. Thresholds can be overridden per carrier.
public struct IncidentPolicy: Sendable, Equatable {
    /// Thresholds that a carrier may override.
    public struct Thresholds: Sendable, Equatable {
        /// Business days without a new event before a non-terminal parcel is `stalled`.
        public var stalledDays: Int
        /// Business days without a new event in transit before it is presumed `lost`.
        public var lostDays: Int

        /// Creates thresholds.
        public init(stalledDays: Int, lostDays: Int) {
            self.stalledDays = stalledDays
            self.lostDays = lostDays
        }
    }

    /// Defaults for every carrier.
    public var thresholds = Thresholds(stalledDays: 3, lostDays: 7)
    /// Per-carrier overrides.
    public var carrierThresholds: [String: Thresholds] = [:]
    /// Business days after payment before an unshipped order is `notDispatched`.
    public var notDispatchedDays = 2
    /// Days a replacement is promised in, from the day it is linked; nil: the original parcel's
    /// lead time from its first scan to the order's promised day.
    public var reshipPromiseDays: Int?
    /// Minutes after midnight of the promised day by which the parcel must be out for delivery
    /// (or waiting for pickup), else `late` [12:00].
    public var lateCutoffMinutes = 12 * 60
    /// Kinds that are customer-facing.
    public var customerFacing: Set<IncidentKind> = Set(IncidentKind.allCases.filter(\.customerFacingByDefault))
    /// Seconds of working time (outside quiet hours) within which the customer must hear [1 h].
    public var noticeDue: TimeInterval = 3600
    /// Quiet hours in the shop's zone, minutes after midnight; start may be after end (overnight).
    public var quietStartMinutes = 21 * 60
    /// See ``quietStartMinutes``.
    public var quietEndMinutes = 8 * 60
    /// Business days until a staff member must have touched the case [1].
    public var firstTouchDays = 1
    /// Business days until a case must be resolved, by kind.
    public var resolutionDays: [IncidentKind: Int] = [
        .damaged: 2, .lost: 3, .damagedOrLost: 2, .customsHold: 5, .addressIssue: 1, .deliveryFailed: 2,
        .returnedToSender: 3, .stalled: 2, .late: 2, .lateRisk: 2, .notDispatched: 1, .trackingBroken: 1, .customerReport: 1,
    ]
    /// One-off or regional days off, on top of the national holidays.
    public var extraHolidays: [CivilDate] = []
    /// Order values from which a case gets one more priority point, by currency.
    public var highValue: [String: Int64] = ["PLN": 50_000, "EUR": 12_000, "USD": 12_000, "GBP": 10_000, "CAD": 16_000]

    /// The defaults.
    public init() {}

    /// The thresholds for `carrier`.
    public func thresholds(for carrier: String?) -> Thresholds {
        carrier.flatMap { carrierThresholds[$0] } ?? thresholds
    }

    /// True when `minutes` after midnight falls in the quiet hours.
    public func isQuiet(minutes: Int) -> Bool {
        quietStartMinutes <= quietEndMinutes
            ? (minutes >= quietStartMinutes && minutes < quietEndMinutes)
            : (minutes >= quietStartMinutes || minutes < quietEndMinutes)
    }
}
