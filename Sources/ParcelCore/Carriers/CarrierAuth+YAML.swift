extension CarrierAuth {
    /// Reads a source's `auth:` mapping (nil when absent); every value is a credential name.
    static func parse(_ field: YAMLField) throws(CarrierFileError) -> CarrierAuth? {
        guard field.exists else { return nil }
        let kind = try field("kind").string()
        func name(_ key: String) throws(CarrierFileError) -> String {
            let value = try field(key).string()
            try check(value, field(key))
            return value
        }
        func optionalName(_ key: String) throws(CarrierFileError) -> String? {
            guard field(key).exists else { return nil }
            return try name(key)
        }
        switch kind {
        case "oauth2":
            try field.allowOnly([
                "kind", "token_url", "grant", "client_id", "client_secret", "refresh_token", "username", "password",
                "client_auth", "scope", "header", "format",
            ])
            let tokenURL = try field("token_url").string()
            guard tokenURL.hasPrefix("https://") || tokenURL.hasPrefix("http://") else { throw field("token_url").error("must be an http(s) URL") }
            let grantName = try field("grant").optionalString() ?? "client_credentials"
            guard let grant = OAuth2.Grant(rawValue: grantName) else {
                throw field("grant").error("unknown grant '\(grantName)' (known: \(OAuth2.Grant.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            let clientAuthName = try field("client_auth").optionalString() ?? "basic"
            guard let clientAuth = OAuth2.ClientAuth(rawValue: clientAuthName) else {
                throw field("client_auth").error("unknown client_auth '\(clientAuthName)' (known: basic, form, json)")
            }
            let settings = OAuth2(
                tokenURL: tokenURL, grant: grant, clientID: try name("client_id"), clientSecret: try name("client_secret"),
                refreshToken: try optionalName("refresh_token"), username: try optionalName("username"), password: try optionalName("password"),
                clientAuth: clientAuth, scope: try field("scope").optionalString(),
                header: try field("header").optionalString() ?? "Authorization", format: try field("format").optionalString() ?? "Bearer {token}")
            if grant == .refreshToken, settings.refreshToken == nil { throw field("refresh_token").error("the refresh_token grant needs refresh_token") }
            if grant == .password, settings.username == nil || settings.password == nil {
                throw field.error("the password grant needs username and password")
            }
            guard settings.format.contains("{token}") else { throw field("format").error("must contain {token}") }
            return .oauth2(settings)
        case "api_key":
            try field.allowOnly(["kind", "key", "header", "format"])
            let format = try field("format").optionalString() ?? "{secret}"
            guard format.contains("{secret}") else { throw field("format").error("must contain {secret}") }
            return .apiKey(key: try name("key"), header: try field("header").string(), format: format)
        case "basic":
            try field.allowOnly(["kind", "username", "password"])
            return .basic(username: try name("username"), password: try name("password"))
        case "wsse":
            try field.allowOnly(["kind", "username", "password"])
            return .wsse(username: try name("username"), password: try name("password"))
        case "body":
            try field.allowOnly(["kind", "values"])
            let values = try field("values").strings()
            if values.isEmpty { throw field("values").error("list the credentials the body needs") }
            for value in values { try check(value, field("values")) }
            return .body(values: values)
        default:
            throw field("kind").error("unknown auth kind '\(kind)' (known: oauth2, api_key, basic, wsse, body)")
        }
    }

    /// A credential name is an environment variable name: a carrier file never holds a secret.
    private static func check(_ name: String, _ field: YAMLField) throws(CarrierFileError) {
        guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isUppercase || $0.isNumber || $0 == "_") }) else {
            throw field.error(
                "'\(name.count > 40 ? String(name.prefix(8)) + "…" : name)' is not a credential name (A-Z, 0-9, _): name the variable, never write the secret")
        }
    }
}
