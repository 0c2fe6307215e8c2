import Foundation

/// Everything Parcelwatch knows about one carrier, read from `carriers/<id>.yaml`: how to
/// recognise its numbers, how to ask for a parcel, where the events are in the answer, and what
/// its words mean. The format is documented in `carriers/README.md`.
public struct CarrierDefinition: Sendable {
    /// Answer formats the generic engine reads.
    public enum Format: String, Sendable, CaseIterable {
        case html, xml, json
    }

    /// How to ask the carrier about a parcel.
    public struct RequestTemplate: Sendable {
        /// `GET` or `POST`.
        public var method: String
        /// URL with `{number}` and any `inputs` placeholders.
        public var url: String
        /// Extra headers (templates too).
        public var headers: [(name: String, value: String)]
        /// Body template for `POST` (form, SOAP, JSON).
        public var body: String?
        /// `Content-Type` of the body.
        public var contentType: String?
        /// A URL to `GET` first for a session cookie.
        public var prime: String?
        /// Secrets from the environment: into headers, or into `{env:NAME}` placeholders of the
        /// URL and body.
        public var credentials: [Credentials]
        /// Extra values the URL/body need besides the number (`postcode`).
        public var inputs: [String]
    }

    /// A secret named by environment variable; the file never holds the secret itself. Only
    /// declared variables can be read: a carrier file cannot reach into `HOME` or a database URL.
    public struct Credentials: Sendable {
        /// The environment variable.
        public var env: String
        /// The header it goes into; nil when it only fills `{env:NAME}` in the URL or body.
        public var header: String?
        /// How it is written into the header, with `{secret}`.
        public var format: String
    }

    /// The fields of one event, as paths relative to the event node.
    public struct Fields: Sendable {
        public var time: [String]
        public var status: [String]
        public var code: [String]
        public var location: [String]
        public var number: [String]
    }

    /// "Unknown number" detection.
    public struct NotFoundProbe: Sendable {
        /// A path that yields something only on the carrier's "unknown number" answer.
        public var path: String?
        /// HTTP statuses that mean "unknown number".
        public var statuses: [Int]
    }

    /// A date the carrier promises.
    public struct DatePath: Sendable {
        public var path: String
        public var patterns: [TimePattern]
    }

    /// How hard sweeps may ask this carrier.
    public struct Limits: Sendable, Equatable {
        /// Requests in flight at once.
        public var concurrency: Int
        /// Sustained requests per second (token bucket refill).
        public var perSecond: Double
        /// Requests allowed back to back before the rate applies.
        public var burst: Int

        /// Polite defaults for a carrier file without `limits:`: 4 at once, 5 a second.
        public static let standard = Limits(concurrency: 4, perSecond: 5, burst: 5)

        /// Creates limits.
        public init(concurrency: Int, perSecond: Double, burst: Int) {
            self.concurrency = concurrency
            self.perSecond = perSecond
            self.burst = burst
        }
    }

    /// The carrier id: a lowercase slug, same everywhere.
    public var id: String
    /// Display name.
    public var name: String
    /// ISO country code (holidays, business days).
    public var country: String
    /// Language of the carrier's wording.
    public var language: String
    /// Number recognition rules, in order.
    public var numbers: [NumberRule]
    /// The request.
    public var request: RequestTemplate
    /// For account feeds: how far back the first request reaches. Nil for per-parcel carriers.
    public var feedLookback: TimeInterval?
    /// The answer's format.
    public var format: Format
    /// XML namespace prefixes.
    public var namespaces: [(prefix: String, uri: String)]
    /// Path to the event nodes.
    public var events: String
    /// Field paths within an event.
    public var fields: Fields
    /// Time formats tried in order.
    public var timePatterns: [TimePattern]
    /// Zone for times without an offset.
    public var timeZone: TimeZone
    /// Path to the number as the carrier echoes it.
    public var trackingNumberPath: String?
    /// The carrier's promised date.
    public var estimatedDelivery: DatePath?
    /// Unknown-number detection.
    public var notFound: NotFoundProbe
    /// Status rules, first match wins.
    public var statuses: [StatusRule]
    /// Politeness limits for sweeps.
    public var limits: Limits
    /// The file it was loaded from.
    public var sourceFile: String

    /// True for account feeds (one request returns many parcels).
    public var isFeed: Bool { feedLookback != nil }

    /// The URL with the request's placeholders filled and values URL-encoded; a base override
    /// (`--carrier-endpoint`) replaces scheme, host and port.
    public func url(for number: String, inputs: [String: String] = [:], endpoint: String? = nil) -> String {
        let filled = Template.fill(request.url, number: number, inputs: inputs, encode: true)
        guard let endpoint else { return filled }
        return Template.rebase(filled, onto: endpoint)
    }
}

/// Placeholder filling shared by URLs, headers and bodies.
enum Template {
    static func fill(_ template: String, number: String, inputs: [String: String], encode: Bool) -> String {
        var out = template.replacingOccurrences(of: "{number}", with: encode ? percentEncode(number) : number)
        for (key, value) in inputs {
            out = out.replacingOccurrences(of: "{\(key)}", with: encode ? percentEncode(value) : value)
        }
        return out
    }

    /// A secret written into a request body of `contentType`: XML- or JSON-escaped, or
    /// percent-encoded for forms.
    static func escape(_ text: String, forBody contentType: String?) -> String {
        let type = contentType?.lowercased() ?? ""
        if type.contains("x-www-form-urlencoded") { return percentEncode(text) }
        if type.contains("json") {
            return text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        }
        return text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    static func percentEncode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }

    /// `https://host/a/b?q` onto `http://127.0.0.1:8080` → `http://127.0.0.1:8080/a/b?q`. A base
    /// with a path keeps it as a prefix.
    static func rebase(_ url: String, onto base: String) -> String {
        guard let schemeEnd = url.range(of: "://") else { return url }
        let rest = url[schemeEnd.upperBound...]
        let pathStart = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
        var prefix = base
        while prefix.hasSuffix("/") { prefix.removeLast() }
        return prefix + rest[pathStart...]
    }
}
