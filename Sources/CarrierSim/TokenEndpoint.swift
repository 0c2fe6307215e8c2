import Foundation
import ParcelCore

/// The OAuth 2 token endpoint of one simulated carrier source: `POST` at the path of the source's
/// `token_url` (rebased like the carrier URLs: only the path matters).
///
/// A request is granted when its `grant_type` is the source's grant and the client id and secret
/// arrive the way the source sends them (`client_auth`: an `Authorization: Basic` header, form
/// fields, or members of a JSON body), each with its ``SimCredentials`` value, plus the
/// `refresh_token` (refresh grant) or `username` and `password` (password grant).
struct TokenEndpoint {
    /// The carrier, answering through the source this endpoint belongs to.
    let carrier: CarrierDefinition
    /// The source's OAuth 2 settings.
    let settings: CarrierAuth.OAuth2
    /// The path of `token_url`.
    let path: String

    /// The endpoint of `carrier`'s source in use; nil when it does not use OAuth 2.
    init?(carrier: CarrierDefinition) {
        guard case .oauth2(let settings)? = carrier.source.auth else { return nil }
        self.carrier = carrier
        self.settings = settings
        path = Self.path(of: settings.tokenURL)
    }

    /// `https://host/a/b?q` → `/a/b`.
    static func path(of url: String) -> String {
        guard let schemeEnd = url.range(of: "://") else { return url }
        let rest = url[schemeEnd.upperBound...]
        guard let slash = rest.firstIndex(of: "/") else { return "/" }
        let path = rest[slash...]
        return String(path.prefix { $0 != "?" && $0 != "#" })
    }

    /// True when the request is for this endpoint (a `POST` to its path).
    func fits(_ request: SimRequest) -> Bool {
        request.method.uppercased() == "POST" && request.path == path
    }

    /// True when the client id the request carries is this source's, whatever else is wrong:
    /// how a request is attributed when several sources share a token path.
    func claims(_ request: SimRequest) -> Bool {
        fields(of: request).clientID == SimCredentials.value(settings.clientID)
    }

    /// Why the request is refused (names the field, never a value); nil when it is granted.
    func refusal(_ request: SimRequest) -> String? {
        let sent = fields(of: request)
        let expected = { (name: String?) in name.map(SimCredentials.value) }
        if sent.all["grant_type"] != settings.grant.rawValue { return "grant_type must be \(settings.grant.rawValue)" }
        guard sent.clientID != nil, sent.clientSecret != nil else {
            return "the client id and secret must be sent " + Self.placement(settings.clientAuth)
        }
        if sent.clientID != expected(settings.clientID) || sent.clientSecret != expected(settings.clientSecret) {
            return "the client id or secret is wrong"
        }
        switch settings.grant {
        case .clientCredentials:
            return nil
        case .refreshToken:
            return sent.all["refresh_token"] == expected(settings.refreshToken) ? nil : "the refresh_token is missing or wrong"
        case .password:
            let right = sent.all["username"] == expected(settings.username) && sent.all["password"] == expected(settings.password)
            return right ? nil : "the username or password is missing or wrong"
        }
    }

    private static func placement(_ clientAuth: CarrierAuth.OAuth2.ClientAuth) -> String {
        switch clientAuth {
        case .basic: return "in an Authorization: Basic header"
        case .form: return "as client_id and client_secret form fields"
        case .json: return "as client_id and client_secret members of a JSON body"
        }
    }

    /// The body's fields and the client credentials where this source's `client_auth` puts them.
    private func fields(of request: SimRequest) -> (all: [String: String], clientID: String?, clientSecret: String?) {
        let all = settings.clientAuth == .json ? request.jsonFields : request.formFields
        switch settings.clientAuth {
        case .basic:
            let basic = request.basicCredentials
            return (all, basic?.user, basic?.password)
        case .form, .json:
            return (all, all["client_id"], all["client_secret"])
        }
    }
}
