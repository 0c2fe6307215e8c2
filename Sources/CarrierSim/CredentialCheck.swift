import Foundation
import ParcelCore

/// Checks a tracking request's credentials exactly as its source's `auth:` says they are sent,
/// against the ``SimCredentials`` values and the tokens ``SimAuth`` issued:
/// - `oauth2`: a live token in the source's header, written as its format (`Bearer {token}`,
///   Amazon's bare `{token}` in `x-amz-access-token`);
/// - `api_key`: the header holds the format with the key;
/// - `basic`: `Authorization: Basic base64(user:password)`;
/// - `wsse`: a `UsernameToken` with the user and password (PasswordText) where the body says
///   `{wsse}` (anywhere in the body when the route could not place it);
/// - `body`: every `{secret:NAME}` of the body template holds NAME's value.
///
/// A revoked carrier has no right credentials at all.
enum CredentialCheck {
    /// Why the request is refused (names what was wrong, never a value); nil when its
    /// credentials are right or the source needs none.
    static func refusal(_ request: SimRequest, match: CarrierRoute.Match, carrier: CarrierDefinition, auth: SimAuth) async -> String? {
        guard let kind = carrier.source.auth else { return nil }
        if await auth.isRevoked(carrier: carrier.id, source: carrier.source.name) { return "the credentials were revoked" }
        switch kind {
        case .oauth2(let settings):
            guard let token = unwrap(request.header(settings.header), format: settings.format, placeholder: "{token}") else {
                return "no access token in \(settings.header) written as \(settings.format)"
            }
            let live = await auth.isValid(token: token, carrier: carrier.id, source: carrier.source.name)
            return live ? nil : "the access token is unknown, expired or revoked"
        case .apiKey(let key, let header, let format):
            let expected = format.replacingOccurrences(of: "{secret}", with: SimCredentials.value(key))
            return request.header(header) == expected ? nil : "\(header) is missing or wrong"
        case .basic(let username, let password):
            let sent = request.basicCredentials
            let right = sent?.user == SimCredentials.value(username) && sent?.password == SimCredentials.value(password)
            return right ? nil : "the Basic credentials are missing or wrong"
        case .wsse(let username, let password):
            let header = match.wsse ?? request.body
            let right =
                element("Username", in: header) == SimCredentials.value(username)
                && element("Password", in: header) == SimCredentials.value(password)
            return right ? nil : "the WS-Security UsernameToken is missing or wrong"
        case .body(let values):
            for name in values {
                // A value the body template never asks for is never sent: nothing to check.
                guard carrier.request.body?.contains("{secret:\(name)}") == true else { continue }
                let sent = match.secrets[name] ?? []
                if sent.isEmpty || sent.contains(where: { unescape($0) != SimCredentials.value(name) }) {
                    return "the body's \(name) is missing or wrong"
                }
            }
            return nil
        }
    }

    /// The part of `value` that `format` writes as `placeholder` (`Bearer {token}` → the token).
    private static func unwrap(_ value: String?, format: String, placeholder: String) -> String? {
        guard let value, let range = format.range(of: placeholder) else { return nil }
        let prefix = String(format[..<range.lowerBound]), suffix = String(format[range.upperBound...])
        guard value.count >= prefix.count + suffix.count, value.hasPrefix(prefix), value.hasSuffix(suffix) else { return nil }
        let token = String(value.dropFirst(prefix.count).dropLast(suffix.count))
        return token.isEmpty ? nil : token
    }

    /// The unescaped text of the first `<prefix:name …>text</prefix:name>` element in `xml`.
    private static func element(_ name: String, in xml: String) -> String? {
        guard let regex = try? Regex("<(?:[A-Za-z_][\\w.-]*:)?\(name)(?:\\s[^>]*)?>([^<]*)</(?:[A-Za-z_][\\w.-]*:)?\(name)>"),
            let found = try? regex.firstMatch(in: xml), found.output.count > 1, let text = found.output[1].substring
        else { return nil }
        return unescape(String(text))
    }

    /// XML entities and JSON escapes undone, as a carrier reads a secret back from its body.
    private static func unescape(_ text: String) -> String {
        text.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&apos;", with: "'")
            .replacingOccurrences(of: "&amp;", with: "&")
            .replacingOccurrences(of: "\\\"", with: "\"").replacingOccurrences(of: "\\\\", with: "\\")
    }
}
