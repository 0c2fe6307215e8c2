import Foundation
import ParcelCore

/// Recognises a request for one carrier source at the source's own URL shape (path, query, body)
/// and pulls out what the simulator needs from it, so clients only swap the host
/// (`--carrier-endpoint`).
///
/// Placeholders of the URL and body templates become parts of a regex: `{number}` and
/// `{numbers}` capture, `{secret:NAME}` and `{wsse}` capture in the body for the credential
/// check, every other placeholder (`{env:NAME}`, `{postcode}`, `{since}`…) matches anything
/// (within one path segment or query value, in URLs). The URL must match whole; a body template
/// that holds the number must match the body too, so two sources at one URL are told apart by
/// their bodies.
struct CarrierRoute {
    /// What a request that fits the route carries.
    struct Match {
        /// The tracking number; "" for a feed or a batch request.
        var number: String
        /// For a batch source: the numbers of `{numbers}` in request order, percent-decoded.
        var numbers: [String]?
        /// The values found at `{secret:NAME}` in the body, by NAME (one per occurrence).
        var secrets: [String: [String]] = [:]
        /// The text found at `{wsse}` in the body.
        var wsse: String?
    }

    /// The carrier, answering through the route's source.
    let carrier: CarrierDefinition
    /// Literal characters in the URL and body templates: routes are tried most specific first,
    /// so a loose shape never captures a request meant for a stricter one.
    let specificity: Int
    private let target: Regex<AnyRegexOutput>
    private let body: Regex<AnyRegexOutput>?
    /// True when the number (or numbers) is in the body: then the body must fit.
    private let bodyCarriesNumber: Bool
    /// `{secret:NAME}` occurrences of the body template in order; capture `s<index>` holds each.
    private let bodySecrets: [String]

    /// The route of `carrier`'s source in use; nil when its URL template has no path to match.
    init?(carrier: CarrierDefinition) {
        self.carrier = carrier
        let template = carrier.request.url
        guard let schemeEnd = template.range(of: "://") else { return nil }
        let rest = template[schemeEnd.upperBound...]
        let targetTemplate = String(rest[(rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex)...])
        let decodedTemplate = targetTemplate.removingPercentEncoding ?? targetTemplate
        let url = Self.pattern(decodedTemplate, inBody: false)
        guard let target = try? Regex("^" + url.regex + "$") else { return nil }
        self.target = target
        var specificity = url.literals
        if let bodyTemplate = carrier.request.body, bodyTemplate.contains("{") {
            let pattern = Self.pattern(bodyTemplate, inBody: true)
            body = try? Regex(pattern.regex)
            bodySecrets = pattern.secrets
            bodyCarriesNumber = bodyTemplate.contains("{number}") || bodyTemplate.contains("{numbers}")
            specificity += pattern.literals
        } else {
            body = nil
            bodySecrets = []
            bodyCarriesNumber = false
            specificity += carrier.request.body?.count ?? 0
        }
        self.specificity = specificity
    }

    /// The template as a regex, with how many literal characters it has and the `{secret:NAME}`
    /// names in order.
    private static func pattern(_ template: String, inBody: Bool) -> (regex: String, literals: Int, secrets: [String]) {
        var out = ""
        var literals = 0
        var secrets: [String] = []
        var index = template.startIndex
        while index < template.endIndex {
            if template[index] == "{", let close = template[index...].firstIndex(of: "}") {
                let name = template[template.index(after: index)..<close]
                if !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == ":" || $0 == "-") }) {
                    switch name {
                    case "number":
                        out += "(?<number>[^/&?\"<>=]+)"
                    case "numbers":
                        out += inBody ? "(?<numbers>[^<>&]+)" : "(?<numbers>[^/&?#\"<>=]+)"
                    case "wsse" where inBody:
                        out += "(?<wsse>[\\s\\S]*?)"
                    case _ where inBody && name.hasPrefix("secret:"):
                        out += "(?<s\(secrets.count)>[\\s\\S]*?)"
                        secrets.append(String(name.dropFirst("secret:".count)))
                    default:
                        out += inBody ? "[\\s\\S]*?" : "[^/?#&]*?"
                    }
                    index = template.index(after: close)
                    continue
                }
            }
            let char = template[index]
            out += "\\^$.|?*+()[]{}/".contains(char) ? "\\\(char)" : String(char)
            literals += 1
            index = template.index(after: index)
        }
        return (out, literals, secrets)
    }

    /// What the request carries when `method`, the request target and `body` fit this route; nil
    /// otherwise.
    func match(method: String, target requestTarget: String, body requestBody: String) -> Match? {
        guard method.uppercased() == carrier.request.method.uppercased() else { return nil }
        let decoded = requestTarget.removingPercentEncoding ?? requestTarget
        guard let urlMatch = try? target.wholeMatch(in: decoded) else { return nil }
        var bodyMatch: Regex<AnyRegexOutput>.Match?
        if let body {
            bodyMatch = try? body.firstMatch(in: requestBody.removingPercentEncoding ?? requestBody)
            if bodyMatch == nil, bodyCarriesNumber { return nil }
        }
        var match = Match(number: "")
        if let captured = urlMatch.output["number"]?.substring ?? bodyMatch?.output["number"]?.substring {
            match.number = String(captured)
        } else if let captured = urlMatch.output["numbers"]?.substring ?? bodyMatch?.output["numbers"]?.substring {
            let separator = carrier.source.batch?.separator ?? ","
            match.numbers = captured.components(separatedBy: separator)
                .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        } else if !carrier.isFeed {
            return nil
        }
        if let bodyMatch {
            for (index, name) in bodySecrets.enumerated() {
                if let value = bodyMatch.output["s\(index)"]?.substring { match.secrets[name, default: []].append(String(value)) }
            }
            match.wsse = bodyMatch.output["wsse"]?.substring.map(String.init)
        }
        return match
    }
}
