import Foundation
import ParcelCore

/// One page of the stored delivery history (``Store/Lanes/deliveries(since:after:limit:)``), in
/// delivery order, and where the next page starts.
public struct DeliveryPage: Sendable {
    /// A place in the history's order: delivery time, then the row's sequence number, which no two
    /// rows share, so pages neither skip nor repeat a row.
    public struct Position: Sendable, Hashable {
        /// The delivery time, seconds since 1970.
        public let deliveredAt: Double
        /// The row's sequence number.
        public let seq: Int64

        /// A position from its parts.
        public init(deliveredAt: Double, seq: Int64) {
            self.deliveredAt = deliveredAt
            self.seq = seq
        }
    }

    /// The parcels on this page.
    public let parcels: [DeliveredParcel]
    /// Where the next page starts; nil when this page is the last.
    public let next: Position?

    /// A page from its parts.
    public init(parcels: [DeliveredParcel], next: Position?) {
        self.parcels = parcels
        self.next = next
    }
}
