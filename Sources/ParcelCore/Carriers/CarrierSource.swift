import Foundation

/// One complete way of asking a carrier about parcels and reading its answer: the request, its
/// authentication, limits, and where the events are. A carrier file lists its sources in
/// preference order (an official merchant API first, a public page after it); the first whose
/// credentials are configured is used (`carriers/README.md`, "Sources").
public struct CarrierSource: Sendable {
    /// The source's slug (`official`, `public`); its fixtures live in `fixtures/<id>/<name>/`.
    public var name: String
    /// How requests are authenticated, nil for anonymous sources.
    public var auth: CarrierAuth?
    /// How to ask.
    public var request: CarrierDefinition.RequestTemplate
    /// Many numbers per request, for batch APIs.
    public var batch: Batch?
    /// For account feeds: how far back the first request reaches. Nil for per-parcel sources.
    public var feedLookback: TimeInterval?
    /// The answer's format.
    public var format: CarrierDefinition.Format
    /// XML namespace prefixes; a prefix may list several URIs (the root element's wins).
    public var namespaces: [(prefix: String, uris: [String])]
    /// Path to the event nodes (relative to a parcel node in a batch source).
    public var events: String
    /// Field paths within an event.
    public var fields: CarrierDefinition.Fields
    /// Time formats tried in order.
    public var timePatterns: [TimePattern]
    /// Zone for times without an offset whose location names none.
    public var timeZone: TimeZone
    /// That zone's name as the carrier file writes it (Foundation reports `UTC` as `GMT`).
    public var timeZoneName: String
    /// Path to the number as the carrier echoes it.
    public var trackingNumberPath: String?
    /// The carrier's promised date.
    public var estimatedDelivery: CarrierDefinition.DatePath?
    /// A path that holds on a well-formed answer with no events yet (a `pending` parcel).
    public var noEvents: String?
    /// Answers that are errors, whatever their HTTP status: first match wins.
    public var errors: [ErrorRule]
    /// Status rules, first match wins.
    public var statuses: [StatusRule] { didSet { statusMemo = StatusMemo() } }
    /// What each raw (code, text) pair maps to under ``statuses``, shared by every answer parsed
    /// with this source (new rules start a new one).
    var statusMemo = StatusMemo()
    /// Politeness limits and quotas.
    public var limits: CarrierDefinition.Limits
    /// Line of the source in the carrier file, for messages.
    public var line: Int

    /// True for account feeds (one request returns every parcel of the account).
    public var isFeed: Bool { feedLookback != nil }

    /// Every credential this source needs before it can be used: those of its `auth:`, the
    /// `{env:NAME}` secrets of its request, and account inputs from the environment.
    public func requiredCredentials(carrier: String) -> [String] {
        var names = auth?.credentialNames ?? []
        names += request.credentials.map(\.env)
        for input in request.inputs where input != "postcode" && input != "since" {
            names.append((carrier + "_" + input).uppercased().replacingEvery("-", with: "_"))
        }
        return names
    }

    /// One request for many parcels (GLS Track And Trace v1).
    public struct Batch: Sendable {
        /// Numbers per request at most.
        public var max: Int
        /// How `{numbers}` is joined.
        public var separator: String
        /// One node per parcel in the answer.
        public var parcels: String
        /// Relative to a parcel node: the number it answers.
        public var number: String
    }

    /// What a matching error rule makes of an answer.
    public enum ErrorKind: String, Sendable, CaseIterable {
        /// The carrier does not know the number.
        case notFound
        /// The carrier knows the number but has nothing to say yet: the parcel stays pending.
        case notYetAvailable
        /// The carrier refused the credentials.
        case credentialsRejected
        /// The carrier's request quota is spent.
        case quotaExceeded
        /// A passing failure on the carrier's side: retried with backoff.
        case transient
    }

    /// Maps an answer to an error: HTTP statuses and/or a path whose text (optionally matching a
    /// pattern) is present. Errors often arrive inside a 200 answer.
    public struct ErrorRule: Sendable {
        /// HTTP statuses this rule applies to; empty for any.
        public var statuses: [Int]
        /// A path that must yield non-empty text; nil when the status alone decides.
        public var path: String?
        /// A pattern the path's text must match.
        public var match: TextPattern?
        /// What it means.
        public var error: ErrorKind
        /// Line in the carrier file.
        public var line: Int
    }
}
