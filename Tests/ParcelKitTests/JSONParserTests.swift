import ParcelCore
import ParcelOps
import ParcelStore
import Testing

/// `JSONValue.parse`, the hand-written RFC 8259 reader every JSON carrier answer goes through:
/// values and escapes, the quirks it tolerates on purpose (BOM, duplicate keys, lone
/// surrogates), each error with its byte offset, the depth cap, and a seeded fuzz loop — every
/// input parses or throws ``JSONParseError``, and serialised values read back unchanged.
@Suite struct JSONParserTests {
    func parse(_ text: String) throws -> JSONValue { try JSONValue.parse(Array(text.utf8)) }

    /// The error `bytes` are refused with, or nil when they parse (or throw something else).
    func failure(_ bytes: [UInt8]) -> JSONParseError? {
        do { _ = try JSONValue.parse(bytes); return nil } catch { return error as? JSONParseError }
    }

    @Test func scalars() throws {
        #expect(try parse("null") == .null)
        #expect(try parse("true") == .bool(true))
        #expect(try parse(" \t\r\nfalse\n") == .bool(false))
        #expect(try parse(#""Hello world!""#) == .string("Hello world!"))
        #expect(try parse(#""""#) == .string(""))
        #expect(try parse("42") == .integer(42))
        #expect(try parse("-0") == .integer(0))
        #expect(try parse("9223372036854775807") == .integer(.max))
        #expect(try parse("-9223372036854775808") == .integer(.min))
    }

    @Test func numbersOutsideInt64OrWithFractionsAreDoubles() throws {
        #expect(try parse("9223372036854775808") == .number(0x1p63))
        #expect(try parse("-9223372036854775809") == .number(-0x1p63))  // the nearest Double
        #expect(try parse("3.0") == .number(3))
        #expect(try parse("1e2") == .number(100))
        #expect(try parse("1E+2") == .number(100))
        #expect(try parse("-1.25e-3") == .number(-0.00125))
        #expect(try parse("0.1") == .number(0.1))
        #expect(try parse("0.30000000000000004") == .number(0.30000000000000004))
        #expect(try parse("2.2250738585072014e-308") == .number(2.2250738585072014e-308))
        #expect(try parse("4.9406564584124654e-324") == .number(.leastNonzeroMagnitude))
        #expect(try parse("1.7976931348623157e308") == .number(.greatestFiniteMagnitude))
        #expect(try parse("9007199254740993.0") == .number(9_007_199_254_740_992))  // rounds to even
        #expect(try parse("123456789012345678901234567890") == .number(1.2345678901234568e29))
        #expect(try parse("1e400") == .number(.infinity))
        #expect(try parse("1e-400") == .number(0))
        if case .number(let zero) = try parse("-0.0") { #expect(zero == 0 && zero.sign == .minus) } else { Issue.record("-0.0") }
        #expect(try parse("2.0").text == "2")
        #expect(try parse("2.5").text == "2.5")
    }

    @Test func nesting() throws {
        #expect(try parse("[]") == .array([]))
        #expect(try parse("{ }") == .object([:]))
        let answer = try parse(
            """
            {"shipment": {"number": "RR123456785PL", "events": [
                {"time": "2026-11-18T16:02:00Z", "status": "Delivered", "final": true, "attempt": 2},
                {"time": "2026-11-17T09:00:00Z", "status": "In transit", "location": null, "weight": 1.5}
            ], "tags": [[], [[]], {}]}}
            """)
        #expect(
            answer
                == .object([
                    "shipment": .object([
                        "number": .string("RR123456785PL"),
                        "events": .array([
                            .object(["time": .string("2026-11-18T16:02:00Z"), "status": .string("Delivered"), "final": .bool(true), "attempt": .integer(2)]),
                            .object(["time": .string("2026-11-17T09:00:00Z"), "status": .string("In transit"), "location": .null, "weight": .number(1.5)]),
                        ]),
                        "tags": .array([.array([]), .array([.array([])]), .object([:])]),
                    ])
                ]))
    }

    @Test func escapesAndSurrogates() throws {
        #expect(try parse(#""\" \\ \/ \b \f \n \r \t""#) == .string("\" \\ / \u{08} \u{0C} \n \r \t"))
        #expect(try parse(#""\u0041\u00e9\u00E9\u20AC\u0000""#) == .string("Aéé€\u{0}"))
        #expect(try parse(#""\uD83D\uDE00 \ud83d\ude00""#) == .string("😀 😀"))
        #expect(try parse(#""\uD800\uDC00\uDBFF\uDFFF""#) == .string("\u{10000}\u{10FFFF}"))  // the pair range's ends
        #expect(try parse("\"żółć 😀 \u{7F}\"") == .string("żółć 😀 \u{7F}"))
        #expect(try parse(#""a\nżółć\t😀""#) == .string("a\nżółć\t😀"))
        // Lone surrogates become U+FFFD; what follows them is read on its own.
        #expect(try parse(#""\uD800""#) == .string("\u{FFFD}"))
        #expect(try parse(#""\uDC00x""#) == .string("\u{FFFD}x"))
        #expect(try parse(#""\uD800\u0041""#) == .string("\u{FFFD}A"))
        #expect(try parse(#""\uD800\uD800\uDC00""#) == .string("\u{FFFD}\u{10000}"))
        #expect(try parse(#""\uDC00\uD800""#) == .string("\u{FFFD}\u{FFFD}"))
    }

    @Test func duplicateKeysKeepTheLastValue() throws {
        #expect(try parse(#"{"a": 1, "a": 2, "b": 0, "a": 3}"#) == .object(["a": .integer(3), "b": .integer(0)]))
        #expect(try parse(#"{"event": {"code": "E1"}, "event": "replaced"}"#) == .object(["event": .string("replaced")]))
    }

    @Test func aByteOrderMarkIsSkipped() throws {
        #expect(try JSONValue.parse([0xEF, 0xBB, 0xBF] + Array("[1]".utf8)) == .array([.integer(1)]))
        // Offsets still count the mark.
        #expect(failure([0xEF, 0xBB, 0xBF])?.offset == 3)
        #expect(failure([0xEF, 0xBB, 0xBF])?.reason == .unexpectedEnd)
        #expect(failure([0xEF, 0xBB, 0xBF, 0xEF, 0xBB, 0xBF, 0x31])?.offset == 3)  // only one
    }

    /// One malformed input and the error it must give.
    struct Malformed: Sendable, CustomTestStringConvertible {
        var bytes: [UInt8]
        var offset: Int
        var reason: JSONParseError.Reason
        init(_ text: String, _ offset: Int, _ reason: JSONParseError.Reason) { self.init(Array(text.utf8), offset, reason) }
        init(_ bytes: [UInt8], _ offset: Int, _ reason: JSONParseError.Reason) { (self.bytes, self.offset, self.reason) = (bytes, offset, reason) }
        var testDescription: String {
            let text = String(decoding: bytes.prefix(40), as: UTF8.self).debugDescription
            return bytes.count > 40 ? text + "… (\(bytes.count) bytes)" : text
        }
    }

    static let malformed: [Malformed] = [
        Malformed("", 0, .unexpectedEnd), Malformed("  ", 2, .unexpectedEnd), Malformed("[1, 2", 5, .unexpectedEnd),
        Malformed(#"{"a":"#, 5, .unexpectedEnd), Malformed(#""abc"#, 4, .unexpectedEnd), Malformed("tru", 3, .unexpectedEnd),
        Malformed("[1,]", 3, .unexpectedByte(UInt8(ascii: "]"))), Malformed(#"{"a": 1,}"#, 8, .unexpectedByte(UInt8(ascii: "}"))),
        Malformed(#"{"a" 1}"#, 5, .unexpectedByte(UInt8(ascii: "1"))), Malformed("{a: 1}", 1, .unexpectedByte(UInt8(ascii: "a"))),
        Malformed("[1 2]", 3, .unexpectedByte(UInt8(ascii: "2"))), Malformed("trUe", 2, .unexpectedByte(UInt8(ascii: "U"))),
        Malformed(".5", 0, .unexpectedByte(UInt8(ascii: "."))), Malformed("+1", 0, .unexpectedByte(UInt8(ascii: "+"))),
        Malformed("NaN", 0, .unexpectedByte(UInt8(ascii: "N"))), Malformed("'a'", 0, .unexpectedByte(UInt8(ascii: "'"))),
        Malformed("[\u{0C}1]", 1, .unexpectedByte(0x0C)), Malformed("\u{A0}1", 0, .unexpectedByte(0xC2)),
        Malformed("[1] x", 4, .trailingData(UInt8(ascii: "x"))), Malformed("{}}", 2, .trailingData(UInt8(ascii: "}"))),
        Malformed("truefalse", 4, .trailingData(UInt8(ascii: "f"))), Malformed("0x10", 1, .trailingData(UInt8(ascii: "x"))),
        Malformed("01", 0, .leadingZero), Malformed("[-007]", 2, .leadingZero),
        Malformed("-", 1, .expectedDigit), Malformed("-Infinity", 1, .expectedDigit), Malformed("1.", 2, .expectedDigit),
        Malformed("1.e5", 2, .expectedDigit), Malformed("2e", 2, .expectedDigit), Malformed("2e+", 3, .expectedDigit),
        Malformed(#""\x""#, 1, .invalidEscape(UInt8(ascii: "x"))), Malformed(#"["ok", "\'"]"#, 8, .invalidEscape(UInt8(ascii: "'"))),
        Malformed(#""\u12G4""#, 1, .invalidUnicodeEscape), Malformed(#""\uD800\u12""#, 7, .invalidUnicodeEscape),
        Malformed("\"a\nb\"", 2, .controlCharacter(0x0A)), Malformed("\"\t\"", 1, .controlCharacter(0x09)),
        Malformed([0x22, 0xFF, 0x22], 1, .invalidUTF8), Malformed([0x22, 0x61, 0x80, 0x22], 2, .invalidUTF8),
        Malformed([0x22, 0xC0, 0x80, 0x22], 1, .invalidUTF8), Malformed([0x22, 0xED, 0xA0, 0x80, 0x22], 1, .invalidUTF8),
        Malformed([0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], 1, .invalidUTF8), Malformed([0x22, 0xE2, 0x82, 0x22], 1, .invalidUTF8),
        Malformed([0x22, 0x5C, 0x6E, 0xC3, 0x22], 3, .invalidUTF8),
        Malformed(String(repeating: "[", count: 513), 512, .tooDeep(limit: 512)),
    ]

    @Test(arguments: malformed)
    func malformedInputNamesTheByte(_ input: Malformed) {
        let error = failure(input.bytes)
        #expect(error?.offset == input.offset)
        #expect(error?.reason == input.reason)
    }

    @Test func errorsReadAsSentences() {
        #expect(failure(Array(#"{"events": [1, 2,}"#.utf8))?.description == "unexpected '}' at byte 17")
        #expect(failure([0x5B, 0xFF])?.description == "unexpected 0xFF at byte 1")
        #expect(failure(Array("1.".utf8))?.description == "expected a digit in a number at byte 2")
        #expect(failure(Array("[1] x".utf8))?.description == "unexpected 'x' after the JSON value at byte 4")
    }

    @Test func nestingIsCappedWithoutExhaustingTheStack() throws {
        let limit = JSONValue.maximumDepth
        #expect(limit == 512)
        let deepest = String(repeating: "[", count: limit) + String(repeating: "]", count: limit)
        #expect(try parse(deepest) != .null)
        let objects = String(repeating: #"{"a":"#, count: limit) + "1" + String(repeating: "}", count: limit)
        #expect(try parse(objects) != .null)
        for hostile in [
            String(repeating: "[", count: 100_000), String(repeating: #"{"a":"#, count: 100_000),
            String(repeating: "[", count: limit + 1) + String(repeating: "]", count: limit + 1),
        ] {
            let error = failure(Array(hostile.utf8))
            #expect(error?.reason == .tooDeep(limit: limit))
            #expect(error?.offset == (hostile.hasPrefix("{") ? 5 * limit : limit))
        }
    }

    /// xorshift64: a fixed seed gives the same inputs on every run and machine.
    struct XorShift {
        var state: UInt64
        mutating func next() -> UInt64 {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return state
        }
        mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
    }

    static let seeds = [
        #"{"shipment":{"number":"RR123456785PL","events":[{"time":"2026-11-18T16:02:00Z","status":"Dor\u0119czono","final":true,"n":-12.5e-1},{"location":null,"code":[0,1e3,"\ud83d\ude00"]}]}}"#,
        #"[{"a":1,"a":2},"żółć\n",-0,9223372036854775808,[[[]]],{"":""}]"#,
    ].map { Array($0.utf8) }
    static let alphabet = Array(#"{}[]",:0123456789-+.eE \t\r\n\uD8DC/truefalsnl"#.utf8) + [0x00, 0x1F, 0x7F, 0x80, 0xC3, 0xED, 0xEF, 0xBB, 0xBF, 0xFF]

    @Test func hostileBytesParseOrThrowJSONParseError() {
        var random = XorShift(state: 0x5EED_1234_ABCD_0001)
        var outcomes = (parsed: 0, refused: 0)
        for round in 0..<4_000 {
            var bytes: [UInt8]
            switch round % 4 {
            case 0: bytes = (0..<random.below(256)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            case 1: bytes = (0..<random.below(256)).map { _ in Self.alphabet[random.below(Self.alphabet.count)] }
            default:
                bytes = Self.seeds[random.below(Self.seeds.count)]
                for _ in 0...random.below(6) {
                    let at = random.below(bytes.count + 1)
                    switch random.below(4) {
                    case 0 where at < bytes.count: bytes[at] ^= UInt8(1 << random.below(8))
                    case 1: bytes.insert(Self.alphabet[random.below(Self.alphabet.count)], at: at)
                    case 2 where at < bytes.count: bytes.remove(at: at)
                    default: bytes = Array(bytes.prefix(at))
                    }
                }
            }
            let value: JSONValue
            do {
                value = try JSONValue.parse(bytes)
            } catch let error as JSONParseError {
                outcomes.refused += 1
                #expect((0...bytes.count).contains(error.offset))
                continue
            } catch {
                Issue.record("\(bytes) threw \(type(of: error)), not JSONParseError")
                continue
            }
            outcomes.parsed += 1
            let text = Self.serialise(value, escaping: &random)
            #expect((try? JSONValue.parse(Array(text.utf8))) == value, "\(text)")
        }
        #expect(outcomes.parsed > 0 && outcomes.refused > 0)
    }

    @Test func serialisedValuesReadBackUnchanged() throws {
        var random = XorShift(state: 0xC0FF_EE00_0000_8259)
        for _ in 0..<500 {
            let value = Self.value(depth: 0, &random)
            let text = Self.serialise(value, escaping: &random)
            #expect(try JSONValue.parse(Array(text.utf8)) == value, "\(text)")
        }
    }

    // MARK: Generation and a tiny serialiser

    static func value(depth: Int, _ random: inout XorShift) -> JSONValue {
        switch random.below(depth > 3 ? 6 : 8) {
        case 0: return .null
        case 1: return .bool(random.below(2) == 0)
        case 2: return .integer(Int64(bitPattern: random.next()) >> random.below(64))
        case 3:
            var double = Double(bitPattern: random.next())
            if !double.isFinite { double = Double(random.below(1000)) / 8 }
            return .number(double)
        case 4, 5: return .string(string(&random))
        case 6: return .array((0..<random.below(5)).map { _ in value(depth: depth + 1, &random) })
        default:
            var members: [String: JSONValue] = [:]
            for _ in 0..<random.below(5) { members[string(&random)] = value(depth: depth + 1, &random) }
            return .object(members)
        }
    }

    static func string(_ random: inout XorShift) -> String {
        var scalars = String.UnicodeScalarView()
        for _ in 0..<random.below(12) {
            let ranges: [ClosedRange<UInt32>] = [
                0x20...0x7E, 0x00...0x1F, 0x80...0x7FF, 0x800...0xD7FF, 0xE000...0xFFFF, 0x10000...0x10FFFF, 0x22...0x22, 0x5C...0x5C,
            ]
            let range = ranges[random.below(ranges.count)]
            if let scalar = Unicode.Scalar(range.lowerBound + UInt32(random.below(Int(range.upperBound - range.lowerBound) + 1))) {
                scalars.append(scalar)
            }
        }
        return String(scalars)
    }

    /// JSON text for `value`, escaping what must be escaped and, at random, other characters too
    /// (as `\uXXXX`, surrogate pairs beyond the BMP), so both string paths are exercised.
    static func serialise(_ value: JSONValue, escaping random: inout XorShift) -> String {
        switch value {
        case .null: return "null"
        case .bool(let bool): return bool ? "true" : "false"
        case .integer(let integer): return String(integer)
        case .number(let number): return number.isFinite ? number.description : (number < 0 ? "-1e400" : "1e400")
        case .string(let string): return quote(string, &random)
        case .array(let items): return "[" + items.map { serialise($0, escaping: &random) }.joined(separator: ",") + "]"
        case .object(let members):
            return "{" + members.map { quote($0.key, &random) + ":" + serialise($0.value, escaping: &random) }.joined(separator: ",") + "}"
        }
    }

    static func quote(_ string: String, _ random: inout XorShift) -> String {
        func escaped(_ unit: UInt16) -> String {
            let hex = String(unit, radix: 16)
            return "\\u" + String(repeating: "0", count: 4 - hex.count) + (random.below(2) == 0 ? hex : hex.uppercased())
        }
        var text = "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case _ where scalar.value < 0x20 || random.below(8) == 0:
                text += String(scalar).utf16.map(escaped).joined()
            default: text.unicodeScalars.append(scalar)
            }
        }
        return text + "\""
    }
}
