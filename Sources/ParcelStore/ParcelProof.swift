/// What proves a parcel is a customer's: its order's postcode and e-mail, nothing else
/// (``Store/parcelProofs(trackingNumber:)``).
public struct ParcelProof: Sendable, Equatable {
    /// The shipment's id.
    public var shipmentId: Int64
    /// The order the shipment belongs to.
    public var orderId: String
    /// The order's postcode as stored (empty when the order has none).
    public var postcode: String
    /// The order's e-mail address.
    public var email: String

    /// Creates a proof record.
    public init(shipmentId: Int64, orderId: String, postcode: String, email: String) {
        self.shipmentId = shipmentId
        self.orderId = orderId
        self.postcode = postcode
        self.email = email
    }
}
