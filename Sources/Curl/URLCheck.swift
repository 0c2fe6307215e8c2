import Foundation

/// Small, dependency-free checks on URLs before they reach curl.
enum URLCheck {
    /// True for absolute `http://` or `https://` URLs with a host.
    static func isFetchable(_ url: String) -> Bool {
        let lower = url.lowercased()
        let rest: Substring
        if lower.hasPrefix("http://") { rest = lower.dropFirst(7) } else if lower.hasPrefix("https://") { rest = lower.dropFirst(8) } else { return false }
        guard let first = rest.first, first != "/", first != "?", first != "#" else { return false }
        return !url.contains(where: { $0.isWhitespace || $0.isNewline })
    }

    /// The URL with any `user:password@` removed, safe to print or log.
    static func redacted(_ url: String) -> String {
        guard let schemeEnd = url.range(of: "://") else { return url }
        let afterScheme = url[schemeEnd.upperBound...]
        let authorityEnd = afterScheme.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? afterScheme.endIndex
        let authority = afterScheme[..<authorityEnd]
        guard let at = authority.lastIndex(of: "@") else { return url }
        return String(url[..<schemeEnd.upperBound]) + authority[authority.index(after: at)...] + afterScheme[authorityEnd...]
    }
}
