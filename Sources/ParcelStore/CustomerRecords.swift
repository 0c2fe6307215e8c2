import Foundation
import ParcelCore

/// Everything Parcelwatch holds about one customer (`parcelwatch customer export`).
public struct CustomerExport: Sendable, Equatable, Encodable {
    /// One order with what hangs off it.
    public struct OrderRecord: Sendable, Equatable, Encodable {
        public var order: Order
        public var shipments: [ShipmentRecord]
        public var incidents: [IncidentRecord]
        public var notices: [NoticeRecord]
    }

    /// A parcel and its carrier events.
    public struct ShipmentRecord: Sendable, Equatable, Encodable {
        public var carrier: String
        public var trackingNumber: String
        public var status: String
        public var events: [TrackingReport.Event]
    }

    /// A case as the customer may see it (no staff notes, no staff names).
    public struct IncidentRecord: Sendable, Equatable, Encodable {
        public var kind: String
        public var status: String
        public var detectedAt: String
        public var closedAt: String?
    }

    /// A notice sent (or to be sent) to the customer.
    public struct NoticeRecord: Sendable, Equatable, Encodable {
        public var subject: String
        public var body: String
        public var language: String
        public var sentAt: String?
    }

    /// The e-mail asked about.
    public var email: String
    public var orders: [OrderRecord]
}

extension CustomerExport {
    /// The export of `email` written a page of orders at a time, byte for byte what
    /// ``ParcelCore/JSONOutput/data(_:)`` writes for the whole export: `orders` is its last field.
    public static func stream(email: String) throws -> JSONArrayStream {
        var opening = Data("{\n  \"email\" : ".utf8)
        opening.append(try JSONOutput.encoder().encode(email))
        opening.append(Data(",\n  \"orders\" : [\n".utf8))
        return JSONArrayStream(
            opening: opening, closing: Data("\n  ]\n}\n".utf8), empty: try JSONOutput.data(CustomerExport(email: email, orders: [])), depth: 2)
    }
}
