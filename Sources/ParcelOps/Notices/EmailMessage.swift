import Foundation
import ParcelCore
import ParcelStore

/// A plain-text e-mail as RFC 5322 bytes: UTF-8 subject as an RFC 2047 encoded word, UTF-8 body
/// in base64 (safe through any relay), CRLF line ends, and a `Message-ID` derived from the
/// notice's dedupe key so a receiver can recognise a re-delivery after a crash.
public struct EmailMessage: Sendable, Equatable {
    public var from: String
    public var fromName: String
    public var to: String
    public var subject: String
    public var body: String
    public var date: Date
    public var dedupeKey: String
    public var language: String

    /// Creates a message.
    public init(from: String, fromName: String, to: String, subject: String, body: String, date: Date, dedupeKey: String, language: String) {
        self.from = from
        self.fromName = fromName
        self.to = to
        self.subject = subject
        self.body = body
        self.date = date
        self.dedupeKey = dedupeKey
        self.language = language
    }

    /// The message as sent.
    public var bytes: [UInt8] {
        let hash = FNV1a64.hash(dedupeKey)
        let domain = from.split(separator: "@").last.map(String.init) ?? "parcelwatch.local"
        let headers = [
            "From: \(Self.encodedWord(fromName)) <\(from)>",
            "To: <\(to)>",
            "Subject: \(Self.encodedWord(subject))",
            "Date: \(Self.rfc5322Date(date))",
            "Message-ID: <\(String(hash, radix: 16)).notice@\(domain)>",
            "Content-Language: \(language)",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=UTF-8",
            "Content-Transfer-Encoding: base64",
            "Auto-Submitted: auto-generated",
        ]
        let encoded = Data(body.replacingEvery("\n", with: "\r\n").utf8).base64EncodedString(options: [
            .lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed,
        ])
        return Array((headers.joined(separator: "\r\n") + "\r\n\r\n" + encoded + "\r\n").utf8)
    }

    /// `=?UTF-8?B?…?=` when the text is not plain ASCII; CR/LF never pass (no header injection).
    static func encodedWord(_ text: String) -> String {
        let clean = text.replacingEvery("\r", with: " ").replacingEvery("\n", with: " ")
        guard clean.unicodeScalars.contains(where: { !$0.isASCII || $0 == "\"" }) else { return clean }
        return "=?UTF-8?B?\(Data(clean.utf8).base64EncodedString())?="
    }

    /// `Fri, 20 Nov 2026 12:00:00 +0000`.
    static func rfc5322Date(_ date: Date) -> String {
        let iso = ISOTime.utc(date)
        guard let day = CivilDate(String(iso.prefix(10))) else { return iso }
        let weekday = CalendarNames.weekdayAbbreviations[day.weekday - 1]
        let month = CalendarNames.monthAbbreviations[day.month - 1]
        return "\(weekday), \(day.day) \(month) \(day.year) \(iso.dropFirst(11).prefix(8)) +0000"
    }
}
