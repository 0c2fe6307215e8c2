import Foundation

/// A parcel the simulator moves through time: which fixture it shows from which moment.
/// Registered with `POST /_sim/parcels` or a `--script` file (a JSON array of these).
public struct ParcelScript: Sendable, Codable, Equatable {
    /// One stage of the parcel's life.
    public struct Stage: Sendable, Codable, Equatable {
        /// Hours after registration when this stage starts showing.
        public var afterHours: Double
        /// Fixture name in `fixtures/<carrier>/` without extension (`in-transit`).
        public var fixture: String

        /// Creates a stage.
        public init(afterHours: Double, fixture: String) {
            self.afterHours = afterHours
            self.fixture = fixture
        }
    }

    /// The carrier id.
    public var carrier: String
    /// The tracking number (for a feed carrier: unused, the fixture holds its numbers).
    public var number: String
    /// Stages in time order.
    public var timeline: [Stage]
    /// When it was registered on the simulator's clock (filled in by the simulator).
    public var registeredAt: Date?

    /// Creates a script.
    public init(carrier: String, number: String, timeline: [Stage], registeredAt: Date? = nil) {
        self.carrier = carrier
        self.number = number
        self.timeline = timeline
        self.registeredAt = registeredAt
    }

    /// The fixture showing at `now`, nil before the first stage.
    func fixture(at now: Date) -> String? {
        let elapsedHours = now.timeIntervalSince(registeredAt ?? now) / 3600
        return timeline.last { $0.afterHours <= elapsedHours + 1e-9 }?.fixture
    }
}
