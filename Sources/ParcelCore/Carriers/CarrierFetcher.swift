import Curl
import Foundation

/// Asks carriers about parcels over HTTP, exactly as their files say: method, URL, headers,
/// body, cookie priming, and the source's authentication with credentials from the environment
/// or the carrier's credentials file.
///
/// An OAuth token is fetched once and reused until shortly before it expires; when the carrier
/// answers 401 the token is renewed once, and a second refusal is `credentialsRejected`.
public struct CarrierFetcher: Sendable {
    private let client: HTTPClient
    private let endpoints: EndpointOverrides
    private let credentials: CarrierCredentials
    /// The process's access tokens.
    public let tokens: TokenCache

    /// Creates a fetcher on a shared client, with credentials from `environment` only.
    public init(
        client: HTTPClient, endpoints: EndpointOverrides = .none,
        environment: [String: String] = ProcessInfo.processInfo.environment, tokens: TokenCache = TokenCache()
    ) {
        self.init(client: client, endpoints: endpoints, credentials: CarrierCredentials(environment: environment), tokens: tokens)
    }

    /// Creates a fetcher on a shared client with `credentials`.
    public init(client: HTTPClient, endpoints: EndpointOverrides = .none, credentials: CarrierCredentials, tokens: TokenCache = TokenCache()) {
        self.client = client
        self.endpoints = endpoints
        self.credentials = credentials
        self.tokens = tokens
    }

    /// Fetches and parses one parcel. `validators` make the request conditional; a `304` comes
    /// back as `.notModified`.
    public func track(
        _ number: String, carrier: CarrierDefinition, inputs: [String: String] = [:],
        validators: CacheValidators? = nil
    ) async throws(TrackingError) -> FetchOutcome {
        let response = try await fetch(carrier: carrier, number: number, inputs: inputs, validators: validators)
        if response.isNotModified { return .notModified }
        try Self.checkRetryable(response, carrier: carrier)
        let result = try CarrierParser(definition: carrier)
            .parse(response.body, contentType: response.contentType, number: number, httpStatus: response.status)
        return .updated(result, response.validators)
    }

    /// Fetches and parses one batch of numbers (one request, counted once against quotas).
    public func trackBatch(_ numbers: [String], carrier: CarrierDefinition) async throws(TrackingError) -> [BatchAnswer] {
        let response = try await fetch(carrier: carrier, number: "", numbers: numbers)
        try Self.checkRetryable(response, carrier: carrier)
        return try CarrierParser(definition: carrier)
            .parseBatch(response.body, contentType: response.contentType, numbers: numbers, httpStatus: response.status)
    }

    /// 429 and 503 are "ask again later" unless the carrier file maps the status itself (a
    /// quota rule).
    static func checkRetryable(_ response: HTTPResponse, carrier: CarrierDefinition) throws(TrackingError) {
        guard response.status == 429 || response.status == 503 else { return }
        let retryAfter = response.retryAfter(now: Date().timeIntervalSince1970)
        if let rule = carrier.source.errors.first(where: { $0.path == nil && $0.statuses.contains(response.status) }), rule.error == .quotaExceeded {
            throw .quotaExceeded(carrier: carrier.id, retryAfter: retryAfter)
        }
        throw .httpStatus(carrier: carrier.id, status: response.status, retryAfter: retryAfter)
    }

    /// The raw response for one parcel (or, for a feed, the whole feed with `number` empty; for
    /// a batch source, the `numbers` joined into `{numbers}`), authenticated as the source says.
    public func fetch(
        carrier: CarrierDefinition, number: String, numbers: [String] = [], inputs: [String: String] = [:],
        validators: CacheValidators? = nil
    ) async throws(TrackingError) -> HTTPResponse {
        var renewed = false
        while true {
            let response = try await fetchOnce(
                carrier: carrier, number: number, numbers: numbers, inputs: inputs,
                validators: validators, renewToken: renewed)
            guard response.status == 401, let auth = carrier.source.auth else { return response }
            if case .oauth2 = auth, !renewed {
                await tokens.invalidate(Self.tokenKey(carrier))
                renewed = true
                continue
            }
            throw .credentialsRejected(carrier: carrier.id, detail: renewed ? "HTTP 401 again with a fresh token" : "HTTP 401")
        }
    }

    private static func tokenKey(_ carrier: CarrierDefinition) -> String { carrier.id + "/" + carrier.source.name }

    private func fetchOnce(
        carrier: CarrierDefinition, number trackingNumber: String, numbers trackingNumbers: [String], inputs: [String: String],
        validators: CacheValidators?, renewToken: Bool
    ) async throws(TrackingError) -> HTTPResponse {
        let template = carrier.request
        let number: String
        let numbers: [String]
        do {
            number = trackingNumber.isEmpty ? "" : try template.requestNumber(trackingNumber)
            numbers = try trackingNumbers.map { (each) throws(TextPatternMatchError) in try template.requestNumber(each) }
        } catch {
            throw .badRule(carrier: carrier.id, error: error)
        }
        let endpoint = endpoints.endpoint(for: carrier.id)
        var headers = HTTPHeaders()
        for header in template.headers {
            headers.add(name: header.name, value: Template.fill(header.value, number: number, inputs: inputs, encode: false))
        }
        if let contentType = template.contentType { headers.set(name: "Content-Type", value: contentType) }
        var secrets: [String: String] = [:]
        for credential in template.credentials {
            let secret = try need(credential.env, carrier)
            secrets[credential.env] = secret
            if let header = credential.header {
                headers.set(name: header, value: credential.format.replacingEvery("{secret}", with: secret))
            }
        }
        var redact: [String] = Array(secrets.values)
        var bodySecrets: [String: String] = [:]
        var wsse: String?
        switch carrier.source.auth {
        case .oauth2(let settings)?:
            let token = try await tokens.token(for: Self.tokenKey(carrier)) { () async throws(TrackingError) -> (String, TimeInterval) in
                try await self.requestToken(settings, carrier: carrier, endpoint: endpoint)
            }
            redact.append(token)
            headers.set(name: settings.header, value: settings.format.replacingEvery("{token}", with: token))
        case .apiKey(let key, let header, let format)?:
            let secret = try need(key, carrier)
            redact.append(secret)
            headers.set(name: header, value: format.replacingEvery("{secret}", with: secret))
        case .basic(let username, let password)?:
            let user = try need(username, carrier), secret = try need(password, carrier)
            redact.append(secret)
            headers.set(name: "Authorization", value: "Basic " + Data("\(user):\(secret)".utf8).base64EncodedString())
        case .wsse(let username, let password)?:
            let user = try need(username, carrier), secret = try need(password, carrier)
            redact.append(secret)
            wsse = WSSecurity.header(username: user, password: secret)
        case .body(let values)?:
            for name in values { bodySecrets[name] = try need(name, carrier) }
            redact += bodySecrets.values
        case nil:
            break
        }
        if let prime = template.prime {
            let primeURL = endpoint.map { Template.rebase(prime, onto: $0) } ?? prime
            let primed = try await send(HTTPRequest(url: primeURL, headers: headers), carrier: carrier, secrets: redact)
            let cookies = primed.headers.fields.filter { $0.name.lowercased() == "set-cookie" }
                .compactMap { $0.value.split(separator: ";").first.map(String.init) }
            if !cookies.isEmpty { headers.set(name: "Cookie", value: cookies.joined(separator: "; ")) }
        }
        var allInputs = inputs
        for name in template.inputs where allInputs[name] == nil && name != "since" {
            // Account-level inputs (Omniva's client code) come from the environment: OMNIVA_CLIENT.
            let variable = (carrier.id + "_" + name).uppercased().replacingEvery("-", with: "_")
            allInputs[name] = try need(variable, carrier)
        }
        if carrier.isFeed, allInputs["since"] == nil, let lookback = carrier.feedLookback {
            allInputs["since"] = ISOTime.utc(Date().addingTimeInterval(-lookback))
        }
        let separator = carrier.source.batch?.separator ?? ","
        let body = template.body.map { bodyTemplate in
            var filled = bodyTemplate.replacingEvery(
                "{numbers}", with: numbers.map { Template.escape($0, forBody: template.contentType) }.joined(separator: separator))
            filled = Template.fill(filled, number: number, inputs: allInputs, encode: false)
            for (name, secret) in secrets {
                filled = filled.replacingEvery("{env:\(name)}", with: Template.escape(secret, forBody: template.contentType))
            }
            for (name, secret) in bodySecrets {
                filled = filled.replacingEvery("{secret:\(name)}", with: Template.escape(secret, forBody: template.contentType))
            }
            if let wsse { filled = filled.replacingEvery("{wsse}", with: wsse) }
            return Array(filled.utf8)
        }
        var url = carrier.url(for: number, inputs: allInputs, endpoint: endpoint)
            .replacingEvery("{numbers}", with: numbers.map(Template.percentEncode).joined(separator: separator))
        for (name, secret) in secrets {
            url = url.replacingEvery("{env:\(name)}", with: Template.percentEncode(secret))
        }
        let request = HTTPRequest(url: url, method: template.method, headers: headers, body: body, validators: validators)
        return try await send(request, carrier: carrier, secrets: redact)
    }

    /// A credential's value, or `missingCredential` naming it.
    private func need(_ name: String, _ carrier: CarrierDefinition) throws(TrackingError) -> String {
        guard let value = credentials.value(name, carrier: carrier.id) else { throw .missingCredential(carrier: carrier.id, variable: name) }
        return value
    }

    /// One token request: the grant as the file says, client credentials as Basic, form or
    /// JSON. The answer's `access_token` and `expires_in` (seconds; text or number).
    private func requestToken(_ settings: CarrierAuth.OAuth2, carrier: CarrierDefinition, endpoint: String?) async throws(TrackingError) -> (
        String, TimeInterval
    ) {
        let id = try need(settings.clientID, carrier), secret = try need(settings.clientSecret, carrier)
        var fields: [(String, String)] = [("grant_type", settings.grant.rawValue)]
        var redact = [secret]
        switch settings.grant {
        case .clientCredentials: break
        case .refreshToken:
            let refresh = try need(settings.refreshToken ?? "", carrier)
            redact.append(refresh)
            fields.append(("refresh_token", refresh))
        case .password:
            let password = try need(settings.password ?? "", carrier)
            redact.append(password)
            fields += [("username", try need(settings.username ?? "", carrier)), ("password", password)]
        }
        if let scope = settings.scope { fields.append(("scope", scope)) }
        var headers = HTTPHeaders()
        headers.set(name: "Accept", value: "application/json")
        switch settings.clientAuth {
        case .basic:
            headers.set(name: "Authorization", value: "Basic " + Data("\(id):\(secret)".utf8).base64EncodedString())
        case .form, .json:
            fields += [("client_id", id), ("client_secret", secret)]
        }
        let body: String
        if settings.clientAuth == .json {
            headers.set(name: "Content-Type", value: "application/json")
            body = "{" + fields.map { "\"\($0.0)\":\"\(Template.escape($0.1, forBody: "json"))\"" }.joined(separator: ",") + "}"
        } else {
            headers.set(name: "Content-Type", value: "application/x-www-form-urlencoded")
            body = fields.map { "\($0.0)=\(Template.percentEncode($0.1))" }.joined(separator: "&")
        }
        let url = endpoint.map { Template.rebase(settings.tokenURL, onto: $0) } ?? settings.tokenURL
        let response = try await send(HTTPRequest(url: url, method: "POST", headers: headers, body: Array(body.utf8)), carrier: carrier, secrets: redact)
        switch response.status {
        case 200..<300: break
        case 400, 401, 403:
            throw .credentialsRejected(carrier: carrier.id, detail: "the token endpoint answered HTTP \(response.status)")
        case 429:
            throw .quotaExceeded(carrier: carrier.id, retryAfter: response.retryAfter(now: Date().timeIntervalSince1970))
        default:
            throw .httpStatus(carrier: carrier.id, status: response.status, retryAfter: response.retryAfter(now: Date().timeIntervalSince1970))
        }
        guard let json = try? JSONValue.parse(response.body), case .object(let members) = json,
            let token = members["access_token"]?.text, !token.isEmpty
        else {
            throw .unreadable(carrier: carrier.id, detail: "the token endpoint's answer has no access_token")
        }
        let lifetime = members["expires_in"]?.text.flatMap(Double.init) ?? 3600
        return (token, lifetime)
    }

    /// Sends; every secret and token is blanked out of any error before it can reach a log, the
    /// store or the terminal.
    private func send(_ request: HTTPRequest, carrier: CarrierDefinition, secrets: [String]) async throws(TrackingError) -> HTTPResponse {
        do {
            return try await client.send(request)
        } catch let error as CurlError {
            throw .unreachable(carrier: carrier.id, error: error.redacting(secrets.filter { !$0.isEmpty }.flatMap { [$0, Template.percentEncode($0)] }))
        } catch {
            throw .unreachable(carrier: carrier.id, error: .clientShutDown)
        }
    }
}

/// The WS-Security header SOAP services such as Poczta Polska's Sledzenie expect.
enum WSSecurity {
    /// A `<wsse:Security>` element with a `UsernameToken` whose password is sent as text.
    static func header(username: String, password: String) -> String {
        let escape = { (text: String) in Template.escape(text, forBody: "xml") }
        return "<wsse:Security xmlns:wsse=\"http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd\">"
            + "<wsse:UsernameToken><wsse:Username>\(escape(username))</wsse:Username>"
            + "<wsse:Password Type=\"http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText\">"
            + "\(escape(password))</wsse:Password></wsse:UsernameToken></wsse:Security>"
    }
}

/// What one conditional fetch found.
public enum FetchOutcome: Sendable {
    /// The carrier's answer has not changed since the validators were issued.
    case notModified
    /// A fresh answer, parsed, with the validators for next time.
    case updated(TrackingResult, CacheValidators)
}
