import Foundation

/// The one answer to "what time is it": fixed by `--now` or
/// `PARCELWATCH_NOW` so the demo and the tests are deterministic and never sleep, the system
/// time otherwise.
public struct ParcelClock: Sendable {
    private let fixed: Date?

    /// The system clock.
    public static let system = ParcelClock(fixed: nil)

    /// A clock stopped at `date`.
    public static func fixed(_ date: Date) -> ParcelClock { ParcelClock(fixed: date) }

    private init(fixed: Date?) { self.fixed = fixed }

    /// `explicit` (from `--now`), else `PARCELWATCH_NOW`, else the system clock.
    /// - Throws: ``ConfigError/badNow(_:)`` when the text is not ISO-8601.
    public static func resolve(explicit: String?, environment: [String: String] = ProcessInfo.processInfo.environment) throws(ConfigError) -> ParcelClock {
        guard let text = explicit ?? environment["PARCELWATCH_NOW"], !text.isEmpty else { return .system }
        guard let date = ISOTime.parse(text) else { throw .badNow(text) }
        return .fixed(date)
    }

    /// Now.
    public var now: Date { fixed ?? Date() }

    /// True when the clock is fixed (times never move by themselves).
    public var isFixed: Bool { fixed != nil }
}
