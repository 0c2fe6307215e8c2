/// Finds the charset a server declared, so a page is decoded the way its server meant.
public enum Charset {
    /// The `charset` parameter of a `Content-Type` value (`text/html; charset=ISO-8859-2` →
    /// `ISO-8859-2`), or nil when none is given.
    public static func fromContentType(_ contentType: String?) -> String? {
        guard let contentType else { return nil }
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1)
            guard pair.count == 2,
                pair[0].trimmingCharacters(in: " \t").lowercased() == "charset"
            else { continue }
            let value = pair[1].trimmingCharacters(in: " \t\"'")
            return value.isEmpty ? nil : value
        }
        return nil
    }
}

extension StringProtocol {
    func trimmingCharacters(in set: String) -> String {
        var view = Substring(self)
        while let first = view.first, set.contains(first) { view.removeFirst() }
        while let last = view.last, set.contains(last) { view.removeLast() }
        return String(view)
    }
}
