import Foundation

/// When to look at a shipment again: often when something is about to happen, rarely when
/// nothing will, never once the carrier has said its last word (README, "Sweeps").
public struct CheckSchedule: Sendable, Equatable {
    /// Seconds until the next check, by status; a status missing here uses ``defaultInterval``.
    public var intervals: [TrackingStatus: TimeInterval]
    /// For statuses not listed.
    public var defaultInterval: TimeInterval
    /// First retry after a failure; doubles with each failure in a row.
    public var failureBase: TimeInterval
    /// Retries never wait longer than this.
    public var failureCap: TimeInterval

    /// The defaults: out for delivery 1 h, in transit 4 h, info received 12 h, terminal never;
    /// failures retry after 15 min doubling up to 6 h.
    public static let standard = CheckSchedule(
        intervals: [
            .outForDelivery: 3600, .attemptFailed: 2 * 3600, .availableForPickup: 6 * 3600,
            .inTransit: 4 * 3600, .exception: 4 * 3600, .returning: 12 * 3600,
            .infoReceived: 12 * 3600, .pending: 6 * 3600,
        ],
        defaultInterval: 4 * 3600, failureBase: 15 * 60, failureCap: 6 * 3600)

    /// Creates a schedule.
    public init(intervals: [TrackingStatus: TimeInterval], defaultInterval: TimeInterval, failureBase: TimeInterval, failureCap: TimeInterval) {
        self.intervals = intervals
        self.defaultInterval = defaultInterval
        self.failureBase = failureBase
        self.failureCap = failureCap
    }

    /// The next check after a successful one at `checkedAt`; nil for terminal statuses.
    public func next(after checkedAt: Date, status: TrackingStatus) -> Date? {
        guard !status.isTerminal else { return nil }
        return checkedAt.addingTimeInterval(intervals[status] ?? defaultInterval)
    }

    /// The next check after the `failures`-th failure in a row.
    public func retry(after checkedAt: Date, failures: Int) -> Date {
        checkedAt.addingTimeInterval(Backoff(base: failureBase, cap: failureCap, maxDoublings: 20).delay(after: failures - 1))
    }
}
