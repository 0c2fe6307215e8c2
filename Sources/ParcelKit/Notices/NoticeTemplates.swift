import Foundation
import Mustache

/// The reviewed customer texts (`Notices/Templates/<lang>/<name>.mustache`, package resources):
/// one per incident kind and milestone, in Polish, English, Spanish and Lithuanian. The first
/// line after the pragma is `Subject: …`, the rest the plain-text body.
public struct NoticeTemplates: Sendable {
    /// The languages every template exists in.
    public static let languages = ["pl", "en", "es", "lt"]
    /// Milestones besides the incident kinds.
    public static let milestones = ["shipped", "outForDelivery", "refundIssued", "reshipSent", "resolved", "stillWorking", "goodNews"]

    private let templates: [String: [String: MustacheTemplate]]
    /// The raw template text, by language and name (for checks on variables).
    public let sources: [String: [String: String]]

    /// Loads every template shipped with the package.
    /// - Throws: ``NoticeError/templates(_:)`` when one is missing or does not parse.
    public init() throws(NoticeError) {
        guard let root = Bundle.module.url(forResource: "Templates", withExtension: nil) else {
            throw .templates("the package's Notices/Templates resources are missing")
        }
        var templates: [String: [String: MustacheTemplate]] = [:]
        var sources: [String: [String: String]] = [:]
        for language in Self.languages {
            let directory = root.appendingPathComponent(language)
            let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
            for file in files where file.hasSuffix(".mustache") {
                let name = String(file.dropLast(".mustache".count))
                guard let data = FileManager.default.contents(atPath: directory.appendingPathComponent(file).path),
                      let text = String(data: data, encoding: .utf8) else { throw .templates("\(language)/\(file) is unreadable") }
                do {
                    templates[language, default: [:]][name] = try MustacheTemplate(string: text)
                } catch {
                    throw .templates("\(language)/\(file) does not parse: \(error)")
                }
                sources[language, default: [:]][name] = text
            }
        }
        self.templates = templates
        self.sources = sources
    }

    /// The template names (the English set).
    public var names: [String] { (templates["en"] ?? [:]).keys.sorted() }

    /// Renders `name` in `language` (English when that language lacks it) with `values`.
    /// - Throws: ``NoticeError/templates(_:)`` for an unknown template or one without a subject.
    public func render(_ name: String, language: String, values: [String: Any]) throws(NoticeError) -> RenderedNotice {
        let code = templates[language]?[name] != nil ? language : "en"
        guard let template = templates[code]?[name] else { throw .templates("no template \(name)") }
        let text = template.render(values).replacingOccurrences(of: "\r\n", with: "\n")
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        while let first = lines.first, first.trimmingCharacters(in: .whitespaces).isEmpty { lines.removeFirst() }
        guard let subjectLine = lines.first, subjectLine.hasPrefix("Subject:") else { throw .templates("\(code)/\(name) has no Subject: line") }
        let subject = subjectLine.dropFirst("Subject:".count).trimmingCharacters(in: .whitespaces)
        let body = lines.dropFirst().drop { $0.trimmingCharacters(in: .whitespaces).isEmpty }.joined(separator: "\n")
        return RenderedNotice(language: code, subject: subject, body: body.trimmingCharacters(in: .whitespacesAndNewlines) + "\n")
    }
}

/// A notice ready to send.
public struct RenderedNotice: Sendable, Equatable {
    /// The language it is in.
    public var language: String
    /// One-line subject.
    public var subject: String
    /// Plain-text body.
    public var body: String
}

/// Why notices cannot be composed or delivered.
public enum NoticeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A template is missing or broken (a packaging error).
    case templates(String)
    /// The delivery channel is not configured or failed.
    case delivery(String)

    /// A sentence for people.
    public var description: String {
        switch self {
        case .templates(let detail): return "notice templates: \(detail)"
        case .delivery(let detail): return "notice delivery: \(detail)"
        }
    }
}
