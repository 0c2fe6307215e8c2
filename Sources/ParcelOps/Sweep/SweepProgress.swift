import ParcelCore
import ParcelStore

/// How far a sweep has got, reported after every shipment so a terminal can draw a bar.
public struct SweepProgress: Sendable, Equatable {
    /// Shipments finished (checked or skipped).
    public var done: Int
    /// Shipments due when the sweep started.
    public var total: Int
    /// Failed checks so far.
    public var errors: Int
    /// Seconds since the sweep started.
    public var elapsed: Double
}
