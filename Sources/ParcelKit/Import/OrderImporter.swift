import Foundation

/// Turns a shop's order file (CSV or JSON) into validated rows and upserts them, reporting every
/// bad row with its line and reason and importing the rest.
///
/// Re-importing the same file changes nothing: orders and shipments are upserts keyed by order id
/// and by carrier + tracking number.
public struct OrderImporter: Sendable {
    /// The columns, in the documented order (`reshippable` optional).
    public static let columns = [
        "order_id", "customer_name", "email", "phone", "language", "postcode", "value", "currency",
        "promised_date", "paid_at", "carrier", "tracking_number", "reshippable",
    ]
    /// Columns the header must have.
    public static let requiredColumns = Array(columns.dropLast())

    private let registry: CarrierRegistry
    private let config: ShopConfig

    /// Creates an importer that checks carriers and numbers against `registry` and reads
    /// zone-less times in the shop's zone.
    public init(registry: CarrierRegistry, config: ShopConfig) {
        self.registry = registry
        self.config = config
    }

    /// Reads `file` (`.json`, or JSON content starting with `[`; CSV otherwise) into raw field
    /// maps with their lines, plus rows that could not even be read.
    public func records(file: String) throws(ImportError) -> (records: [(line: Int, fields: [String: String])], rejected: [ImportSummary.Rejection]) {
        guard let data = FileManager.default.contents(atPath: file) else { throw .unreadable(file: file, detail: "no such file or not readable") }
        guard let text = String(data: data, encoding: .utf8) else {
            throw .unreadable(file: file, detail: "not UTF-8 text (save the file as UTF-8)")
        }
        let trimmed = text.drop { $0.isWhitespace || $0 == "\u{FEFF}" }
        if file.lowercased().hasSuffix(".json") || trimmed.first == "[" {
            return (try records(json: data, source: file), [])
        }
        return try csvRecords(text: text, file: file)
    }

    private func csvRecords(text: String, file: String) throws(ImportError) -> (
        records: [(line: Int, fields: [String: String])], rejected: [ImportSummary.Rejection]
    ) {
        let csv = CSVReader(text: text)
        guard let header = csv.records.first else { throw .missingColumns(file: file, columns: Self.requiredColumns) }
        let names = header.fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        let missing = Self.requiredColumns.filter { !names.contains($0) }
        guard missing.isEmpty else { throw .missingColumns(file: file, columns: missing) }
        var rejected = csv.failures.map { ImportSummary.Rejection(line: $0.line, reason: $0.reason) }
        var records: [(line: Int, fields: [String: String])] = []
        for record in csv.records.dropFirst() {
            guard record.fields.count == names.count else {
                rejected.append(
                    .init(line: record.line, reason: "has \(record.fields.count) fields, the header has \(names.count) (a comma inside a value needs quotes)"))
                continue
            }
            var fields: [String: String] = [:]
            for (name, value) in zip(names, record.fields) { fields[name] = value }
            records.append((record.line, fields))
        }
        return (records, rejected)
    }

    /// Rows from JSON: an array of objects with the CSV's column names as keys (one object, for
    /// the shop API, is one row). `source` names the input in errors.
    public func records(json data: Data, source file: String) throws(ImportError) -> [(line: Int, fields: [String: String])] {
        let value: JSONValue
        do {
            value = try JSONValue.parse([UInt8](data), duplicateKeys: .refused)
        } catch {
            if case .duplicateKey(let key) = error.reason { throw .badJSON(file: file, detail: "the key \"\(key)\" appears twice in one object") }
            throw .badJSON(file: file, detail: "not valid JSON")
        }
        let items: [JSONValue]
        switch value {
        case .array(let array): items = array
        case .object: items = [value]
        default: throw .badJSON(file: file, detail: "the top level is not an array or an object")
        }
        var records: [(line: Int, fields: [String: String])] = []
        for (index, item) in items.enumerated() {
            guard case .object(let object) = item else { throw .badJSON(file: file, detail: "element \(index + 1) is not an object") }
            var fields: [String: String] = [:]
            for (key, member) in object {
                // Keys are read case-insensitively, so `Order_ID` and `order_id` are one key twice.
                guard fields.updateValue(member.text ?? "", forKey: key.lowercased()) == nil else {
                    throw .badJSON(file: file, detail: "the key \"\(key.lowercased())\" appears twice in element \(index + 1)")
                }
            }
            records.append((index + 1, fields))
        }
        return records
    }

    /// Validates raw rows: each becomes an ``ImportRow`` or a rejection naming its line and the
    /// reason (unknown carrier, invalid number with the check-digit reason, bad date, duplicate).
    public func validate(_ records: [(line: Int, fields: [String: String])]) -> (rows: [ImportRow], rejected: [ImportSummary.Rejection]) {
        var rows: [ImportRow] = []
        var rejected: [ImportSummary.Rejection] = []
        var numberLines: [String: Int] = [:]
        var orderLines: [String: (line: Int, order: Order)] = [:]
        for record in records {
            switch row(record.fields, line: record.line) {
            case .failure(let rejection):
                rejected.append(rejection)
            case .success(let row):
                if let number = row.trackingNumber, let carrier = row.carrier, let earlier = numberLines[carrier + " " + number] {
                    rejected.append(.init(line: row.line, reason: "duplicate: \(carrier) \(number) is already on line \(earlier)"))
                    continue
                }
                if let earlier = orderLines[row.order.id], earlier.order != row.order {
                    rejected.append(
                        .init(
                            line: row.line,
                            reason:
                                "order \(row.order.id) differs from line \(earlier.line) (\(Self.difference(earlier.order, row.order))); rows of one order must agree"
                        ))
                    continue
                }
                if let number = row.trackingNumber, let carrier = row.carrier { numberLines[carrier + " " + number] = row.line }
                if orderLines[row.order.id] == nil { orderLines[row.order.id] = (row.line, row.order) }
                rows.append(row)
            }
        }
        return (rows, rejected)
    }

    /// Validates and stores; rows the store rejects (a number that belongs to another order)
    /// join the rejections.
    public func run(
        _ records: [(line: Int, fields: [String: String])], readRejections: [ImportSummary.Rejection] = [],
        store: any Store, dryRun: Bool, actor: String, at: Date
    ) async throws(StoreError) -> ImportSummary {
        let (rows, rejected) = validate(records)
        let outcomes = try await store.importRows(rows, dryRun: dryRun, actor: actor, at: at)
        var summary = ImportSummary(imported: 0, unchanged: 0, rejected: readRejections + rejected, dryRun: dryRun)
        for (row, outcome) in zip(rows, outcomes) {
            switch outcome {
            case .imported: summary.imported += 1
            case .unchanged: summary.unchanged += 1
            case .rejected(let reason): summary.rejected.append(.init(line: row.line, reason: reason))
            }
        }
        summary.rejected.sort { $0.line < $1.line }
        return summary
    }

    /// One row's fields checked and converted.
    public func row(_ fields: [String: String], line: Int) -> Result<ImportRow, ImportSummary.Rejection> {
        func value(_ key: String) -> String { (fields[key] ?? "").trimmingCharacters(in: .whitespacesAndNewlines) }
        func reject(_ reason: String) -> Result<ImportRow, ImportSummary.Rejection> { .failure(.init(line: line, reason: reason)) }

        let id = value("order_id")
        guard !id.isEmpty else { return reject("order_id is empty") }
        guard id.count <= 64, !id.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            return reject("order_id must be at most 64 printable characters")
        }
        let name = value("customer_name")
        guard !name.isEmpty else { return reject("customer_name is empty") }
        let email = value("email").lowercased()
        guard Self.isEmail(email) else { return reject("email '\(email)' is not an e-mail address") }
        var phone: String? = value("phone").filter { !$0.isWhitespace && $0 != "-" && $0 != "(" && $0 != ")" }
        if phone == "" { phone = nil }
        if let phone, !Self.isE164(phone) { return reject("phone '\(value("phone"))' is not in international form such as +48601234567") }
        let language = value("language").lowercased()
        guard language.count == 2, language.allSatisfy({ $0.isASCII && $0.isLetter }) else {
            return reject("language '\(value("language"))' is not a two-letter code (pl, en, es, lt)")
        }
        let postcode = value("postcode").uppercased()
        guard !postcode.isEmpty, postcode.count <= 16 else { return reject("postcode is empty or longer than 16 characters") }
        let currency = value("currency").uppercased()
        guard currency.count == 3, currency.allSatisfy({ $0.isASCII && $0.isLetter }) else {
            return reject("currency '\(value("currency"))' is not a three-letter ISO code such as PLN or EUR")
        }
        guard let money = Money(decimal: value("value"), currency: currency) else {
            return reject("value '\(value("value"))' is not an amount such as 129.99")
        }
        let promised = value("promised_date")
        if !promised.isEmpty, !Self.isCivilDate(promised) {
            return reject("bad date: promised_date '\(promised)' is not a date in the form YYYY-MM-DD")
        }
        var paidAt: Date?
        let paidText = value("paid_at")
        if !paidText.isEmpty {
            guard let parsed = ISOTime.parse(paidText, zone: config.timeZone) else {
                return reject("bad date: paid_at '\(paidText)' is not ISO-8601 such as 2026-11-18T09:30:00+01:00")
            }
            paidAt = parsed
        }
        var reshippable = true
        switch value("reshippable").lowercased() {
        case "", "true", "yes", "1": reshippable = true
        case "false", "no", "0": reshippable = false
        default: return reject("reshippable '\(value("reshippable"))' must be true or false")
        }
        let order = Order(
            id: id, customerName: name, email: email, phone: phone, language: language, postcode: postcode, value: money,
            promisedDate: promised.isEmpty ? nil : promised, paidAt: paidAt, reshippable: reshippable)

        let numberText = value("tracking_number")
        let carrierText = value("carrier").lowercased()
        guard !numberText.isEmpty else {
            if !carrierText.isEmpty { return reject("carrier '\(carrierText)' is given but tracking_number is empty") }
            return .success(ImportRow(line: line, order: order, carrier: nil, trackingNumber: nil))
        }
        let number = CarrierRegistry.normalize(numberText)
        if !carrierText.isEmpty {
            guard let carrier = try? registry.carrier(carrierText) else {
                return reject("unknown carrier '\(carrierText)' (known: \(registry.carriers.map(\.id).joined(separator: ", ")))")
            }
            if let reason = registry.rejection(of: number, carrier: carrier) {
                return reject("invalid tracking number \(number) for \(carrier.id): \(reason)")
            }
            return .success(ImportRow(line: line, order: order, carrier: carrier.id, trackingNumber: number))
        }
        let candidates = registry.detect(number)
        var valid = candidates.filter(\.valid)
        // A UPU S10 number ends in its origin country: prefer the one carrier of that country.
        let suffix = String(number.suffix(2))
        let ofCountry = valid.filter { (try? registry.carrier($0.carrier).country) == suffix }
        if valid.count > 1, suffix.allSatisfy(\.isLetter), ofCountry.count == 1 { valid = ofCountry }
        switch valid.count {
        case 1:
            return .success(ImportRow(line: line, order: order, carrier: valid[0].carrier, trackingNumber: number))
        case 0:
            let reasons = candidates.map { "\($0.carrier): \($0.reason ?? "invalid")" }.joined(separator: "; ")
            return reject("invalid tracking number \(number): " + (reasons.isEmpty ? "no carrier uses numbers like this" : reasons))
        default:
            return reject("tracking number \(number) fits several carriers (\(valid.map(\.carrier).joined(separator: ", "))); fill the carrier column")
        }
    }

    static func isEmail(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."), !parts[1].hasSuffix("."),
            text.count <= 254
        else { return false }
        return !text.contains { $0.isWhitespace || $0 == "," || $0 == ";" || $0 == "<" || $0 == ">" }
    }

    static func isE164(_ text: String) -> Bool {
        guard text.hasPrefix("+") else { return false }
        let digits = text.dropFirst()
        return (7...15).contains(digits.count) && digits.allSatisfy { $0.isASCII && $0.isNumber } && digits.first != "0"
    }

    /// `YYYY-MM-DD` naming a real day.
    public static func isCivilDate(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
            (1...12).contains(month)
        else { return false }
        return (1...CivilTime.daysInMonth(year: year, month: month)).contains(day)
    }

    private static func difference(_ lhs: Order, _ rhs: Order) -> String {
        var fields: [String] = []
        if lhs.customerName != rhs.customerName { fields.append("customer_name") }
        if lhs.email != rhs.email { fields.append("email") }
        if lhs.phone != rhs.phone { fields.append("phone") }
        if lhs.language != rhs.language { fields.append("language") }
        if lhs.postcode != rhs.postcode { fields.append("postcode") }
        if lhs.value != rhs.value { fields.append("value/currency") }
        if lhs.promisedDate != rhs.promisedDate { fields.append("promised_date") }
        if lhs.paidAt != rhs.paidAt { fields.append("paid_at") }
        if lhs.reshippable != rhs.reshippable { fields.append("reshippable") }
        return fields.joined(separator: ", ")
    }
}
