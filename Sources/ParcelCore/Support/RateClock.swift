/// The time rate limits run on: the carrier gates of a sweep and the server's per-client
/// limiter. ``SystemRateClock`` in production; tests move a manual clock by hand, so bursts,
/// refills and pauses are checked without sleeping.
public protocol RateClock: Sendable {
    /// The time since the clock's origin; only differences between readings mean anything.
    var now: Duration { get }

    /// Returns once ``now`` has reached `deadline` (at once when it already has).
    /// - Throws: `CancellationError` when the task is cancelled first.
    func sleep(until deadline: Duration) async throws
}

/// Real monotonic time (`ContinuousClock`, which keeps counting while the machine sleeps),
/// counted from when this value was made.
public struct SystemRateClock: RateClock {
    private let origin: ContinuousClock.Instant

    /// A clock whose origin is now.
    public init() {
        origin = .now
    }

    /// The time since this value was made.
    public var now: Duration { origin.duration(to: .now) }

    /// Sleeps on `ContinuousClock` until `deadline` after the origin.
    public func sleep(until deadline: Duration) async throws {
        try await Task.sleep(until: origin.advanced(by: deadline), clock: .continuous)
    }
}
