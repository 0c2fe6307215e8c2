/// A strict `application/x-www-form-urlencoded` decoder for the staff console's forms.
///
/// Strict because a console form is only ever sent by the console's own pages: anything else
/// is refused rather than guessed at. A body is `name=value` pairs joined by `&`; `+` is a
/// space and `%XX` a byte; names are ASCII letters, digits, `_` and `-`; every field appears
/// once; the decoded text must be UTF-8 without control characters other than tab, CR and LF.
struct FormBody: Sendable, Equatable {
    /// Why a body is refused.
    enum Problem: Error, Equatable, CustomStringConvertible {
        case tooLarge(limit: Int)
        case malformed(String)

        var description: String {
            switch self {
            case .tooLarge(let limit): return "the form is larger than \(limit) bytes"
            case .malformed(let detail): return "the form could not be read: \(detail)"
            }
        }
    }

    /// The largest body accepted (a note of a few pages fits easily).
    static let limit = 64 * 1024

    /// The fields by name.
    private(set) var fields: [String: String]

    /// The value of `name`, nil when the form does not have it.
    subscript(name: String) -> String? { fields[name] }

    /// Decodes `bytes`, or says why not.
    init(decoding bytes: some Collection<UInt8>) throws(Problem) {
        guard bytes.count <= Self.limit else { throw .tooLarge(limit: Self.limit) }
        fields = [:]
        guard !bytes.isEmpty else { return }
        for pair in bytes.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: false) {
            guard let equals = pair.firstIndex(of: UInt8(ascii: "=")) else { throw .malformed("a field without '='") }
            let name = try Self.decode(pair[pair.startIndex..<equals])
            guard !name.isEmpty, name.count <= 64, name.unicodeScalars.allSatisfy(Self.isNameScalar) else {
                throw .malformed("a field name that is empty or not letters, digits, '_' and '-'")
            }
            let value = try Self.decode(pair[pair.index(after: equals)...])
            guard fields[name] == nil else { throw .malformed("the field '\(name)' appears twice") }
            fields[name] = value
        }
    }

    private static func isNameScalar(_ scalar: Unicode.Scalar) -> Bool {
        scalar.isASCII && (("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar) || scalar == "_" || scalar == "-")
    }

    /// Percent- and plus-decodes one name or value (with `plusIsSpace` false, `+` stays `+`: a
    /// path segment).
    static func decode(_ encoded: some Collection<UInt8>, plusIsSpace: Bool = true) throws(Problem) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(encoded.count)
        var index = encoded.startIndex
        while index != encoded.endIndex {
            let byte = encoded[index]
            switch byte {
            case UInt8(ascii: "+") where plusIsSpace:
                bytes.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                let high = encoded.index(after: index)
                guard high != encoded.endIndex, encoded.index(after: high) != encoded.endIndex,
                    let upper = hexValue(encoded[high]), let lower = hexValue(encoded[encoded.index(after: high)])
                else {
                    throw .malformed("a '%' not followed by two hex digits")
                }
                bytes.append(upper << 4 | lower)
                index = encoded.index(after: high)
            case 0x21...0x7E:
                bytes.append(byte)
            default:
                throw .malformed("a raw byte 0x\(String(byte, radix: 16)) that should have been percent-encoded")
            }
            index = encoded.index(after: index)
        }
        guard let text = String(validating: bytes, as: UTF8.self) else { throw .malformed("text that is not UTF-8") }
        guard text.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F || $0 == "\t" || $0 == "\r" || $0 == "\n" }) else {
            throw .malformed("a control character")
        }
        return text
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
