import Foundation

/// One scan or status line from a carrier, kept exactly as the carrier wrote it next to its
/// canonical meaning.
public struct TrackingEvent: Sendable, Hashable, Codable {
    /// The carrier id (`seur`).
    public var carrier: String
    /// The tracking number the event belongs to.
    public var trackingNumber: String
    /// When it happened, with the carrier's UTC offset.
    public var time: CarrierTime
    /// The carrier's status text, whitespace-normalised, otherwise untouched.
    public var rawStatus: String
    /// The carrier's status code, where it has one.
    public var rawCode: String?
    /// The canonical status (`unknown` when no rule maps the raw text).
    public var status: TrackingStatus
    /// The exception reason, only with `exception`.
    public var reason: ExceptionReason?
    /// Where it happened, as the carrier names it.
    public var location: String?
    /// The IANA zone Parcelwatch assumed because the carrier wrote a local time without an offset
    /// (the zone of the event's location where known, else the carrier file's); nil when the
    /// carrier gave the offset itself.
    public var assumedZone: String?

    /// Creates an event.
    public init(
        carrier: String, trackingNumber: String, time: CarrierTime, rawStatus: String, rawCode: String?,
        status: TrackingStatus, reason: ExceptionReason?, location: String?, assumedZone: String? = nil
    ) {
        self.assumedZone = assumedZone
        self.carrier = carrier
        self.trackingNumber = trackingNumber
        self.time = time
        self.rawStatus = rawStatus
        self.rawCode = rawCode
        self.status = status
        self.reason = reason
        self.location = location
    }

    /// A stable identity for de-duplication: the same event re-read from a re-fetched page has
    /// the same fingerprint on every machine and in every run (FNV-1a 64 over carrier, number,
    /// instant, raw code, raw text and location; not Swift's randomly seeded `Hasher`).
    public var fingerprint: String {
        var hash = FNV1a64()
        func mix(_ text: String) {
            hash.combine(text.utf8)
            hash.combine(0x1F)  // unit separator: ("ab", "c") and ("a", "bc") differ
        }
        mix(carrier)
        mix(trackingNumber)
        mix(String(Int64(time.date.timeIntervalSince1970.rounded())))
        mix(rawCode ?? "")
        mix(rawStatus)
        mix(location ?? "")
        return hash.paddedHex
    }
}
