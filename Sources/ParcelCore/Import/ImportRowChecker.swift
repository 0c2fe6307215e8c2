/// The checks between rows of one import: a carrier + tracking number appears once, and every
/// row of one order describes it alike. Rows are checked one at a time in file order, so a file
/// streamed in batches is judged exactly as a file read whole.
///
/// What it remembers per order is a hash of each field, not the order itself, so a 200,000-row
/// file costs a few bytes per row here instead of a copy of every order.
public struct ImportRowChecker: Sendable {
    /// The order fields whose agreement is checked, named as `difference` reports them.
    private static let fieldNames = [
        "customer_name", "email", "phone", "language", "postcode", "value/currency", "promised_date", "paid_at", "reshippable",
    ]

    private var numberLines: [String: Int] = [:]
    private var orderLines: [String: (line: Int, fields: [Int])] = [:]

    /// A checker that has seen no rows.
    public init() {}

    /// `row`'s rejection when it repeats an earlier row's parcel or disagrees with an earlier row
    /// of its order; nil when it is accepted (and remembered).
    public mutating func check(_ row: ImportRow) -> ImportSummary.Rejection? {
        if let number = row.trackingNumber, let carrier = row.carrier, let earlier = numberLines[carrier + " " + number] {
            return .init(line: row.line, reason: "duplicate: \(carrier) \(number) is already on line \(earlier)")
        }
        let fields = Self.fieldHashes(row.order)
        if let earlier = orderLines[row.order.id], earlier.fields != fields {
            let differing = zip(Self.fieldNames, zip(earlier.fields, fields)).filter { $0.1.0 != $0.1.1 }.map(\.0)
            return .init(
                line: row.line,
                reason: "order \(row.order.id) differs from line \(earlier.line) (\(differing.joined(separator: ", "))); rows of one order must agree")
        }
        if let number = row.trackingNumber, let carrier = row.carrier { numberLines[carrier + " " + number] = row.line }
        if orderLines[row.order.id] == nil { orderLines[row.order.id] = (row.line, fields) }
        return nil
    }

    /// One hash per field of ``fieldNames``, in that order.
    private static func fieldHashes(_ order: Order) -> [Int] {
        func hash(_ value: some Hashable) -> Int {
            var hasher = Hasher()
            hasher.combine(value)
            return hasher.finalize()
        }
        return [
            hash(order.customerName), hash(order.email), hash(order.phone), hash(order.language), hash(order.postcode),
            hash(order.value), hash(order.promisedDate), hash(order.paidAt), hash(order.reshippable),
        ]
    }
}
