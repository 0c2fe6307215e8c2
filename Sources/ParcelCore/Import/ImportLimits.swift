import Foundation

/// How much one import may bring in, so a runaway export cannot exhaust the machine or the
/// database: the file's size (checked before it is read), the number of rows, and the length of
/// each field. A field also may not hold a control character (NUL, a tab, a line break, DEL, …):
/// SQLite would cut a name at a NUL, and nothing a shop sends needs one.
///
/// `parcelwatch import` takes them from `--max-file-size`, `--max-rows`, `--max-field-length`
/// and `--max-name-length`; the shop API uses the defaults.
public struct ImportLimits: Sendable, Equatable {
    /// The largest file read, in bytes (default 64 MiB).
    public var maxFileBytes: Int
    /// The most rows (CSV records after the header, or JSON elements) one import takes (default 200,000).
    public var maxRows: Int
    /// The longest field, in characters (default 1,000).
    public var maxFieldLength: Int
    /// The longest `customer_name`, in characters (default 256).
    public var maxNameLength: Int

    /// Limits; the defaults are the documented ones.
    public init(maxFileBytes: Int = 64 * 1024 * 1024, maxRows: Int = 200_000, maxFieldLength: Int = 1_000, maxNameLength: Int = 256) {
        self.maxFileBytes = maxFileBytes
        self.maxRows = maxRows
        self.maxFieldLength = maxFieldLength
        self.maxNameLength = maxNameLength
    }

    /// The documented defaults.
    public static let defaults = ImportLimits()

    /// The longest value allowed in `column`.
    public func maxLength(of column: String) -> Int {
        column == "customer_name" ? maxNameLength : maxFieldLength
    }

    /// The first field of a row that is too long or holds a control character, as a reason
    /// naming the field (`customer_name: 20,971,520 characters, the limit is 256`); nil when every
    /// field is fine. Columns are checked in the documented order, then the others by name.
    /// Lengths count the raw value, control characters the value as it would be stored (trimmed).
    public func problem(in fields: [String: String]) -> String? {
        let known = OrderImporter.columns.filter { fields[$0] != nil }
        let others = fields.keys.filter { !OrderImporter.columns.contains($0) }.sorted()
        for column in known + others {
            guard let value = fields[column] else { continue }
            let limit = maxLength(of: column)
            // A character is at least one byte: only a long value needs counting.
            if value.utf8.count > limit, value.count > limit {
                return "\(column): \(Self.grouped(value.count)) characters, the limit is \(Self.grouped(limit))"
            }
            let stored = value.trimmingCharacters(in: .whitespacesAndNewlines)
            if let hit = stored.unicodeScalars.enumerated().first(where: { $0.element.properties.generalCategory == .control }) {
                return "\(column): control character \(Self.codePoint(hit.element)) at position \(hit.offset + 1)"
                    + " (NUL, tabs, line breaks and other control characters are not allowed)"
            }
        }
        return nil
    }

    /// A size in bytes from `67108864`, `64M`, `64MiB`, `512k` or `1G` (binary units); nil when unreadable.
    public static func byteCount(_ text: String) -> Int? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).uppercased()
        let digits = trimmed.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, let number = Int(digits) else { return nil }
        let unit: Int
        switch trimmed.dropFirst(digits.count) {
        case "", "B": unit = 1
        case "K", "KB", "KIB": unit = 1024
        case "M", "MB", "MIB": unit = 1024 * 1024
        case "G", "GB", "GIB": unit = 1024 * 1024 * 1024
        default: return nil
        }
        let (bytes, overflow) = number.multipliedReportingOverflow(by: unit)
        return overflow ? nil : bytes
    }

    /// `20971520` as `20,971,520`.
    static func grouped(_ number: Int) -> String {
        let digits = String(number.magnitude)
        var groups: [Substring] = []
        var end = digits.endIndex
        while end > digits.startIndex {
            let start = digits.index(end, offsetBy: -3, limitedBy: digits.startIndex) ?? digits.startIndex
            groups.insert(digits[start..<end], at: 0)
            end = start
        }
        return (number < 0 ? "-" : "") + groups.joined(separator: ",")
    }

    /// `U+0000`.
    private static func codePoint(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }
}
