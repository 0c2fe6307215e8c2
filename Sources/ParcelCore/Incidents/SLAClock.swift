import Foundation

/// The deadlines a case runs against. The raw value is the clock's name wherever it is kept or
/// shown: the `escalations.clock` column, JSON (`breaches`, `sla`), metric labels.
public enum SLAClock: String, Sendable, Codable, CaseIterable {
    /// The customer must have heard by ``Incident/noticeDue`` (customer-facing cases only).
    case notice
    /// A staff member must have acted by ``Incident/firstTouchDue``.
    case firstTouch
    /// The case must be closed by ``Incident/resolutionDue``.
    case resolution
}

extension Incident {
    /// The deadline of `clock`; nil for ``SLAClock/notice`` on a staff-only case.
    public func due(_ clock: SLAClock) -> Date? {
        switch clock {
        case .notice: noticeDue
        case .firstTouch: firstTouchDue
        case .resolution: resolutionDue
        }
    }

    /// When `clock` was met (the customer notified, the case first touched, closed); nil while it runs.
    public func met(_ clock: SLAClock) -> Date? {
        switch clock {
        case .notice: notifiedAt
        case .firstTouch: firstTouchedAt
        case .resolution: closedAt
        }
    }

    /// The clocks of an open case whose deadline passed before `now` without being met, in
    /// ``SLAClock/allCases`` order; none for a closed case.
    public func overdueClocks(at now: Date) -> [SLAClock] {
        guard !status.isClosed else { return [] }
        return SLAClock.allCases.filter { clock in
            guard let due = due(clock) else { return false }
            return met(clock) == nil && due < now
        }
    }
}
