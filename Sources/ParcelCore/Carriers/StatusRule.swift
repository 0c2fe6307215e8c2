/// One line of a carrier's status table: raw text and/or code → canonical status.
public struct StatusRule: Sendable {
    /// Regex over the raw text; nil matches any text.
    public var match: TextPattern?
    /// Regex the whole raw code must match; nil matches any code.
    public var code: TextPattern?
    /// The canonical status.
    public var status: TrackingStatus
    /// The reason, only with `exception`.
    public var reason: ExceptionReason?
    /// Line in the carrier file, for messages.
    public var line: Int
}
