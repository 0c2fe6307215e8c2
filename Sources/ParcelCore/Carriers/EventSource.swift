/// One event's texts, before interpretation.
struct EventRow {
    var time: String
    var status: String
    var code: String?
    var location: String?
    var number: String?
    var country: String?
    var region: String?
}

/// What the engine needs from a parsed answer, whatever its format. A `Scope` is the whole
/// answer or one parcel's node inside a batch answer; paths are evaluated relative to it.
protocol EventSource {
    associatedtype Scope

    /// The whole answer.
    var root: Scope { get }
    /// True when `path` yields something non-empty in `scope`.
    func holds(_ path: String, in scope: Scope) throws(TrackingError) -> Bool
    /// The first non-empty text `path` yields in `scope`.
    func text(_ path: String, in scope: Scope) throws(TrackingError) -> String?
    /// The nodes `path` selects in `scope` (batch parcels).
    func scopes(_ path: String, in scope: Scope) throws(TrackingError) -> [Scope]
    /// The event rows of the source's `events:` path in `scope`.
    func rows(in scope: Scope) throws(TrackingError) -> [EventRow]
}
