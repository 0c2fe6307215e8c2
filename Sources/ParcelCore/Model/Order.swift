import Foundation

/// A customer's order as the shop sold it: who to tell, in which language, what was promised.
///
/// An order may have no shipment yet (that is how "paid but never shipped" is caught) or several.
public struct Order: Sendable, Equatable, Codable {
    /// The shop's order id.
    public var id: String
    /// The customer's name as the shop has it.
    public var customerName: String
    /// Where customer notices go.
    public var email: String
    /// Phone in E.164, where known (SMS notices).
    public var phone: String?
    /// Language of every customer-facing text (`pl`, `en`, `es`, `lt`).
    public var language: String
    /// The recipient's postcode: carriers may ask for it, customers prove who they are with it.
    public var postcode: String
    /// The order's value.
    public var value: Money
    /// The promised delivery day in the shop's time zone, `YYYY-MM-DD`.
    public var promisedDate: String?
    /// When the customer paid.
    public var paidAt: Date?
    /// May this order be reshipped from stock.
    public var reshippable: Bool

    /// Creates an order.
    public init(
        id: String, customerName: String, email: String, phone: String?, language: String, postcode: String,
        value: Money, promisedDate: String?, paidAt: Date?, reshippable: Bool
    ) {
        self.id = id
        self.customerName = customerName
        self.email = email
        self.phone = phone
        self.language = language
        self.postcode = postcode
        self.value = value
        self.promisedDate = promisedDate
        self.paidAt = paidAt
        self.reshippable = reshippable
    }
}

/// An amount in a currency's minor units, so 129.99 PLN is exactly 12999 grosze and never a
/// binary fraction.
public struct Money: Sendable, Equatable, Hashable, Codable, CustomStringConvertible {
    /// Minor units (cents, grosze).
    public var minorUnits: Int64
    /// ISO 4217 code, upper case.
    public var currency: String

    /// Creates an amount.
    public init(minorUnits: Int64, currency: String) {
        self.minorUnits = minorUnits
        self.currency = currency
    }

    /// Reads `129.99`, `129,99` or `130` (two decimals at most); nil for anything else.
    public init?(decimal text: String, currency: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: ",", with: ".")
        let parts = trimmed.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let whole = Int64(parts[0]), whole >= 0, !parts[0].hasPrefix("+"),
            parts[0].allSatisfy(\.isASCII)
        else { return nil }
        var fraction: Int64 = 0
        if parts.count == 2 {
            let digits = parts[1]
            guard (1...2).contains(digits.count), digits.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int64(digits) else { return nil }
            fraction = digits.count == 1 ? value * 10 : value
        }
        let (product, overflow) = whole.multipliedReportingOverflow(by: 100)
        guard !overflow else { return nil }
        minorUnits = product + fraction
        self.currency = currency
    }

    /// `129.99`: the amount without currency, two decimals.
    public var decimalText: String {
        let sign = minorUnits < 0 ? "-" : ""
        let magnitude = minorUnits.magnitude
        let cents = magnitude % 100
        return "\(sign)\(magnitude / 100).\(cents < 10 ? "0" : "")\(cents)"
    }

    /// `129.99 PLN`.
    public var description: String { "\(decimalText) \(currency)" }
}
