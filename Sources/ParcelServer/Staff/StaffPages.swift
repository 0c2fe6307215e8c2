import Foundation
import Mustache

/// The staff console's pages: Mustache templates in the package's `Templates/staff/` folder
/// (`header` and `footer` are partials every page includes). Every value goes through
/// `{{…}}`, which HTML-escapes it: a carrier status such as `<script>` shows as text. The one
/// exception is the Lanes page's charts, `{{{…}}}`: SVG that ``LanesChart`` wrote with every
/// text from data escaped.
struct StaffPages: Sendable {
    /// The pages the console renders; loading fails unless each exists and parses.
    static let names = ["header", "footer", "login", "queue", "incident", "search", "report", "lanes", "audit", "message"]

    private let library: MustacheLibrary

    /// Loads the templates shipped with the package.
    init() throws(ServerError) {
        guard let folder = Bundle.module.url(forResource: "Templates", withExtension: nil)?.appendingPathComponent("staff") else {
            throw .resources("the package's ParcelServer/Templates/staff folder is missing")
        }
        var templates: [String: MustacheTemplate] = [:]
        for name in Self.names {
            let path = folder.appendingPathComponent("\(name).mustache").path
            guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
                throw .resources("Templates/staff/\(name).mustache is missing")
            }
            do { templates[name] = try MustacheTemplate(string: text) } catch { throw .resources("Templates/staff/\(name).mustache does not parse: \(error)") }
        }
        library = MustacheLibrary(templates: templates)
    }

    /// The page `name` filled with `values`.
    func render(_ name: String, _ values: [String: Any]) -> String {
        library.render(values, withTemplate: name) ?? ""
    }
}
