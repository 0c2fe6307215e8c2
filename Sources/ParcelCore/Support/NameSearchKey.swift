import Foundation

/// The form a customer's name is searched in, the same on every store: lowercase, without
/// accents, so "ZANETA", "żaneta" and "Żaneta" are one name, as are "Lukasz" and "Łukasz" or
/// "Muller" and "Müller". Folding happens here, in Swift, not in the database:
/// SQLite's `lower()` only knows ASCII and PostgreSQL's follows the server's locale, so a fold in
/// SQL would make the two stores find different orders for the same words.
///
/// A name search matches orders whose folded name contains the folded query as a substring,
/// once the query is at least ``minimumLength`` characters (Unicode scalars) long; shorter
/// queries look for exact order ids, tracking numbers, e-mails and phones only, because no
/// substring index serves one or two letters and a scan of every order is what the index avoids.
public enum NameSearchKey {
    /// The fewest characters (Unicode scalars, after folding) a name search takes: a trigram.
    public static let minimumLength = 3

    /// Letters with no canonical decomposition into a base letter and a mark, mapped by hand.
    static let unmarked: [Unicode.Scalar: String] = [
        "ł": "l", "ø": "o", "đ": "d", "ð": "d", "ħ": "h", "ı": "i", "ŀ": "l", "ß": "ss", "æ": "ae", "œ": "oe", "þ": "th",
    ]

    /// `text` lowercased (Unicode's full mapping, no locale), decomposed, its combining marks
    /// dropped and the few letters in ``unmarked`` spelled with their base letters.
    public static func fold(_ text: String) -> String {
        var folded = String.UnicodeScalarView()
        for scalar in text.lowercased().decomposedStringWithCanonicalMapping.unicodeScalars {
            switch scalar.properties.generalCategory {
            case .nonspacingMark, .enclosingMark, .spacingMark: continue
            default: break
            }
            if let spelled = unmarked[scalar] { folded.append(contentsOf: spelled.unicodeScalars) } else { folded.append(scalar) }
        }
        return String(folded)
    }

    /// The folded query when it is long enough for a name search, else nil.
    public static func query(_ text: String) -> String? {
        let folded = fold(text.trimmingCharacters(in: .whitespaces))
        return folded.unicodeScalars.count >= minimumLength ? folded : nil
    }
}
