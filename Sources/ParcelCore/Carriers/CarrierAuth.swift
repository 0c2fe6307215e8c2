/// How a source proves who is asking. Every value here names a credential (an environment
/// variable, or a key of the carrier's 0600 credentials file); no secret is ever in a carrier file.
public enum CarrierAuth: Sendable, Equatable {
    /// OAuth 2 token endpoint; the access token goes into `header` written as `format`.
    case oauth2(OAuth2)
    /// A key sent in a header as `format` (`{secret}` is the key).
    case apiKey(key: String, header: String, format: String)
    /// HTTP Basic with a username and password.
    case basic(username: String, password: String)
    /// A WS-Security `UsernameToken` header, written where the body says `{wsse}`.
    case wsse(username: String, password: String)
    /// Values written into the body where it says `{secret:NAME}` (SOAP `authData`).
    case body(values: [String])

    /// OAuth 2 settings.
    public struct OAuth2: Sendable, Equatable {
        /// The grant the token request uses.
        public enum Grant: String, Sendable, CaseIterable {
            case clientCredentials = "client_credentials", refreshToken = "refresh_token", password
        }
        /// How the client id and secret are sent to the token endpoint.
        public enum ClientAuth: String, Sendable, CaseIterable {
            case basic, form, json
        }
        public var tokenURL: String
        public var grant: Grant
        public var clientID: String
        public var clientSecret: String
        /// Refresh-token grant: the credential holding the refresh token.
        public var refreshToken: String?
        /// Password grant: the credentials holding the user's name and password.
        public var username: String?
        public var password: String?
        public var clientAuth: ClientAuth
        public var scope: String?
        /// Where the access token goes and how it is written (`Bearer {token}`).
        public var header: String
        public var format: String
    }

    /// The credential names this authentication needs.
    public var credentialNames: [String] {
        switch self {
        case .oauth2(let settings):
            return [settings.clientID, settings.clientSecret] + [settings.refreshToken, settings.username, settings.password].compactMap { $0 }
        case .apiKey(let key, _, _): return [key]
        case .basic(let username, let password), .wsse(let username, let password): return [username, password]
        case .body(let values): return values
        }
    }

    /// The kind's name as a carrier file writes it.
    public var kind: String {
        switch self {
        case .oauth2: return "oauth2"
        case .apiKey: return "api_key"
        case .basic: return "basic"
        case .wsse: return "wsse"
        case .body: return "body"
        }
    }
}
