import Foundation
import ParcelCore

/// One order in a line, for staff (`parcelwatch orders`): its parcels, the customer messages sent
/// about it, its cases and what the shop did.
public struct OrderOverview: Sendable, Equatable, Codable {
    /// One parcel of the order, in the order parcels were added.
    public struct Parcel: Sendable, Equatable, Codable {
        public var carrier: String
        public var trackingNumber: String
        public var status: String
        /// The exception reason, with `exception`.
        public var reason: String?
        /// For a replacement the shop sent: the tracking number of the parcel it replaces.
        public var replaces: String?

        /// Creates a parcel line.
        public init(carrier: String, trackingNumber: String, status: String, reason: String?, replaces: String?) {
            self.carrier = carrier
            self.trackingNumber = trackingNumber
            self.status = status
            self.reason = reason
            self.replaces = replaces
        }
    }

    /// Customer messages about the order.
    public struct Messages: Sendable, Equatable, Codable {
        /// Delivered.
        public var sent: Int
        /// Delivered, by template (`shipped`, `damagedOrLost`, `reshipSent` …).
        public var sentByTemplate: [String: Int]
        /// Queued and not sent yet (held by quiet hours, retrying); superseded ones are not counted.
        public var waiting: Int

        /// Creates the counts.
        public init(sent: Int = 0, sentByTemplate: [String: Int] = [:], waiting: Int = 0) {
            self.sent = sent
            self.sentByTemplate = sentByTemplate
            self.waiting = waiting
        }
    }

    /// The order's cases (its parcels' and its own; carrier-wide ones are nobody's order).
    public struct Cases: Sendable, Equatable, Codable {
        /// Every case ever opened.
        public var opened: Int
        public var openedByKind: [String: Int]
        /// Those closed since (resolved, dismissed, closed by the carrier's news, absorbed).
        public var closed: Int
        public var closedByKind: [String: Int]

        /// Creates the counts.
        public init(opened: Int = 0, openedByKind: [String: Int] = [:], closed: Int = 0, closedByKind: [String: Int] = [:]) {
            self.opened = opened
            self.openedByKind = openedByKind
            self.closed = closed
            self.closedByKind = closedByKind
        }
    }

    /// Something the shop did or was asked to do: a refund, a reship, a voucher, a carrier claim.
    public struct ShopAction: Sendable, Equatable, Codable {
        /// `refund`, `reship`, `compensate`, `carrierClaim`.
        public var kind: String
        /// `proposed`, `pending`, `sending`, `done`, `failed`.
        public var state: String
        /// The case it is for.
        public var incidentId: Int64
        /// Refunds and vouchers: the amount (`45.00 EUR`; a refund without one is the order's value).
        public var amount: String?
        /// Reships: the replacement parcel, once linked.
        public var replacementCarrier: String?
        public var replacementNumber: String?
        /// When it was asked for and, once done, when it was done (ISO-8601 UTC).
        public var requestedAt: String
        public var completedAt: String?

        /// Creates an action line.
        public init(
            kind: String, state: String, incidentId: Int64, amount: String?, replacementCarrier: String?, replacementNumber: String?,
            requestedAt: String, completedAt: String?
        ) {
            self.kind = kind
            self.state = state
            self.incidentId = incidentId
            self.amount = amount
            self.replacementCarrier = replacementCarrier
            self.replacementNumber = replacementNumber
            self.requestedAt = requestedAt
            self.completedAt = completedAt
        }
    }

    public var orderId: String
    public var customerName: String
    /// `129.99 PLN`.
    public var value: String
    public var promisedDate: String?
    /// ISO-8601 UTC.
    public var paidAt: String?
    public var cancelledAt: String?
    public var parcels: [Parcel]
    public var messages: Messages
    public var cases: Cases
    /// Oldest first.
    public var shop: [ShopAction]

    /// Creates an overview.
    public init(
        orderId: String, customerName: String, value: String, promisedDate: String?, paidAt: String?, cancelledAt: String?,
        parcels: [Parcel] = [], messages: Messages = Messages(), cases: Cases = Cases(), shop: [ShopAction] = []
    ) {
        self.orderId = orderId
        self.customerName = customerName
        self.value = value
        self.promisedDate = promisedDate
        self.paidAt = paidAt
        self.cancelledAt = cancelledAt
        self.parcels = parcels
        self.messages = messages
        self.cases = cases
        self.shop = shop
    }
}
