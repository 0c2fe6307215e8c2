import Foundation

/// A delivered parcel as the lane model learns from it, and one line of a history file.
///
/// Transit is counted in business days of the destination country's ``BusinessCalendar`` from the
/// local day of the first carrier scan (in the origin country's zone) to the local day of delivery
/// (in the destination's zone): first scan on Friday, delivery on Monday is 1.
///
/// ## JSON Lines
/// `carrier-sim history` writes, and `parcelwatch lanes import` reads, one JSON object per line with
/// these keys (times ISO-8601 in UTC, `2026-11-20T14:02:00Z`; dates `YYYY-MM-DD`; optional keys may
/// be absent or null):
///
/// | key | type | meaning |
/// |-----|------|---------|
/// | `id` | string | a stable id, unique in the file |
/// | `carrier` | string | the carrier id (`inpost`, `dpd-pl`…) |
/// | `service` | string? | the carrier's service (`locker`, `courier`) |
/// | `origin` | string | ISO alpha-2 country of hand-over |
/// | `destination` | string | ISO alpha-2 destination country |
/// | `postcode` | string | the destination postcode as written |
/// | `paidAt` | time? | when the order was paid |
/// | `firstScanAt` | time | the carrier's first scan |
/// | `deliveredAt` | time | delivery |
/// | `promisedDate` | date? | the day the shop promised |
/// | `carrierEstimate` | date? | the carrier's last estimated day before delivery |
public struct DeliveredParcel: Sendable, Hashable, Codable, Identifiable {
    /// A stable id, unique among the parcels a model learns from.
    public var id: String
    /// The carrier id (`inpost`).
    public var carrier: String
    /// The carrier's service, nil when unknown.
    public var service: String?
    /// ISO alpha-2 country the parcel was handed over in.
    public var originCountry: String
    /// ISO alpha-2 destination country.
    public var destinationCountry: String
    /// The destination postcode as written.
    public var postcode: String
    /// When the order was paid, nil when unknown.
    public var paidAt: Date?
    /// The carrier's first scan: hand-over.
    public var firstScanAt: Date
    /// Delivery.
    public var deliveredAt: Date
    /// The day the shop promised, nil when it promised none.
    public var promisedDate: CivilDate?
    /// The carrier's last estimated delivery day before delivery, nil when it gave none.
    public var carrierEstimate: CivilDate?

    /// A delivered parcel from its parts.
    public init(
        id: String, carrier: String, service: String? = nil, originCountry: String, destinationCountry: String, postcode: String,
        paidAt: Date? = nil, firstScanAt: Date, deliveredAt: Date, promisedDate: CivilDate? = nil, carrierEstimate: CivilDate? = nil
    ) {
        self.id = id
        self.carrier = carrier
        self.service = service
        self.originCountry = originCountry
        self.destinationCountry = destinationCountry
        self.postcode = postcode
        self.paidAt = paidAt
        self.firstScanAt = firstScanAt
        self.deliveredAt = deliveredAt
        self.promisedDate = promisedDate
        self.carrierEstimate = carrierEstimate
    }

    /// The JSON keys, stable: they are the history file format.
    private enum CodingKeys: String, CodingKey {
        case id, carrier, service, postcode, paidAt, firstScanAt, deliveredAt, promisedDate, carrierEstimate
        case originCountry = "origin"
        case destinationCountry = "destination"
    }

    /// Decodes the JSON Lines object; times must be ISO-8601 text whatever the decoder's date strategy.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        func time(_ key: CodingKeys) throws -> Date? {
            guard let text = try container.decodeIfPresent(String.self, forKey: key) else { return nil }
            guard let date = ISOTime.parse(text) else {
                throw DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: "expected an ISO-8601 time, got \"\(text)\"")
            }
            return date
        }
        func required(_ key: CodingKeys) throws -> Date {
            guard let date = try time(key) else {
                throw DecodingError.keyNotFound(key, .init(codingPath: container.codingPath, debugDescription: "\(key.rawValue) is required"))
            }
            return date
        }
        self.init(
            id: try container.decode(String.self, forKey: .id), carrier: try container.decode(String.self, forKey: .carrier),
            service: try container.decodeIfPresent(String.self, forKey: .service),
            originCountry: try container.decode(String.self, forKey: .originCountry),
            destinationCountry: try container.decode(String.self, forKey: .destinationCountry),
            postcode: try container.decode(String.self, forKey: .postcode), paidAt: try time(.paidAt), firstScanAt: try required(.firstScanAt),
            deliveredAt: try required(.deliveredAt), promisedDate: try container.decodeIfPresent(CivilDate.self, forKey: .promisedDate),
            carrierEstimate: try container.decodeIfPresent(CivilDate.self, forKey: .carrierEstimate))
    }

    /// Encodes the JSON Lines object, times as ISO-8601 UTC text; absent optionals are left out.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(carrier, forKey: .carrier)
        try container.encodeIfPresent(service, forKey: .service)
        try container.encode(originCountry, forKey: .originCountry)
        try container.encode(destinationCountry, forKey: .destinationCountry)
        try container.encode(postcode, forKey: .postcode)
        try container.encodeIfPresent(paidAt.map(ISOTime.utc), forKey: .paidAt)
        try container.encode(ISOTime.utc(firstScanAt), forKey: .firstScanAt)
        try container.encode(ISOTime.utc(deliveredAt), forKey: .deliveredAt)
        try container.encodeIfPresent(promisedDate, forKey: .promisedDate)
        try container.encodeIfPresent(carrierEstimate, forKey: .carrierEstimate)
    }

    /// The lane this parcel travelled: hand-over weekday from the first scan's local day.
    public var laneKey: LaneKey {
        LaneKey(
            carrier: carrier, service: service, originCountry: originCountry, destinationCountry: destinationCountry, postcode: postcode,
            handOverWeekday: firstScanDay.weekday)
    }

    /// The local day of the first scan, in the origin country's zone.
    public var firstScanDay: CivilDate { CivilDate(firstScanAt, in: CountryZone.zone(originCountry)) }

    /// The local day of delivery, in the destination country's zone.
    public var deliveredDay: CivilDate { CivilDate(deliveredAt, in: CountryZone.zone(destinationCountry)) }

    /// Business days (destination calendar) from the first scan's day to the delivery day.
    public var transitBusinessDays: Int {
        CountryZone.calendar(destinationCountry).businessDays(after: firstScanDay, through: deliveredDay)
    }

    /// Whether it came on or before the promised day, nil without a promise.
    public var metPromise: Bool? { promisedDate.map { deliveredDay <= $0 } }

    /// One JSON Lines line (no newline), keys sorted so files compare byte for byte.
    public func jsonLine() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    /// Parses a JSON Lines text: one parcel per non-blank line. A bad line throws with its line number.
    public static func parseJSONLines(_ text: String) throws -> [DeliveredParcel] {
        let decoder = JSONDecoder()
        var parcels: [DeliveredParcel] = []
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !trimmed.isEmpty else { continue }
            do { parcels.append(try decoder.decode(DeliveredParcel.self, from: Data(trimmed.utf8))) } catch {
                throw HistoryLineError(line: number + 1, reason: "\(error)")
            }
        }
        return parcels
    }
}
