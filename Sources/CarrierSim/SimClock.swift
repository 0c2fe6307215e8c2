import Foundation

/// The simulator's own clock: starts at a given instant and moves only when told
/// (`POST /_sim/advance?hours=N`), so fixture times are reproducible and nothing sleeps.
actor SimClock {
    private(set) var now: Date

    init(start: Date) {
        now = start
    }

    /// Moves the clock forward (or back, for negative values).
    func advance(seconds: Double) -> Date {
        now = now.addingTimeInterval(seconds)
        return now
    }
}
