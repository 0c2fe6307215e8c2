import Foundation
import Markup
import Testing

@Suite struct DocumentTests {
    @Test func brokenHTMLNestingIsRepaired() throws {
        let html = "<html><body><table class='t'><tr><td>1<td>Przyjęcie<tr><td>2<td><b>Doręczenie</table><p>after"
        let document = try Document(html: Array(html.utf8), contentType: "text/html; charset=utf-8")
        let rows = try document.nodes("//table[@class='t']//tr")
        #expect(rows.count == 2)
        let second = try XPath("./td[2]")
        #expect(try rows[1].text(second) == "Doręczenie")
        #expect(try document.text("//p") == "after")
    }

    @Test func whitespaceIsNormalised() throws {
        let html = "<div><span>  Przesyłka \n\t doręczona\u{00A0} </span></div>"
        let document = try Document(html: Array(html.utf8), contentType: "text/html; charset=utf-8")
        #expect(try document.text("//span") == "Przesyłka doręczona")
        #expect(try document.text("normalize-space(//span)") == "Przesyłka doręczona")
        #expect(try document.text("count(//span)") == "1")
        #expect(try document.text("//nothing") == nil)
    }

    @Test func xmlNamespacesCanBeRegistered() throws {
        let xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">
              <soapenv:Body><ns:resp xmlns:ns="urn:a" xmlns:ax21="urn:b"><ns:return><ax21:status>0</ax21:status>
              <ax21:event ax21:code="P_D"><ax21:name>Doręczenie</ax21:name></ax21:event></ns:return></ns:resp></soapenv:Body>
            </soapenv:Envelope>
            """
        let document = try Document(xml: Array(xml.utf8))
        try document.registerNamespace(prefix: "s", uri: "http://schemas.xmlsoap.org/soap/envelope/")
        try document.registerNamespace(prefix: "ns", uri: "urn:a")
        try document.registerNamespace(prefix: "x", uri: "urn:b")
        let events = try document.nodes("/s:Envelope/s:Body/ns:resp/ns:return/x:event")
        #expect(events.count == 1)
        #expect(try events[0].text(XPath("x:name")) == "Doręczenie")
        #expect(events[0].attribute("code") == "P_D")
        #expect(try document.text("//x:status") == "0")
    }

    @Test func iso88592PageFromHTTPCharset() throws {
        let bytes = Self.latin2("<html><body><p>Przesyłka doręczona</p></body></html>")
        let document = try Document(html: bytes, contentType: "text/html; charset=ISO-8859-2")
        #expect(try document.text("//p") == "Przesyłka doręczona")
    }

    @Test func iso88592PageFromMetaDeclaration() throws {
        let bytes = Self.latin2(
            "<html><head><meta http-equiv='Content-Type' content='text/html; charset=iso-8859-2'></head><body><p>Przesyłka doręczona</p></body></html>")
        let document = try Document(html: bytes, contentType: "text/html")
        #expect(try document.text("//p") == "Przesyłka doręczona")
    }

    @Test func httpCharsetWinsOverTheDocument() throws {
        // windows-1250 bytes mislabelled inside the page as UTF-8: the server's header is right.
        let text = "<html><head><meta charset='utf-8'></head><body><p>Zażółć gęślą</p></body></html>"
        let bytes = Self.encode(text, .windowsCP1250)
        let document = try Document(html: bytes, contentType: "text/html; charset=windows-1250")
        #expect(try document.text("//p") == "Zażółć gęślą")
    }

    @Test func unknownHTTPCharsetFallsBackToTheDocument() throws {
        let bytes = Self.latin2("<html><head><meta charset='iso-8859-2'></head><body><p>łódź</p></body></html>")
        let document = try Document(html: bytes, contentType: "text/html; charset=x-no-such-charset")
        #expect(try document.text("//p") == "łódź")
    }

    @Test func externalEntitiesAreRefused() throws {
        let xxe = """
            <?xml version="1.0"?>
            <!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
            <r><status>&xxe;</status></r>
            """
        #expect(throws: MarkupError.entitiesRefused) { try Document(xml: Array(xxe.utf8)) }
        let html = "<!DOCTYPE html [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]><html><body><p>&xxe;</p></body></html>"
        if let document = try? Document(html: Array(html.utf8)) {
            #expect(try document.text("//p")?.contains("root:") != true)
        }
    }

    @Test func billionLaughsIsRefusedQuickly() throws {
        var dtd = "<!ENTITY lol0 \"lol\">"
        for level in 1...9 {
            dtd += "<!ENTITY lol\(level) \"" + String(repeating: "&lol\(level - 1);", count: 10) + "\">"
        }
        let bomb = "<?xml version=\"1.0\"?><!DOCTYPE lolz [\(dtd)]><lolz a=\"&lol9;\">&lol9;</lolz>"
        let started = Date()
        #expect(throws: MarkupError.self) { try Document(xml: Array(bomb.utf8)) }
        #expect(Date().timeIntervalSince(started) < 2)
    }

    @Test func emptyAndBinaryInputAreErrors() {
        #expect(throws: MarkupError.emptyInput) { try Document(html: []) }
        #expect(throws: MarkupError.emptyInput) { try Document(xml: Array("  \n ".utf8)) }
        #expect(throws: MarkupError.binaryInput) { try Document(html: [0x89, 0x50, 0x4E, 0x47, 0x00, 0x00, 0x1A]) }
        #expect(throws: MarkupError.tooLarge(bytes: 20, limit: 10)) {
            try Document(html: Array(repeating: 0x61, count: 20), options: ParseOptions(maxBytes: 10))
        }
    }

    @Test func malformedXMLIsAnErrorWithMessages() {
        do {
            _ = try Document(xml: Array("<a><b></a>".utf8))
            Issue.record("malformed XML must not parse")
        } catch let MarkupError.unparseable(kind, messages) {
            #expect(kind == .xml)
            #expect(!messages.isEmpty)
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func invalidXPathIsAnErrorNotACrash() throws {
        let document = try Document(html: Array("<p>x</p>".utf8))
        #expect(throws: MarkupError.invalidXPath("//p[")) { try document.nodes("//p[") }
        #expect(throws: MarkupError.invalidXPath("//p[")) { try XPath("//p[") }
    }

    /// Random bytes (fixed seed: a failure names its round and reproduces). The HTML parser
    /// recovers into a document with a root element, or refuses with a ``MarkupError``; the XML
    /// parser refuses them all as unparseable XML, with the parser's reasons.
    @Test func randomBytesAreADocumentOrAMarkupError() {
        var generator = SplitMix64(seed: 0x4D41_524B_5550)
        var htmlDocuments = 0
        for round in 0..<300 {
            let count = Int.random(in: 1...600, using: &generator)
            let bytes = (0..<count).map { _ in UInt8.random(in: 1...255, using: &generator) }
            let blank = bytes.allSatisfy { [0x20, 0x0A, 0x0D, 0x09].contains($0) }
            do throws(MarkupError) {
                let document = try Document(html: bytes)
                htmlDocuments += 1
                let elements = try document.nodes("//*")
                #expect(document.kind == .html && document.root != nil && !elements.isEmpty, "round \(round)")
                #expect(elements.first?.name == document.root?.name, "round \(round): //* starts at the root")
            } catch {
                switch error {
                case .emptyInput: #expect(blank, "round \(round): \(bytes) is not blank")
                case .unparseable(kind: .html, _): break
                default: Issue.record("round \(round): \(error)")
                }
            }
            do throws(MarkupError) {
                let document = try Document(xml: bytes)
                // Random bytes never open and close elements as XML wants.
                Issue.record("round \(round): random bytes parsed as XML with root \(document.root?.name ?? "nil")")
            } catch {
                switch error {
                case .emptyInput: #expect(blank, "round \(round): \(bytes) is not blank")
                case .unparseable(let kind, let messages): #expect(kind == .xml && !messages.isEmpty, "round \(round): \(messages)")
                default: Issue.record("round \(round): \(error)")
                }
            }
        }
        #expect(htmlDocuments >= 250, "the forgiving HTML parser recovered only \(htmlDocuments) of 300")
    }

    /// Random printable text inside markup, escaped: both parsers give it back exactly
    /// (whitespace folded), and random text between two marked elements never hides the second.
    @Test func randomTextRoundTripsThroughBothParsers() throws {
        var generator = SplitMix64(seed: 0x7465_7874)
        for round in 0..<300 {
            let text = String(
                (0..<Int.random(in: 1...400, using: &generator)).map { _ in
                    Character(Unicode.Scalar(UInt8.random(in: 0x20...0x7E, using: &generator)))
                })
            let escaped = text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: ">", with: "&gt;")
            let folded = text.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
            let expected: String? = folded.isEmpty ? nil : folded
            let xml = try Document(xml: Array("<r><t>\(escaped)</t><m>end</m></r>".utf8))
            #expect(try xml.text("/r/t") == expected, "round \(round): \(text)")
            #expect(try xml.text("/r/m") == "end", "round \(round)")
            let html = try Document(html: Array("<html><body><p id='t'>\(escaped)</p><p id='m'>end</p></body></html>".utf8))
            #expect(try html.text("//p[@id='t']") == expected, "round \(round): \(text)")
            #expect(try html.text("//p[@id='m']") == "end", "round \(round)")
        }
    }

    /// SplitMix64: a seeded generator, so the random tests repeat exactly.
    struct SplitMix64: RandomNumberGenerator {
        var state: UInt64
        init(seed: UInt64) { state = seed }
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static func latin2(_ text: String) -> [UInt8] { encode(text, .isoLatin2) }

    static func encode(_ text: String, _ encoding: String.Encoding) -> [UInt8] {
        guard let data = text.data(using: encoding) else {
            Issue.record("cannot encode test text as \(encoding)")
            return []
        }
        return [UInt8](data)
    }
}
