import Foundation

/// An order as it stands, in the facts every customer-facing text must agree on: each parcel
/// (replacements included) with its status and promise, and what the shop did (a refund issued
/// or under way, a replacement sent or being prepared). The page, `track` and every notice state
/// it, so no message can contradict another or lag behind what the shop already did.
public struct OrderStory: Sendable, Equatable, Codable {
    /// One parcel of the order.
    public struct Parcel: Sendable, Equatable, Codable {
        public var carrier: String
        public var trackingNumber: String
        public var status: String
        /// True for a replacement the shop sent.
        public var replacement: Bool
        /// The day this parcel is promised for (a replacement's own, else the order's).
        public var promisedDate: String?
        /// The carrier's own estimate, ISO-8601 UTC.
        public var estimatedDelivery: String?

        /// Creates a parcel line.
        public init(carrier: String, trackingNumber: String, status: String, replacement: Bool, promisedDate: String?, estimatedDelivery: String?) {
            self.carrier = carrier
            self.trackingNumber = trackingNumber
            self.status = status
            self.replacement = replacement
            self.promisedDate = promisedDate
            self.estimatedDelivery = estimatedDelivery
        }
    }

    /// Something the shop did or is doing for the customer.
    public struct ShopAction: Sendable, Equatable, Codable {
        /// `refund` or `reship`.
        public var kind: String
        /// `pending` (under way) or `done`.
        public var state: String
        /// The refunded amount, as text (`129.99 PLN`).
        public var amount: String?
        /// The replacement's carrier and number, once it shipped.
        public var carrier: String?
        public var trackingNumber: String?

        /// Creates an action line.
        public init(kind: String, state: String, amount: String?, carrier: String?, trackingNumber: String?) {
            self.kind = kind
            self.state = state
            self.amount = amount
            self.carrier = carrier
            self.trackingNumber = trackingNumber
        }
    }

    /// Every parcel of the order, in the order they were added.
    public var parcels: [Parcel]
    /// What the shop did, oldest first.
    public var shop: [ShopAction]

    /// Creates a story.
    public init(parcels: [Parcel], shop: [ShopAction]) {
        self.parcels = parcels
        self.shop = shop
    }

    /// True once the order was refunded (issued or under way).
    public var refunded: Bool { shop.contains { $0.kind == "refund" } }

    /// The story in `phrases`' language, one line per parcel and per thing the shop did;
    /// `carrierNames` turns ids into names.
    public func lines(_ phrases: CustomerPhrases, carrierNames: [String: String] = [:], dates: (String) -> String = { $0 }) -> [String] {
        var lines: [String] = []
        for parcel in parcels {
            var line = "\(carrierNames[parcel.carrier] ?? parcel.carrier) \(parcel.trackingNumber)"
            if parcel.replacement { line += " (\(phrases["order.replacement"]))" }
            line += ": " + phrases.status(TrackingStatus(rawValue: parcel.status) ?? .unknown)
            // A date only for a parcel still coming: a damaged, lost or returning one has none to keep.
            if TrackingStatus(rawValue: parcel.status)?.isComing == true, let expected = parcel.estimatedDelivery ?? parcel.promisedDate {
                line += ", \(phrases["order.expected"]) \(dates(expected))"
            }
            lines.append(line)
        }
        lines += shop.map { action(phrases, $0, carrierNames: carrierNames) }
        return lines
    }

    /// One thing the shop did, in words.
    public func action(_ phrases: CustomerPhrases, _ action: ShopAction, carrierNames: [String: String] = [:]) -> String {
        let key: String
        switch (action.kind, action.state) {
        case ("reship", "done") where action.trackingNumber != nil: key = "story.reshipSent"
        case ("reship", _): key = "story.reshipPending"
        case ("refund", "done"): key = "story.refundIssued"
        default: key = "story.refundPending"
        }
        return phrases[key].replacingOccurrences(of: "{carrier}", with: action.carrier.map { carrierNames[$0] ?? $0 } ?? "")
            .replacingOccurrences(of: "{number}", with: action.trackingNumber ?? "")
            .replacingOccurrences(of: "{amount}", with: action.amount ?? "")
    }
}
