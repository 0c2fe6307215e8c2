import Foundation
import Mustache

/// The reviewed customer texts (`Notices/Templates/<lang>/<name>.mustache`, package resources):
/// one per incident kind and milestone, in Polish, English, Spanish and Lithuanian. The first
/// line after the pragma is `Subject: …`, the rest the plain-text body.
public struct NoticeTemplates: Sendable {
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
        var sources: [String: [String: String]] = [:]
        for language in CustomerLanguages.supported {
            let directory = root.appendingPathComponent(language)
            let files: [String]
            do { files = try FileManager.default.contentsOfDirectory(atPath: directory.path) } catch {
                throw .templates("the package's Notices/Templates/\(language) cannot be read: \(error.localizedDescription)")
            }
            for file in files where file.hasSuffix(".mustache") {
                guard let data = FileManager.default.contents(atPath: directory.appendingPathComponent(file).path),
                    let text = String(data: data, encoding: .utf8)
                else { throw .templates("\(language)/\(file) is unreadable") }
                sources[language, default: [:]][String(file.dropLast(".mustache".count))] = text
            }
        }
        try self.init(sources: sources)
    }

    /// Templates from their text, by language and name (`["en": ["shipped": "Subject: …"]]`):
    /// a shop's own wording, or a test's.
    /// - Throws: ``NoticeError/templates(_:)`` when one does not parse.
    public init(sources: [String: [String: String]]) throws(NoticeError) {
        var templates: [String: [String: MustacheTemplate]] = [:]
        for (language, named) in sources {
            for (name, text) in named {
                do {
                    templates[language, default: [:]][name] = try MustacheTemplate(string: text)
                } catch {
                    throw .templates("\(language)/\(name).mustache does not parse: \(error)")
                }
            }
        }
        self.templates = templates
        self.sources = sources
    }

    /// The template names (the English set).
    public var names: [String] { (templates["en"] ?? [:]).keys.sorted() }

    /// Renders `name` in `language` (English when that language lacks it) with `values`.
    /// - Throws: ``NoticeError/render(template:language:detail:)`` for an unknown template or one
    ///   whose text has no subject.
    public func render(_ name: String, language: String, values: [String: Any]) throws(NoticeError) -> RenderedNotice {
        let code = templates[language]?[name] != nil ? language : "en"
        guard let template = templates[code]?[name] else {
            throw .render(template: name, language: language, detail: "no such template (known: \(names.joined(separator: ", ")))")
        }
        let text = template.render(values).replacingEvery("\r\n", with: "\n")
        var lines = text.linesSplitAtNewline()[...]
        while let first = lines.first, first.trimmingSpace().isEmpty { lines.removeFirst() }
        guard let subjectLine = lines.first, subjectLine.hasPrefix("Subject:") else {
            throw .render(template: name, language: code, detail: "the rendered text does not start with a Subject: line")
        }
        let subject = subjectLine.dropFirst("Subject:".count).trimmingSpace()
        let body = lines.dropFirst().drop { $0.trimmingSpace().isEmpty }.joined(separator: "\n")
        return RenderedNotice(language: code, subject: subject, body: body.trimmingSpace(newlines: true) + "\n")
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
    /// The templates cannot be loaded: one is missing or does not parse (a packaging error).
    case templates(String)
    /// Template `template` in `language` cannot render a notice (unknown, or its text has no
    /// subject): the notice is not written, and neither is the change it belongs to.
    case render(template: String, language: String, detail: String)
    /// The delivery channel is not configured or failed.
    case delivery(String)

    /// A sentence for people.
    public var description: String {
        switch self {
        case .templates(let detail): return "notice templates: \(detail)"
        case .render(let template, let language, let detail): return "notice template \(language)/\(template) cannot render: \(detail)"
        case .delivery(let detail): return "notice delivery: \(detail)"
        }
    }
}
