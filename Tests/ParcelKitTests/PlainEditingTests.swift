import Foundation
import ParcelCore
import Testing

/// The Foundation-free replacing, trimming and splitting agree with Foundation's on the text they
/// replace it for, and on random text with non-ASCII letters, combining marks and every kind of
/// space and line end.
@Suite struct PlainEditingTests {
    static let pieces = [
        "a", "Ż", "é", "e\u{301}", "{number}", "{", "}", "\n", "\r\n", "\r", " ", "\t", "\u{A0}", "\u{2003}", "\u{3000}",
        "\u{85}", "\u{2028}", "\u{2029}", "\u{B}", "&", "<", "\"", "📦", "Przesyłka", "-", "..", ".",
    ]

    /// Deterministic random text from `pieces`.
    static func samples(_ count: Int) -> [String] {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(truncatingIfNeeded: state >> 33)
        }
        return (0..<count).map { _ in (0..<(next() % 12)).map { _ in pieces[next() % pieces.count] }.joined() }
    }

    @Test func replacingAgreesWithFoundationOnASCIIMarkers() {
        for text in Self.samples(2_000) {
            for (target, replacement) in [
                ("{number}", "0815"), ("\n", "\r\n"), ("\r\n", "\n"), ("\r", " "), ("-", "_"), (".", ","), ("..", "…"), ("&", "&amp;"),
            ] {
                #expect(
                    text.replacingEvery(target, with: replacement) == text.replacingOccurrences(of: target, with: replacement),
                    "\(text.debugDescription) \(target.debugDescription)")
            }
        }
    }

    @Test func replacingIsExactAndLeftToRight() {
        #expect("aaa".replacingEvery("aa", with: "b") == "ba")
        #expect("{number}{number}".replacingEvery("{number}", with: "7") == "77")
        #expect("no marker".replacingEvery("{x}", with: "y") == "no marker")
        #expect("abc".replacingEvery("", with: "x") == "abc")
        #expect("".replacingEvery("a", with: "b") == "")
        #expect("Łódź-Łódź".replacingEvery("-", with: " → ") == "Łódź → Łódź")
        // Bytes, not canonical equivalence: a decomposed é is not the composed one.
        #expect("e\u{301}".replacingEvery("é", with: "E") == "e\u{301}")
        #expect("Zamówienie PW-1".prefix(12).replacingEvery("ó", with: "o") == "Zamowienie P")
    }

    @Test func trimmingAgreesWithFoundation() {
        for text in Self.samples(2_000) {
            #expect(text.trimmingSpace() == text.trimmingCharacters(in: .whitespaces), "\(text.debugDescription)")
            #expect(text.trimmingSpace(newlines: true) == text.trimmingCharacters(in: .whitespacesAndNewlines), "\(text.debugDescription)")
        }
        #expect(" \t\u{A0}Subject: Paczka\u{3000} ".trimmingSpace() == "Subject: Paczka")
        #expect("\n\r\n body \u{2028}".trimmingSpace(newlines: true) == "body")
    }

    @Test func splittingAgreesWithFoundationWithoutCarriageReturns() {
        for text in Self.samples(2_000) {
            // With a "\r" before it, "\n" is in one Character with it and Character splitting
            // keeps the two lines together; splitting bytes ends the line there, as it should.
            let unified = text.replacingEvery("\r", with: "")
            #expect(
                unified.linesSplitAtNewline() == unified.split(separator: "\n", omittingEmptySubsequences: false).map(String.init),
                "\(unified.debugDescription)")
        }
        #expect("a\n\nb\n".linesSplitAtNewline() == ["a", "", "b", ""])
        #expect("".linesSplitAtNewline() == [""])
        #expect("one\r\r\ntwo".replacingEvery("\r\n", with: "\n").linesSplitAtNewline() == ["one\r", "two"])
    }
}
