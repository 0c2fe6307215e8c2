import Foundation
import ParcelKit

/// Recognises a request for one carrier at the carrier's own URL shape (path, query, body) and
/// pulls out the tracking number, so clients only swap the host (`--carrier-endpoint`).
struct CarrierRoute {
    let carrier: CarrierDefinition
    private let target: Regex<AnyRegexOutput>
    private let body: Regex<AnyRegexOutput>?

    init?(carrier: CarrierDefinition) {
        self.carrier = carrier
        let template = carrier.request.url
        guard let schemeEnd = template.range(of: "://") else { return nil }
        let rest = template[schemeEnd.upperBound...]
        let targetTemplate = String(rest[(rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex)...])
        let decodedTemplate = targetTemplate.removingPercentEncoding ?? targetTemplate
        guard let target = try? Regex("^" + Self.pattern(decodedTemplate) + "$") else { return nil }
        self.target = target
        if let bodyTemplate = carrier.request.body, bodyTemplate.contains("{number}") {
            body = try? Regex(Self.pattern(bodyTemplate))
        } else {
            body = nil
        }
    }

    /// The template as a regex: `{number}` captures, other placeholders match anything short.
    private static func pattern(_ template: String) -> String {
        var out = ""
        var index = template.startIndex
        while index < template.endIndex {
            if template[index] == "{", let close = template[index...].firstIndex(of: "}") {
                let name = template[template.index(after: index)..<close]
                if !name.isEmpty, name.allSatisfy({ $0.isLetter || $0 == "_" || $0 == ":" }) {
                    out += name == "number" ? "(?<number>[^/&?\"<>=]+)" : "[^&\"<>]*?"
                    index = template.index(after: close)
                    continue
                }
            }
            let char = template[index]
            out += "\\^$.|?*+()[]{}/".contains(char) ? "\\\(char)" : String(char)
            index = template.index(after: index)
        }
        return out
    }

    /// The tracking number when `method`, the decoded request target and `body` fit this
    /// carrier; "" for a matching feed request; nil otherwise.
    func number(method: String, target requestTarget: String, body requestBody: String) -> String? {
        guard method.uppercased() == carrier.request.method else { return nil }
        let decoded = requestTarget.removingPercentEncoding ?? requestTarget
        guard let match = try? target.wholeMatch(in: decoded) else { return nil }
        if let captured = match.output["number"]?.substring { return String(captured) }
        if let body, let bodyMatch = try? body.firstMatch(in: requestBody.removingPercentEncoding ?? requestBody),
           let captured = bodyMatch.output["number"]?.substring {
            return String(captured)
        }
        return carrier.isFeed ? "" : nil
    }
}
