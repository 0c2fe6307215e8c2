import Curl
import Foundation

/// Asks carriers about parcels over HTTP, exactly as their files say: method, URL, headers,
/// body, cookie priming and a secret from the environment.
public struct CarrierFetcher: Sendable {
    private let client: HTTPClient
    private let endpoints: EndpointOverrides
    private let environment: [String: String]

    /// Creates a fetcher on a shared client.
    public init(client: HTTPClient, endpoints: EndpointOverrides = .none,
                environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.client = client
        self.endpoints = endpoints
        self.environment = environment
    }

    /// Fetches and parses one parcel. `validators` make the request conditional; a `304` comes
    /// back as `.notModified`.
    public func track(_ number: String, carrier: CarrierDefinition, inputs: [String: String] = [:],
                      validators: CacheValidators? = nil) async throws(TrackingError) -> FetchOutcome {
        let response = try await fetch(carrier: carrier, number: number, inputs: inputs, validators: validators)
        if response.isNotModified { return .notModified }
        if response.status == 429 || response.status == 503 {
            throw .httpStatus(carrier: carrier.id, status: response.status, retryAfter: response.retryAfter(now: Date().timeIntervalSince1970))
        }
        let result = try CarrierParser(definition: carrier)
            .parse(response.body, contentType: response.contentType, number: number, httpStatus: response.status)
        return .updated(result, response.validators)
    }

    /// The raw response for one parcel (or, for a feed, the whole feed with `number` empty).
    public func fetch(carrier: CarrierDefinition, number: String, inputs: [String: String] = [:],
                      validators: CacheValidators? = nil) async throws(TrackingError) -> HTTPResponse {
        let template = carrier.request
        let endpoint = endpoints.endpoint(for: carrier.id)
        var headers = HTTPHeaders()
        for header in template.headers {
            headers.add(name: header.name, value: Template.fill(header.value, number: number, inputs: inputs, encode: false))
        }
        if let contentType = template.contentType { headers.set(name: "Content-Type", value: contentType) }
        var secrets: [String: String] = [:]
        for credential in template.credentials {
            guard let secret = environment[credential.env], !secret.isEmpty else {
                throw .missingCredential(carrier: carrier.id, variable: credential.env)
            }
            secrets[credential.env] = secret
            if let header = credential.header {
                headers.set(name: header, value: credential.format.replacingOccurrences(of: "{secret}", with: secret))
            }
        }
        if let prime = template.prime {
            let primeURL = endpoint.map { Template.rebase(prime, onto: $0) } ?? prime
            let primed = try await send(HTTPRequest(url: primeURL, headers: headers), carrier: carrier, secrets: [])
            let cookies = primed.headers.fields.filter { $0.name.lowercased() == "set-cookie" }
                .compactMap { $0.value.split(separator: ";").first.map(String.init) }
            if !cookies.isEmpty { headers.set(name: "Cookie", value: cookies.joined(separator: "; ")) }
        }
        var allInputs = inputs
        for name in template.inputs where allInputs[name] == nil && name != "since" {
            // Account-level inputs (Omniva's client code) come from the environment: OMNIVA_CLIENT.
            let variable = (carrier.id + "_" + name).uppercased().replacingOccurrences(of: "-", with: "_")
            guard let value = environment[variable], !value.isEmpty else { throw .missingCredential(carrier: carrier.id, variable: variable) }
            allInputs[name] = value
        }
        if carrier.isFeed, allInputs["since"] == nil, let lookback = carrier.feedLookback {
            allInputs["since"] = ISOTime.utc(Date().addingTimeInterval(-lookback))
        }
        let body = template.body.map { bodyTemplate in
            var filled = Template.fill(bodyTemplate, number: number, inputs: allInputs, encode: false)
            for (name, secret) in secrets {
                filled = filled.replacingOccurrences(of: "{env:\(name)}", with: Template.escape(secret, forBody: template.contentType))
            }
            return Array(filled.utf8)
        }
        var url = carrier.url(for: number, inputs: allInputs, endpoint: endpoint)
        for (name, secret) in secrets {
            url = url.replacingOccurrences(of: "{env:\(name)}", with: Template.percentEncode(secret))
        }
        let request = HTTPRequest(url: url, method: template.method, headers: headers, body: body, validators: validators)
        return try await send(request, carrier: carrier, secrets: secrets.values.filter { url.contains(Template.percentEncode($0)) })
    }

    /// Sends; a secret that had to go into the URL is blanked out of any error before it can
    /// reach a log, the store or the terminal.
    private func send(_ request: HTTPRequest, carrier: CarrierDefinition, secrets: [String]) async throws(TrackingError) -> HTTPResponse {
        do {
            return try await client.send(request)
        } catch let error as CurlError {
            throw .unreachable(carrier: carrier.id, error: error.redacting(secrets.flatMap { [$0, Template.percentEncode($0)] }))
        } catch {
            throw .unreachable(carrier: carrier.id, error: .clientShutDown)
        }
    }
}

/// What one conditional fetch found.
public enum FetchOutcome: Sendable {
    /// The carrier's answer has not changed since the validators were issued.
    case notModified
    /// A fresh answer, parsed, with the validators for next time.
    case updated(TrackingResult, CacheValidators)
}
