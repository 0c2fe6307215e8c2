import Foundation

/// Owner-independent facts of a new case: who hears about it, how urgent it is, and its SLA
/// deadlines (notice counted outside quiet hours, staff clocks in business days).
public struct IncidentPlan: Sendable, Equatable {
    /// The customer is told.
    public var customerFacing: Bool
    /// Higher is more urgent.
    public var priority: Int
    /// The customer must have heard by then.
    public var noticeDue: Date?
    /// A staff member must have touched the case by then.
    public var firstTouchDue: Date
    /// The case must be resolved by then.
    public var resolutionDue: Date
}

/// Computes ``IncidentPlan``s from the shop's policy.
public struct IncidentPlanner: Sendable {
    private let policy: IncidentPolicy
    private let timeZone: TimeZone
    private let calendar: BusinessCalendar

    /// Creates a planner; staff clocks run on the shop's own business days.
    public init(config: ShopConfig) {
        policy = config.policy
        timeZone = config.timeZone
        calendar = BusinessCalendar(country: config.country, extraHolidays: config.policy.extraHolidays)
    }

    /// The plan for `kind` detected at `now` on an order worth `value`.
    public func plan(kind: IncidentKind, value: Money?, now: Date) -> IncidentPlan {
        let customerFacing = policy.customerFacing.contains(kind)
        var priority = kind.basePriority
        if let value, let threshold = policy.highValue[value.currency], value.minorUnits >= threshold { priority += 1 }
        return IncidentPlan(
            customerFacing: customerFacing, priority: priority,
            noticeDue: customerFacing ? afterWorkingTime(policy.noticeDue, from: now) : nil,
            firstTouchDue: afterBusinessDays(policy.firstTouchDays, from: now),
            resolutionDue: afterBusinessDays(policy.resolutionDays[kind] ?? 2, from: now))
    }

    /// `seconds` of time outside the quiet hours after `start`: at 20:30 with quiet hours from
    /// 21:00, one hour ends at 08:30 the next morning.
    public func afterWorkingTime(_ seconds: TimeInterval, from start: Date) -> Date {
        var now = start
        var remaining = seconds
        for _ in 0..<14 {
            let day = CivilDate(now, in: timeZone)
            let midnight = day.start(in: timeZone)
            let minute = Int(now.timeIntervalSince(midnight) / 60)
            if policy.isQuiet(minutes: minute) {
                // Jump to the end of the quiet hours (today or tomorrow).
                let endDay = minute >= policy.quietEndMinutes && policy.quietStartMinutes > policy.quietEndMinutes ? day.adding(days: 1) : day
                now = endDay.start(in: timeZone).addingTimeInterval(TimeInterval(policy.quietEndMinutes * 60))
                continue
            }
            let quietDay = minute < policy.quietStartMinutes ? day : day.adding(days: 1)
            let quietStart = quietDay.start(in: timeZone).addingTimeInterval(TimeInterval(policy.quietStartMinutes * 60))
            let open = quietStart.timeIntervalSince(now)
            if remaining <= open { return now.addingTimeInterval(remaining) }
            remaining -= open
            now = quietStart
        }
        return now.addingTimeInterval(remaining)
    }

    /// The same wall-clock time `count` business days after `start`'s day.
    public func afterBusinessDays(_ count: Int, from start: Date) -> Date {
        let day = CivilDate(start, in: timeZone)
        let timeOfDay = start.timeIntervalSince(day.start(in: timeZone))
        return calendar.adding(businessDays: count, to: day).start(in: timeZone).addingTimeInterval(timeOfDay)
    }
}
