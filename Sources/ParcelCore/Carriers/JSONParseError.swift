/// Why ``JSONValue/parse(_:)`` refused some bytes, and where: `offset` counts bytes from the start
/// of the input as given (a UTF-8 byte order mark counts too), so staff can find the spot in a
/// saved carrier answer with any hex viewer. The description reads like
/// `unexpected '}' at byte 17`.
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kinds of malformed JSON, one per rule of RFC 8259 the parser enforces.
    public enum Reason: Sendable, Equatable, CustomStringConvertible {
        /// The input stopped inside a value (or held no value at all); the offset is the input's length.
        case unexpectedEnd
        /// A byte that cannot start or continue the value being read at this point (a stray `}`,
        /// a missing `:` or `,`, a trailing comma, a misspelt `true`…).
        case unexpectedByte(UInt8)
        /// A complete value was followed by something other than whitespace.
        case trailingData(UInt8)
        /// A number with a superfluous leading zero (`01`, `-007`); the offset is the zero's.
        case leadingZero
        /// A number missing its digits: a bare `-`, or nothing after `.` or `e` (`1.`, `2e+`).
        case expectedDigit
        /// A backslash followed by a byte that is not one of `" \ / b f n r t u`; the offset is the backslash's.
        case invalidEscape(UInt8)
        /// `\u` not followed by four hexadecimal digits; the offset is the backslash's.
        case invalidUnicodeEscape
        /// A raw byte below 0x20 inside a string: RFC 8259 requires those to be escaped.
        case controlCharacter(UInt8)
        /// Bytes inside a string that are not well-formed UTF-8 (stray continuation bytes,
        /// overlong forms, encoded surrogates, code points past U+10FFFF, truncated sequences);
        /// the offset is the first byte of the bad sequence.
        case invalidUTF8
        /// Arrays and objects nested deeper than `limit` (``JSONValue/maximumDepth``); the offset is
        /// the bracket that went one level too far. The cap keeps hostile input off the stack.
        case tooDeep(limit: Int)
        /// A key that occurs twice in one object, when duplicates are refused
        /// (``JSONValue/DuplicateKeys/refused``); the offset is the object's `{`.
        case duplicateKey(String)

        /// The reason as a phrase, without the offset.
        public var description: String {
            switch self {
            case .unexpectedEnd: return "unexpected end of input"
            case .unexpectedByte(let byte): return "unexpected \(Self.show(byte))"
            case .trailingData(let byte): return "unexpected \(Self.show(byte)) after the JSON value"
            case .leadingZero: return "leading zero in a number"
            case .expectedDigit: return "expected a digit in a number"
            case .invalidEscape(let byte):
                return (0x20...0x7E).contains(byte)
                    ? "invalid escape '\\\(Character(Unicode.Scalar(byte)))'"
                    : "invalid escape: backslash followed by \(Self.show(byte))"
            case .invalidUnicodeEscape: return "\\u not followed by four hexadecimal digits"
            case .controlCharacter(let byte): return "unescaped control character \(Self.show(byte)) in a string"
            case .invalidUTF8: return "invalid UTF-8 in a string"
            case .tooDeep(let limit): return "arrays and objects nested deeper than \(limit) levels"
            case .duplicateKey(let key): return "the key \"\(key)\" appears twice in the object"
            }
        }

        /// A byte for people: printable ASCII quoted (`'}'`), anything else in hex (`0xFF`).
        static func show(_ byte: UInt8) -> String {
            if (0x20...0x7E).contains(byte) { return "'\(Character(Unicode.Scalar(byte)))'" }
            let hex = String(byte, radix: 16, uppercase: true)
            return byte < 0x10 ? "0x0" + hex : "0x" + hex
        }
    }

    /// Where the problem is: a zero-based byte offset into the input.
    public var offset: Int
    /// What the problem is.
    public var reason: Reason

    /// A sentence for logs and carrier-file diagnostics, e.g. `unexpected '}' at byte 17`.
    public var description: String { "\(reason) at byte \(offset)" }
}
