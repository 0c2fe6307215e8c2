import Foundation

/// A parcel not yet delivered, as an estimate sees it: its lane and what happened so far.
public struct InFlightParcel: Sendable, Hashable, Codable {
    /// The carrier id (`inpost`).
    public var carrier: String
    /// The carrier's name as customers know it (`InPost`), for explanations; nil shows the id.
    public var carrierName: String?
    /// The carrier's service, nil when unknown.
    public var service: String?
    /// ISO alpha-2 country of hand-over.
    public var originCountry: String
    /// ISO alpha-2 destination country.
    public var destinationCountry: String
    /// The destination postcode as written.
    public var postcode: String
    /// When the order was paid, nil when unknown.
    public var paidAt: Date?
    /// The carrier's first scan, nil while the shop has not handed it over.
    public var firstScanAt: Date?
    /// The carrier's newest scan, nil without scans. Kept for callers and explanations; the
    /// estimate does not need it, because it always conditions on every business day already passed
    /// without delivery, which covers a parcel that has gone quiet.
    public var lastScanAt: Date?
    /// The day the shop promised, nil when it promised none.
    public var promisedDate: CivilDate?
    /// The carrier's current estimated delivery day, nil when it gives none.
    public var carrierEstimate: CivilDate?

    /// An in-flight parcel from its parts.
    public init(
        carrier: String, carrierName: String? = nil, service: String? = nil, originCountry: String, destinationCountry: String,
        postcode: String, paidAt: Date? = nil, firstScanAt: Date? = nil, lastScanAt: Date? = nil, promisedDate: CivilDate? = nil,
        carrierEstimate: CivilDate? = nil
    ) {
        self.carrier = carrier
        self.carrierName = carrierName
        self.service = service
        self.originCountry = originCountry
        self.destinationCountry = destinationCountry
        self.postcode = postcode
        self.paidAt = paidAt
        self.firstScanAt = firstScanAt
        self.lastScanAt = lastScanAt
        self.promisedDate = promisedDate
        self.carrierEstimate = carrierEstimate
    }

    /// A delivered parcel as it was before delivery: its first scan also its last, the carrier's
    /// estimate as given (`carrierEstimate`, default the parcel's last one). For replays.
    public init(_ parcel: DeliveredParcel, carrierName: String? = nil) {
        self.init(
            carrier: parcel.carrier, carrierName: carrierName, service: parcel.service, originCountry: parcel.originCountry,
            destinationCountry: parcel.destinationCountry, postcode: parcel.postcode, paidAt: parcel.paidAt, firstScanAt: parcel.firstScanAt,
            lastScanAt: parcel.firstScanAt, promisedDate: parcel.promisedDate, carrierEstimate: parcel.carrierEstimate)
    }
}
