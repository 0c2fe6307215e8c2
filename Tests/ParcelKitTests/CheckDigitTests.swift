import ParcelCore
import ParcelOps
import ParcelStore
import Testing

@Suite struct CheckDigitTests {
    func rule(_ pattern: String, _ check: CheckDigit, weights: [Int] = [], payload: String? = nil) -> NumberRule {
        // The patterns here are constants known to compile.
        // swift-format-ignore: NeverUseForceTry
        NumberRule(
            pattern: try! TextPattern(pattern, whole: true), check: check, weights: weights,
            payload: payload.map { try! TextPattern($0, whole: false) }, checkAt: nil)
    }

    @Test func patternsCompileOnceAndMatchLikeTheCarrierFilesSay() throws {
        let code = try TextPattern("I535", whole: true)
        #expect(try code.matches("I535") && !code.matches("I5350") && !code.matches("xI535"))
        let anchored = try TextPattern("[0-9]{14}", whole: true)
        #expect(try anchored.matches("12345678901234") && !anchored.matches("123456789012345"))
        let text = try TextPattern("(?i)deterioro o extrav[ií]o", whole: false)
        #expect(try text.matches("Incidencia: DETERIORO O EXTRAVÍO") && !text.matches("Entregado"))
        #expect(try TextPattern("^(.{13})", whole: false).firstGroup(in: "12345678901234") == "1234567890123")
        #expect(throws: TextPatternError.self) { try TextPattern("(unclosed", whole: false) }
    }

    @Test func s10() {
        let s10 = rule("^[A-Z]{2}[0-9]{9}[A-Z]{2}$", .s10)
        #expect(s10.rejection(of: "RR123456785PL") == nil)
        #expect(s10.rejection(of: "RR123456784PL")?.description == "s10 check digit expected 5, got 4")
        // r = 1 → check 10 → 0, and r = 0 → check 11 → 5.
        #expect(CheckDigit.s10.expected(payload: "00000001", weights: []) == "4")
        #expect(CheckDigit.s10.expected(payload: "00000000", weights: []) == "5")
        #expect(s10.rejection(of: "RR12345678PL")?.description == "does not match the pattern ^[A-Z]{2}[0-9]{9}[A-Z]{2}$")
    }

    @Test func s10RemainderOneGivesZero() {
        // Find a payload with sum mod 11 == 1 and check the rule maps it to 0.
        // 00000008: 8 × 7 = 56 ≡ 1 (mod 11) → 11 − 1 = 10 → 0.
        #expect(CheckDigit.s10.expected(payload: "00000008", weights: []) == "0")
    }

    @Test func mod10UPS() {
        let ups = rule("^1Z[0-9A-Z]{16}$", .mod10, weights: [1, 2], payload: "^1Z(.{15})")
        #expect(ups.rejection(of: "1Z999AA10123456784") == nil)
        #expect(ups.rejection(of: "1Z999AA10123456785")?.description == "mod10 check digit expected 4, got 5")
    }

    @Test func mod10GS1() {
        let ean = rule("^[0-9]{13}$", .mod10, weights: [3, 1])
        #expect(ean.rejection(of: "4006381333931") == nil)
        #expect(ean.rejection(of: "4006381333932")?.description == "mod10 check digit expected 1, got 2")
    }

    @Test func luhn() {
        let luhn = rule("^[0-9]+$", .luhn)
        #expect(luhn.rejection(of: "79927398713") == nil)
        #expect(luhn.rejection(of: "79927398710")?.description == "luhn check digit expected 3, got 0")
    }

    @Test func mod11() {
        let mod11 = rule("^[0-9]{7}$", .mod11)
        #expect(mod11.rejection(of: "1234560") == nil)  // 77 ≡ 0 (mod 11) → 11 → 0
        #expect(mod11.rejection(of: "1234561")?.description == "mod11 check digit expected 0, got 1")
        // 000001: 1 × 7 = 7 → 11 − 7 = 4? No: weights run from the right, so the 1 gets weight 2 → 11 − 2 = 9.
        #expect(CheckDigit.mod11.expected(payload: "000001", weights: []) == "9")
    }

    @Test func mod7() {
        let dhl = rule("^[0-9]{10}$", .mod7)
        #expect(dhl.rejection(of: "1234567891") == nil)  // 123456789 mod 7 = 1
        #expect(dhl.rejection(of: "1234567890")?.description == "mod7 check digit expected 1, got 0")
    }

    @Test func mod37_36() {
        let iso = rule("^[0-9A-Z]{18}$", .mod37_36)
        #expect(iso.rejection(of: "A12425GABC1234002M") == nil)
        #expect(iso.rejection(of: "A12425GABC1234002N")?.description == "mod37_36 check digit expected M, got N")
    }
}
