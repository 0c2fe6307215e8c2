import Foundation
import ParcelCore
import ParcelOps
import ParcelStore

/// The customer's language from an `Accept-Language` header, among the four every
/// customer-facing text exists in.
enum AcceptLanguage {
    /// The supported language the header prefers most (`pl-PL,pl;q=0.9,en;q=0.8` → `pl`), else English.
    static func pick(_ header: String?) -> String {
        guard let header else { return "en" }
        var best: (language: String, quality: Double)?
        for part in header.split(separator: ",") {
            let fields = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let tag = fields.first?.lowercased(), !tag.isEmpty else { continue }
            let language = String(tag.split(separator: "-").first ?? "")
            let quality = fields.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
            guard CustomerLanguages.supported.contains(language), quality > 0, quality > (best?.quality ?? 0) else { continue }
            best = (language, quality)
        }
        return best?.language ?? "en"
    }
}
