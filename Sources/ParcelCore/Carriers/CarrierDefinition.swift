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
        /// A pattern whose first group is the part of the tracking number this API wants as
        /// `{number}` (Packeta's API takes the packet id without the label's `Z`); nil: all of it.
        public var number: TextPattern?

        /// What `{number}` becomes for `trackingNumber`.
        /// - Throws: ``TextPatternMatchError`` when the `number` pattern cannot finish matching.
        public func requestNumber(_ trackingNumber: String) throws(TextPatternMatchError) -> String {
            try number?.firstGroup(in: trackingNumber) ?? trackingNumber
        }
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
        /// The event's country (ISO code), for the zone of a time without an offset.
        public var country: [String]
        /// The event's US state or Canadian province, for the same.
        public var region: [String]
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
        /// Requests per clock hour (UTC), counted in the store across every worker; nil: no quota.
        public var perHour: Int?
        /// Requests per day (UTC), counted in the store across every worker; nil: no quota.
        public var perDay: Int?

        /// Polite defaults for a carrier file without `limits:`: 4 at once, 5 a second.
        public static let standard = Limits(concurrency: 4, perSecond: 5, burst: 5)

        /// Creates limits.
        public init(concurrency: Int, perSecond: Double, burst: Int, perHour: Int? = nil, perDay: Int? = nil) {
            self.concurrency = concurrency
            self.perSecond = perSecond
            self.burst = burst
            self.perHour = perHour
            self.perDay = perDay
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
    /// Every way of asking this carrier, in preference order.
    public var sources: [CarrierSource]
    /// The source in use: the first of `sources` until ``using(source:)`` or the registry's
    /// credential check chooses another.
    public var source: CarrierSource
    /// Why that source is the one in use (`official: UPS_CLIENT_ID not set, using public`).
    public var sourceReason: String

    /// The request of the source in use.
    public var request: RequestTemplate { source.request }
    /// For account feeds: how far back the first request reaches.
    public var feedLookback: TimeInterval? { source.feedLookback }
    /// The answer's format.
    public var format: Format { source.format }
    /// Path to the event nodes.
    public var events: String { source.events }
    /// Field paths within an event.
    public var fields: Fields { source.fields }
    /// Time formats tried in order.
    public var timePatterns: [TimePattern] { source.timePatterns }
    /// Zone for times without an offset.
    public var timeZone: TimeZone { source.timeZone }
    /// Path to the number as the carrier echoes it.
    public var trackingNumberPath: String? { source.trackingNumberPath }
    /// The carrier's promised date.
    public var estimatedDelivery: DatePath? { source.estimatedDelivery }
    /// Status rules, first match wins.
    public var statuses: [StatusRule] { source.statuses }
    /// Politeness limits and quotas for sweeps (settable, for tests and overrides).
    public var limits: Limits {
        get { source.limits }
        set { source.limits = newValue }
    }
    /// HTTP statuses that mean "unknown number".
    public var notFoundStatuses: [Int] {
        source.errors.filter { $0.error == .notFound && $0.path == nil }.flatMap(\.statuses)
    }

    /// The same carrier answering through the source named `name`.
    public func using(source name: String) throws(TrackingError) -> CarrierDefinition {
        guard let found = sources.first(where: { $0.name == name }) else {
            throw .unknownSource(carrier: id, source: name, known: sources.map(\.name))
        }
        var copy = self
        copy.source = found
        copy.sourceReason = "\(name): chosen"
        return copy
    }

    /// The file it was loaded from.
    public var sourceFile: String
    /// True when every credential the source in use needs is configured.
    public var isUsable = true
    /// True when the file lists `sources:`; their fixtures then live in one folder per source.
    public var declaresSources = false

    /// The source's fixtures folder below `fixtures/`: `<id>/<source>` for a file with
    /// `sources:`, else `<id>`.
    public var fixtureFolder: String { declaresSources ? id + "/" + source.name : id }

    /// This carrier on its first source whose credentials are all configured (see
    /// ``CarrierRegistry/selectingSources(_:)``).
    public func selectingSource(_ credentials: CarrierCredentials) -> CarrierDefinition {
        var skipped: [String] = []
        for candidate in sources {
            if let missing = credentials.missing(candidate.requiredCredentials(carrier: id), carrier: id) {
                skipped.append("\(candidate.name): \(missing) not set")
                continue
            }
            var copy = self
            copy.source = candidate
            copy.isUsable = true
            let needs = candidate.requiredCredentials(carrier: id).isEmpty ? "needs no credentials" : "credentials set"
            copy.sourceReason = skipped.isEmpty ? "\(candidate.name): \(needs)" : skipped.joined(separator: "; ") + ", using \(candidate.name)"
            return copy
        }
        var copy = self
        copy.source = sources[0]
        copy.isUsable = false
        copy.sourceReason = skipped.joined(separator: "; ") + (sources.count > 1 ? ", no source can be used" : ", no other source")
        return copy
    }

    /// True for account feeds (one request returns many parcels).
    public var isFeed: Bool { source.isFeed }

    /// True for sources that ask about many numbers in one request.
    public var isBatch: Bool { source.batch != nil }

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
    /// The names of every `{kind:NAME}` placeholder in `text`.
    static func placeholders(_ kind: String, in text: String) -> [String] {
        var names: [String] = []
        var rest = Substring(text)
        while let start = rest.range(of: "{\(kind):") {
            guard let close = rest[start.upperBound...].firstIndex(of: "}") else { break }
            names.append(String(rest[start.upperBound..<close]))
            rest = rest[rest.index(after: close)...]
        }
        return names
    }

    static func fill(_ template: String, number: String, inputs: [String: String], encode: Bool) -> String {
        var out = template.replacingEvery("{number}", with: encode ? percentEncode(number) : number)
        for (key, value) in inputs {
            out = out.replacingEvery("{\(key)}", with: encode ? percentEncode(value) : value)
        }
        return out
    }

    /// A secret written into a request body of `contentType`: XML- or JSON-escaped, or
    /// percent-encoded for forms.
    static func escape(_ text: String, forBody contentType: String?) -> String {
        let type = contentType?.lowercased() ?? ""
        if type.contains("x-www-form-urlencoded") { return percentEncode(text) }
        if type.contains("json") {
            return text.replacingEvery("\\", with: "\\\\").replacingEvery("\"", with: "\\\"")
        }
        return text.replacingEvery("&", with: "&amp;").replacingEvery("<", with: "&lt;")
            .replacingEvery(">", with: "&gt;").replacingEvery("\"", with: "&quot;")
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
