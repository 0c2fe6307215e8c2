import Foundation

/// One validated import row (see ``OrderImporter``).
public struct ImportRow: Sendable, Equatable {
    /// The 1-based line of the row in its file (JSON: the 1-based element index).
    public var line: Int
    /// The order the row describes.
    public var order: Order
    /// The carrier id, when the row has a tracking number.
    public var carrier: String?
    /// The normalised tracking number; nil for an order not yet shipped.
    public var trackingNumber: String?

    /// Creates a row.
    public init(line: Int, order: Order, carrier: String?, trackingNumber: String?) {
        self.line = line
        self.order = order
        self.carrier = carrier
        self.trackingNumber = trackingNumber
    }
}
