/// A ``DeliveryEstimate`` in a customer's words, in every customer language
/// (``CustomerLanguages/supported``): the heading and the expected window, its days written as
/// ``LocalDates/date(_:language:)`` writes them, so the window reads like every other date on the
/// customer's page.
///
/// - en: "between 24 Nov 2026 and 26 Nov 2026", "on 24 Nov 2026" when both days are one
/// - pl: "między 24.11.2026 a 26.11.2026", "24.11.2026"
/// - es: "entre el 24/11/2026 y el 26/11/2026", "el 24/11/2026"
/// - lt: "nuo 2026-11-24 iki 2026-11-26", "2026-11-24"
public enum EstimateWording {
    /// The heading above the window: "Expected delivery" in `language` (English for any other).
    public static func heading(language: String) -> String {
        switch language.lowercased().prefix(2) {
        case "pl": return "Przewidywana dostawa"
        case "es": return "Entrega prevista"
        case "lt": return "Numatomas pristatymas"
        default: return "Expected delivery"
        }
    }

    /// The window from an estimate's p50 day to its p90 day in `language` (English for any other).
    public static func window(from p50: CivilDate, to p90: CivilDate, language: String) -> String {
        let code = String(language.lowercased().prefix(2))
        let known = ["pl", "es", "lt"].contains(code) ? code : "en"
        let from = LocalDates.date(p50, language: known), to = LocalDates.date(p90, language: known)
        let oneDay = p50 == p90
        switch known {
        case "pl": return oneDay ? from : "między \(from) a \(to)"
        case "es": return oneDay ? "el \(from)" : "entre el \(from) y el \(to)"
        case "lt": return oneDay ? from : "nuo \(from) iki \(to)"
        default: return oneDay ? "on \(from)" : "between \(from) and \(to)"
        }
    }
}
