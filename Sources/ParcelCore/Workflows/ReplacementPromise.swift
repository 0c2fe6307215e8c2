import Foundation

/// How a replacement parcel's own promised day is set: the shop's `reship_promise_days` from the
/// day it is linked, else the lead time the original parcel was given (its first carrier scan to
/// the order's promised day, at least one day). Days are the shop's calendar days.
public struct ReplacementPromise: Sendable {
    /// `incidents.reship_promise_days`, when set.
    public var days: Int?
    /// The shop's zone.
    public var timeZone: TimeZone

    /// The shop's settings.
    public init(config: ShopConfig) {
        days = config.policy.reshipPromiseDays
        timeZone = config.timeZone
    }

    /// The replacement's promised day when linked at `now`, for an original first scanned at
    /// `dispatched` and promised for `promised`; nil when neither setting nor lead time is known.
    public func date(now: Date, dispatched: Date?, promised: String?) -> String? {
        let today = CivilDate(now, in: timeZone)
        if let days { return today.adding(days: days).description }
        guard let dispatched, let promised = promised.flatMap(CivilDate.init) else { return nil }
        let lead = max(1, promised.daysSince1970 - CivilDate(dispatched, in: timeZone).daysSince1970)
        return today.adding(days: lead).description
    }
}

/// A replacement parcel to link to a case: its carrier and number, the customer's notice that it
/// shipped, and how its own promise is set.
public struct ReplacementLink: Sendable {
    public var carrier: String
    public var trackingNumber: String
    public var notice: NoticeDraft?
    public var promise: ReplacementPromise

    /// Creates a link.
    public init(carrier: String, trackingNumber: String, notice: NoticeDraft?, promise: ReplacementPromise) {
        self.carrier = carrier
        self.trackingNumber = trackingNumber
        self.notice = notice
        self.promise = promise
    }
}
