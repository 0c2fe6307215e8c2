/// A JSON document as plain Swift values, decoded exactly (a `true` stays a boolean, `3` an
/// integer), for carriers that answer in JSON.
public enum JSONValue: Sendable, Equatable, Decodable {
    /// `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// A number written with a fraction or an exponent (`2.5`, `1e3`, `3.0`), or an integer too
    /// large for `Int64`, as the nearest `Double` (±infinity past the `Double` range).
    case number(Double)
    /// A number written without fraction or exponent that fits `Int64` (`-0` is `0`).
    case integer(Int64)
    /// A string, escapes resolved.
    case string(String)
    /// An array, in document order.
    case array([JSONValue])
    /// An object. When a key occurs more than once the last value wins (carriers' JSON converted
    /// from XML often repeats keys; the last occurrence is what most JSON readers keep too).
    /// Keys compare as Swift strings do, so canonically equivalent spellings (precomposed `é`
    /// and `e` + U+0301) are one key.
    case object([String: JSONValue])

    /// How deeply arrays and objects may nest in ``parse(_:)``: deeper input throws
    /// ``JSONParseError/Reason/tooDeep(limit:)`` instead of exhausting the stack. Real carrier
    /// answers nest a dozen levels at most.
    public static let maximumDepth = 512

    /// Decodes any JSON value through `Codable`, for callers that embed a `JSONValue` in their
    /// own `Decodable` types (carrier answers themselves go through ``parse(_:)``).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .integer(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    /// Parses one RFC 8259 JSON document from UTF-8 bytes, as carriers send them.
    ///
    /// Strict where it matters and tolerant where real carriers need it: a leading UTF-8 byte
    /// order mark is skipped; duplicate object keys keep the last value; escaped lone surrogates
    /// (`"\uD800"`) become U+FFFD. Everything else the RFC forbids is refused — invalid UTF-8 in
    /// strings, raw control characters, leading zeros, whitespace other than space, tab, CR and
    /// LF, anything after the value — as is nesting deeper than ``maximumDepth``. Any input, however
    /// hostile, either parses or throws; nothing crashes, recurses without bound, or loops.
    ///
    /// - Throws: ``JSONParseError`` naming the byte offset and the reason.
    public static func parse(_ bytes: [UInt8]) throws -> JSONValue {
        try JSONParser.parse(bytes)
    }

    /// What ``parse(_:duplicateKeys:)`` does with a key that occurs twice in one object.
    public enum DuplicateKeys: Sendable, Equatable {
        /// The last value wins (carrier answers, see ``parse(_:)``).
        case lastWins
        /// The document is refused with ``JSONParseError/Reason/duplicateKey(_:)`` (data a shop
        /// sends: two values for one field are a mistake to report, not to guess at).
        case refused
    }

    /// Parses like ``parse(_:)``, with duplicate keys treated as `duplicateKeys` says.
    /// - Throws: ``JSONParseError`` naming the byte offset and the reason.
    public static func parse(_ bytes: [UInt8], duplicateKeys: DuplicateKeys) throws(JSONParseError) -> JSONValue {
        try JSONParser.parse(bytes, duplicateKeys: duplicateKeys)
    }

    /// The value as text: strings as they are, numbers and booleans written out, nil for null,
    /// arrays and objects.
    public var text: String? {
        switch self {
        case .string(let value): return value
        case .integer(let value): return String(value)
        case .number(let value): return value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
        case .bool(let value): return value ? "true" : "false"
        case .null, .array, .object: return nil
        }
    }
}
