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
    let limits: ImportLimits

    /// Creates an importer that checks carriers and numbers against `registry`, reads
    /// zone-less times in the shop's zone and refuses what exceeds `limits`.
    public init(registry: CarrierRegistry, config: ShopConfig, limits: ImportLimits = .defaults) {
        self.registry = registry
        self.config = config
        self.limits = limits
    }

    /// Reads `file` (`.json`, or JSON content starting with `[`; CSV otherwise) into raw field
    /// maps with their lines, plus rows that could not even be read. A file larger than the
    /// limit is refused before it is read.
    public func records(file: String) throws(ImportError) -> (records: [(line: Int, fields: [String: String])], rejected: [ImportSummary.Rejection]) {
        let data = try read(file: file)
        guard let text = String(data: data, encoding: .utf8) else {
            throw .unreadable(file: file, detail: "not UTF-8 text (save the file as UTF-8)")
        }
        let trimmed = text.drop { $0.isWhitespace || $0 == "\u{FEFF}" }
        if file.lowercased().hasSuffix(".json") || trimmed.first == "[" {
            return (try records(json: data, source: file), [])
        }
        return try csvRecords(text: text, file: file)
    }

    /// The file's bytes, at most ``ImportLimits/maxFileBytes`` of them: its size is checked
    /// first, and a file that grows (or a pipe) is cut off one byte past the limit.
    private func read(file: String) throws(ImportError) -> Data {
        guard let handle = FileHandle(forReadingAtPath: file) else { throw .unreadable(file: file, detail: "no such file or not readable") }
        defer { try? handle.close() }
        // A regular file's size, from seeking to its end (a pipe cannot seek: it is cut off below).
        if let size = try? handle.seekToEnd() {
            if size > UInt64(limits.maxFileBytes) { throw .tooLarge(file: file, bytes: Int(clamping: size), limit: limits.maxFileBytes) }
            do { try handle.seek(toOffset: 0) } catch { throw .unreadable(file: file, detail: "\(error.localizedDescription)") }
        }
        let data: Data
        do { data = try handle.read(upToCount: limits.maxFileBytes + 1) ?? Data() } catch {
            throw .unreadable(file: file, detail: "\(error.localizedDescription)")
        }
        guard data.count <= limits.maxFileBytes else { throw .tooLarge(file: file, bytes: nil, limit: limits.maxFileBytes) }
        return data
    }

    private func csvRecords(text: String, file: String) throws(ImportError) -> (
        records: [(line: Int, fields: [String: String])], rejected: [ImportSummary.Rejection]
    ) {
        let csv = CSVReader(text: text)
        guard let header = csv.records.first else { throw .missingColumns(file: file, columns: Self.requiredColumns) }
        let names = header.fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        let missing = Self.requiredColumns.filter { !names.contains($0) }
        guard missing.isEmpty else { throw .missingColumns(file: file, columns: missing) }
        if csv.records.count - 1 > limits.maxRows { throw .tooManyRows(file: file, line: csv.records[limits.maxRows + 1].line, limit: limits.maxRows) }
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
        if items.count > limits.maxRows { throw .tooManyRows(file: file, line: limits.maxRows + 1, limit: limits.maxRows) }
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
        var checker = ImportRowChecker()
        for record in records {
            switch row(record.fields, line: record.line) {
            case .failure(let rejection):
                rejected.append(rejection)
            case .success(let row):
                if let rejection = checker.check(row) {
                    rejected.append(rejection)
                } else {
                    rows.append(row)
                }
            }
        }
        return (rows, rejected)
    }

    /// What the import summary says about a row whose postcode has no letters or digits.
    package static func noPostcodeNote(_ given: String) -> String {
        let trimmed = given.trimmingCharacters(in: .whitespacesAndNewlines)
        let what = trimmed.isEmpty ? "postcode is empty" : "postcode '\(trimmed)' has no letters or digits"
        return what + ": imported as no postcode; the customer proves the order with its e-mail"
    }

    /// One row's fields checked and converted. A field over the limits or holding a control
    /// character rejects the row first; a postcode without letters or digits (`-`, `.`, empty)
    /// is stored as no postcode (empty).
    public func row(_ fields: [String: String], line: Int) -> Result<ImportRow, ImportSummary.Rejection> {
        func value(_ key: String) -> String { (fields[key] ?? "").trimmingCharacters(in: .whitespacesAndNewlines) }
        func reject(_ reason: String) -> Result<ImportRow, ImportSummary.Rejection> { .failure(.init(line: line, reason: reason)) }
        if let problem = limits.problem(in: fields) { return reject(problem) }

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
        // Shops write `-` where there is no postcode: that, like nothing at all, proves nothing.
        let postcode = CustomerProof.isPostcode(value("postcode")) ? value("postcode").uppercased() : ""
        guard postcode.count <= 16 else { return reject("postcode is longer than 16 characters") }
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
}
