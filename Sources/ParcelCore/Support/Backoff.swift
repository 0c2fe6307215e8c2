import Foundation

/// A retry delay that doubles with each failure in a row, up to a cap:
/// `min(cap, base × 2^min(failures, maxDoublings))`. Notices, shop-backend actions and failed
/// carrier checks all wait this way, each with its own numbers.
public struct Backoff: Sendable, Equatable {
    /// The delay after the first failure (no earlier failures), in seconds.
    public var base: TimeInterval
    /// No delay is longer than this, in seconds.
    public var cap: TimeInterval
    /// Doubling stops after this many failures (it keeps `pow` finite for any count).
    public var maxDoublings: Int

    /// A backoff from `base` doubling up to `cap`, at most `maxDoublings` times.
    public init(base: TimeInterval, cap: TimeInterval, maxDoublings: Int) {
        self.base = base
        self.cap = cap
        self.maxDoublings = maxDoublings
    }

    /// The delay before the next attempt when `failures` attempts have failed before this one
    /// (0: ``base``); a negative count counts as 0.
    public func delay(after failures: Int) -> TimeInterval {
        min(cap, base * pow(2, Double(min(max(failures, 0), maxDoublings))))
    }
}
