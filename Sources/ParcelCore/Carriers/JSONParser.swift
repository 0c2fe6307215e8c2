/// The RFC 8259 reader behind ``JSONValue/parse(_:)``: one recursive-descent pass over the bytes
/// through an unsafe buffer pointer, building `[JSONValue]` and `[String: JSONValue]` directly.
///
/// Why by hand rather than `JSONDecoder`: carrier answers are parsed on every sweep, and decoding
/// `JSONValue` through `Codable` tries each type in turn at every node; this reads each byte
/// once, allocates little beyond the arrays, dictionaries and long strings the document itself
/// needs (three scratch stacks, reused for the whole document), and reports errors with a byte
/// offset.
///
/// Safety on hostile input rests on three rules: every read is preceded by an `index < count`
/// check (so the unchecked pointer reads never leave the buffer), every loop advances `index`
/// (so nothing spins), and nesting is capped at ``JSONValue/maximumDepth`` (so recursion is bounded).
struct JSONParser {
    /// The input.
    private let bytes: UnsafeBufferPointer<UInt8>
    /// The next byte to read.
    private var index = 0
    /// Arrays and objects currently open.
    private var depth = 0
    /// Decoded bytes of the current string when it holds escapes, reused across strings.
    private var scratch: [UInt8] = []
    /// Elements of the arrays being read, innermost last: each array is built at its close with
    /// exactly its size, instead of growing by doubling.
    private var elements: [JSONValue] = []
    /// Members of the objects being read, innermost last: each dictionary is built at its close
    /// with room for all of them, so it never rehashes while filling.
    private var members: [(key: String, value: JSONValue)] = []
    /// What a key that occurs twice in one object does.
    private let duplicateKeys: JSONValue.DuplicateKeys

    private init(bytes: UnsafeBufferPointer<UInt8>, duplicateKeys: JSONValue.DuplicateKeys) {
        self.bytes = bytes
        self.duplicateKeys = duplicateKeys
    }

    /// Parses a whole document: optional BOM, whitespace, one value, whitespace, end.
    static func parse(_ input: [UInt8], duplicateKeys: JSONValue.DuplicateKeys = .lastWins) throws(JSONParseError) -> JSONValue {
        try input.withUnsafeBufferPointer { (buffer) throws(JSONParseError) -> JSONValue in
            var parser = JSONParser(bytes: buffer, duplicateKeys: duplicateKeys)
            return try parser.document()
        }
    }

    // MARK: Structure

    private mutating func document() throws(JSONParseError) -> JSONValue {
        let count = bytes.count
        if count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { index = 3 }
        skipWhitespace()
        let value = try value()
        skipWhitespace()
        if index < count { throw JSONParseError(offset: index, reason: .trailingData(bytes[index])) }
        return value
    }

    /// One value starting at `index` (whitespace already skipped).
    private mutating func value() throws(JSONParseError) -> JSONValue {
        guard index < bytes.count else { throw JSONParseError(offset: index, reason: .unexpectedEnd) }
        switch bytes[index] {
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "{"): return try object()
        case UInt8(ascii: "["): return try array()
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
        case UInt8(ascii: "t"): try literal(0x74_72_75_65, length: 4); return .bool(true)  // "true"
        case UInt8(ascii: "f"): try literal(0x66_61_6C_73_65, length: 5); return .bool(false)  // "false"
        case UInt8(ascii: "n"): try literal(0x6E_75_6C_6C, length: 4); return .null  // "null"
        case let byte: throw JSONParseError(offset: index, reason: .unexpectedByte(byte))
        }
    }

    /// `[ value *( , value ) ]`, with `index` on the `[`.
    private mutating func array() throws(JSONParseError) -> JSONValue {
        try enter()
        index += 1
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            depth -= 1
            return .array([])
        }
        let base = elements.count
        while true {
            let element = try value()  // may push and pop nested elements first
            elements.append(element)
            skipWhitespace()
            guard index < bytes.count else { throw JSONParseError(offset: index, reason: .unexpectedEnd) }
            let byte = bytes[index]
            index += 1
            if byte == UInt8(ascii: ",") {
                skipWhitespace()
            } else if byte == UInt8(ascii: "]") {
                depth -= 1
                let items = Array(elements[base...])
                elements.removeSubrange(base...)
                return .array(items)
            } else {
                throw JSONParseError(offset: index - 1, reason: .unexpectedByte(byte))
            }
        }
    }

    /// `{ string : value *( , string : value ) }`, with `index` on the `{`. Later duplicates
    /// replace earlier ones, or are refused (``JSONValue/DuplicateKeys/refused``).
    private mutating func object() throws(JSONParseError) -> JSONValue {
        let start = index
        try enter()
        index += 1
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            depth -= 1
            return .object([:])
        }
        let base = members.count
        while true {
            guard index < bytes.count else { throw JSONParseError(offset: index, reason: .unexpectedEnd) }
            guard bytes[index] == UInt8(ascii: "\"") else {
                throw JSONParseError(offset: index, reason: .unexpectedByte(bytes[index]))
            }
            let key = try string()
            skipWhitespace()
            guard index < bytes.count else { throw JSONParseError(offset: index, reason: .unexpectedEnd) }
            guard bytes[index] == UInt8(ascii: ":") else {
                throw JSONParseError(offset: index, reason: .unexpectedByte(bytes[index]))
            }
            index += 1
            skipWhitespace()
            let member = try value()  // may push and pop nested members first
            members.append((key, member))
            skipWhitespace()
            guard index < bytes.count else { throw JSONParseError(offset: index, reason: .unexpectedEnd) }
            let byte = bytes[index]
            index += 1
            if byte == UInt8(ascii: ",") {
                skipWhitespace()
            } else if byte == UInt8(ascii: "}") {
                depth -= 1
                var object = [String: JSONValue](minimumCapacity: members.count - base)
                for member in members[base...] where object.updateValue(member.value, forKey: member.key) != nil {
                    // the last duplicate wins, unless duplicates are refused
                    if duplicateKeys == .refused { throw JSONParseError(offset: start, reason: .duplicateKey(member.key)) }
                }
                members.removeSubrange(base...)
                return .object(object)
            } else {
                throw JSONParseError(offset: index - 1, reason: .unexpectedByte(byte))
            }
        }
    }

    /// Opens one level of nesting, refusing to go past the cap.
    @inline(__always)
    private mutating func enter() throws(JSONParseError) {
        depth += 1
        if depth > JSONValue.maximumDepth {
            throw JSONParseError(offset: index, reason: .tooDeep(limit: JSONValue.maximumDepth))
        }
    }

    /// Skips the four whitespace bytes RFC 8259 allows.
    @inline(__always)
    private mutating func skipWhitespace() {
        while index < bytes.count {
            let byte = bytes[index]
            guard byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 else { return }
            index += 1
        }
    }

    /// `true`, `false` or `null`, packed big-endian into `word`, with `index` on its first byte.
    private mutating func literal(_ word: UInt64, length: Int) throws(JSONParseError) {
        for position in 1..<length {
            let expected = UInt8(truncatingIfNeeded: word >> (8 * UInt64(length - 1 - position)))
            let at = index + position
            guard at < bytes.count else { throw JSONParseError(offset: at, reason: .unexpectedEnd) }
            guard bytes[at] == expected else { throw JSONParseError(offset: at, reason: .unexpectedByte(bytes[at])) }
        }
        index += length
    }

    // MARK: Strings

    /// A string with `index` on its opening quote; leaves `index` after the closing quote.
    ///
    /// The common case — no escapes — is one scan and one `String` built straight from the input
    /// bytes (short ones stay inline in the `String`, no allocation). With escapes, the decoded
    /// bytes collect in `scratch` first.
    private mutating func string() throws(JSONParseError) -> String {
        let start = index + 1
        var at = start
        let count = bytes.count
        while true {
            guard at < count else { throw JSONParseError(offset: at, reason: .unexpectedEnd) }
            let byte = bytes[at]
            if byte == UInt8(ascii: "\"") {
                index = at + 1
                return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<at]), as: UTF8.self)
            } else if byte == UInt8(ascii: "\\") {
                break
            } else if byte < 0x20 {
                throw JSONParseError(offset: at, reason: .controlCharacter(byte))
            } else if byte < 0x80 {
                at += 1
            } else {
                at = try utf8Sequence(at: at)
            }
        }
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<at]))
        while true {
            guard at < count else { throw JSONParseError(offset: at, reason: .unexpectedEnd) }
            let byte = bytes[at]
            if byte == UInt8(ascii: "\"") {
                index = at + 1
                return String(decoding: scratch, as: UTF8.self)
            } else if byte == UInt8(ascii: "\\") {
                at = try escape(at: at)
            } else if byte < 0x20 {
                throw JSONParseError(offset: at, reason: .controlCharacter(byte))
            } else if byte < 0x80 {
                scratch.append(byte)
                at += 1
            } else {
                let end = try utf8Sequence(at: at)
                scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[at..<end]))
                at = end
            }
        }
    }

    /// Checks the well-formed UTF-8 sequence (Unicode table 3-7) whose lead byte is at `at`, and
    /// returns the index after it.
    @inline(__always)
    private func utf8Sequence(at: Int) throws(JSONParseError) -> Int {
        let lead = bytes[at]
        let length: Int
        var low: UInt8 = 0x80, high: UInt8 = 0xBF  // range of the second byte
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; low = 0xA0
        case 0xED: length = 3; high = 0x9F  // no encoded surrogates
        case 0xE1...0xEF: length = 3
        case 0xF0: length = 4; low = 0x90
        case 0xF4: length = 4; high = 0x8F  // nothing past U+10FFFF
        case 0xF1...0xF3: length = 4
        default: throw JSONParseError(offset: at, reason: .invalidUTF8)
        }
        guard at + length <= bytes.count else { throw JSONParseError(offset: at, reason: .invalidUTF8) }
        let second = bytes[at + 1]
        guard second >= low, second <= high else { throw JSONParseError(offset: at, reason: .invalidUTF8) }
        var next = at + 2
        while next < at + length {
            guard bytes[next] & 0xC0 == 0x80 else { throw JSONParseError(offset: at, reason: .invalidUTF8) }
            next += 1
        }
        return next
    }

    /// Decodes the escape whose backslash is at `at` into `scratch`; returns the index after it.
    private mutating func escape(at: Int) throws(JSONParseError) -> Int {
        guard at + 1 < bytes.count else { throw JSONParseError(offset: at + 1, reason: .unexpectedEnd) }
        let decoded: UInt8
        switch bytes[at + 1] {
        case UInt8(ascii: "\""): decoded = 0x22
        case UInt8(ascii: "\\"): decoded = 0x5C
        case UInt8(ascii: "/"): decoded = 0x2F
        case UInt8(ascii: "b"): decoded = 0x08
        case UInt8(ascii: "f"): decoded = 0x0C
        case UInt8(ascii: "n"): decoded = 0x0A
        case UInt8(ascii: "r"): decoded = 0x0D
        case UInt8(ascii: "t"): decoded = 0x09
        case UInt8(ascii: "u"):
            let unit = try hex4(escapeAt: at)
            var next = at + 6
            var scalar = UInt32(unit)
            switch unit {
            case 0xD800...0xDBFF:
                // A high surrogate counts only when a low one follows; otherwise it becomes U+FFFD
                // and whatever follows is read on its own.
                if next + 1 < bytes.count, bytes[next] == UInt8(ascii: "\\"), bytes[next + 1] == UInt8(ascii: "u") {
                    let second = try hex4(escapeAt: next)
                    if (0xDC00...0xDFFF).contains(second) {
                        scalar = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(second) - 0xDC00)
                        next += 6
                    } else {
                        scalar = 0xFFFD
                    }
                } else {
                    scalar = 0xFFFD
                }
            case 0xDC00...0xDFFF:
                scalar = 0xFFFD
            default:
                break
            }
            appendUTF8(scalar)
            return next
        case let other:
            throw JSONParseError(offset: at, reason: .invalidEscape(other))
        }
        scratch.append(decoded)
        return at + 2
    }

    /// The four hex digits after the `\u` whose backslash is at `escapeAt`.
    private func hex4(escapeAt: Int) throws(JSONParseError) -> UInt16 {
        var unit: UInt16 = 0
        for at in escapeAt + 2..<escapeAt + 6 {
            guard at < bytes.count else { throw JSONParseError(offset: at, reason: .unexpectedEnd) }
            let byte = bytes[at]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw JSONParseError(offset: escapeAt, reason: .invalidUnicodeEscape)
            }
            unit = unit << 4 | UInt16(digit)
        }
        return unit
    }

    /// Appends a scalar (never a surrogate) to `scratch` as UTF-8.
    private mutating func appendUTF8(_ scalar: UInt32) {
        switch scalar {
        case ..<0x80:
            scratch.append(UInt8(scalar))
        case ..<0x800:
            scratch.append(UInt8(0xC0 | scalar >> 6))
            scratch.append(UInt8(0x80 | scalar & 0x3F))
        case ..<0x10000:
            scratch.append(UInt8(0xE0 | scalar >> 12))
            scratch.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            scratch.append(UInt8(0x80 | scalar & 0x3F))
        default:
            scratch.append(UInt8(0xF0 | scalar >> 18))
            scratch.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            scratch.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            scratch.append(UInt8(0x80 | scalar & 0x3F))
        }
    }

    // MARK: Numbers

    /// Exact powers of ten for the fast path: every one up to 1e22 is a `Double` exactly.
    private static let powersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    /// `[ - ] int [ frac ] [ exp ]`, with `index` on the `-` or first digit.
    ///
    /// Integers (no fraction, no exponent) that fit `Int64` come out exact. Other numbers whose
    /// digits fit 53 bits with a power of ten up to 22 are one exact IEEE multiply or divide
    /// (correctly rounded — Clinger's fast path); the rest go to the standard library's
    /// correctly rounded, locale-independent `Double(_: String)`.
    private mutating func number() throws(JSONParseError) -> JSONValue {
        let start = index
        let count = bytes.count
        var at = index
        let negative = bytes[at] == UInt8(ascii: "-")
        if negative { at += 1 }
        var digits: UInt64 = 0
        var overflow = false
        guard at < count else { throw JSONParseError(offset: at, reason: .expectedDigit) }
        if bytes[at] == UInt8(ascii: "0") {
            at += 1
            if at < count, bytes[at] &- UInt8(ascii: "0") < 10 { throw JSONParseError(offset: at - 1, reason: .leadingZero) }
        } else {
            guard bytes[at] &- UInt8(ascii: "0") < 10 else { throw JSONParseError(offset: at, reason: .expectedDigit) }
            while at < count {
                let digit = bytes[at] &- UInt8(ascii: "0")
                guard digit < 10 else { break }
                accumulate(digit, into: &digits, overflow: &overflow)
                at += 1
            }
        }
        var integral = true
        var exponent = 0
        if at < count, bytes[at] == UInt8(ascii: ".") {
            integral = false
            at += 1
            guard at < count, bytes[at] &- UInt8(ascii: "0") < 10 else { throw JSONParseError(offset: at, reason: .expectedDigit) }
            while at < count {
                let digit = bytes[at] &- UInt8(ascii: "0")
                guard digit < 10 else { break }
                accumulate(digit, into: &digits, overflow: &overflow)
                exponent -= 1
                at += 1
            }
        }
        if at < count, bytes[at] | 0x20 == UInt8(ascii: "e") {
            integral = false
            at += 1
            var exponentNegative = false
            if at < count, bytes[at] == UInt8(ascii: "-") || bytes[at] == UInt8(ascii: "+") {
                exponentNegative = bytes[at] == UInt8(ascii: "-")
                at += 1
            }
            guard at < count, bytes[at] &- UInt8(ascii: "0") < 10 else { throw JSONParseError(offset: at, reason: .expectedDigit) }
            var written = 0
            while at < count {
                let digit = bytes[at] &- UInt8(ascii: "0")
                guard digit < 10 else { break }
                written = min(written * 10 + Int(digit), 1_000_000)  // saturate: only the fast-path test reads it
                at += 1
            }
            exponent += exponentNegative ? -written : written
        }
        index = at
        if !overflow {
            if integral {
                if !negative, digits <= UInt64(Int64.max) { return .integer(Int64(digits)) }
                if negative, digits <= UInt64(Int64.max) + 1 { return .integer(Int64(bitPattern: 0 &- digits)) }
            }
            if digits <= 1 << 53, exponent >= -22, exponent <= 22 {
                var value = Double(digits)
                value = exponent < 0 ? value / Self.powersOfTen[-exponent] : value * Self.powersOfTen[exponent]
                return .number(negative ? -value : value)
            }
        }
        // The grammar is checked above, so the standard library always reads it (±infinity past the range).
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<at]), as: UTF8.self)
        return .number(Double(text) ?? (negative ? -.infinity : .infinity))
    }

    /// `digits = digits * 10 + digit`, noting (and then ignoring digits after) overflow.
    @inline(__always)
    private func accumulate(_ digit: UInt8, into digits: inout UInt64, overflow: inout Bool) {
        guard !overflow else { return }
        let (times10, o1) = digits.multipliedReportingOverflow(by: 10)
        let (sum, o2) = times10.addingReportingOverflow(UInt64(digit))
        if o1 || o2 { overflow = true } else { digits = sum }
    }
}
