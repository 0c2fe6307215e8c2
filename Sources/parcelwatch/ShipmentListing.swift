import ParcelCore

/// One shipment as `parcelwatch shipments --json` prints it: the stored row's keys and the
/// delivery estimate (`estimate`, null when there is none: delivered, or nothing to go on).
struct ShipmentListing: Encodable {
    /// The stored row.
    let row: ShipmentRow
    /// The estimate, explained in the order's language.
    let estimate: EstimateView?

    private enum CodingKeys: String, CodingKey { case estimate }

    /// The row's keys, then `estimate` in the same object.
    func encode(to encoder: any Encoder) throws {
        try row.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(estimate, forKey: .estimate)
    }
}
