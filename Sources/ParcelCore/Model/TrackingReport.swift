/// The stable JSON shape of one parcel's history, printed by `parcelwatch parse --json` and
/// `parcelwatch track --json` and stored beside every fixture as `NAME.expected.json`.
public struct TrackingReport: Codable, Equatable, Sendable {
    /// One event in the report.
    public struct Event: Codable, Equatable, Sendable {
        public var time: String
        public var status: String
        public var reason: String?
        public var rawStatus: String
        public var rawCode: String?
        public var location: String?
        /// The zone assumed for a time written without an offset; nil when the carrier gave one.
        public var assumedZone: String?

        /// Creates an event line.
        public init(
            time: String, status: String, reason: String?, rawStatus: String, rawCode: String?, location: String?,
            assumedZone: String? = nil
        ) {
            self.assumedZone = assumedZone
            self.time = time
            self.status = status
            self.reason = reason
            self.rawStatus = rawStatus
            self.rawCode = rawCode
            self.location = location
        }

        /// Writes `reason`, `rawCode` and `location` as `null` rather than leaving them out.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(time, forKey: .time)
            try container.encode(status, forKey: .status)
            try container.encode(reason, forKey: .reason)
            try container.encode(rawStatus, forKey: .rawStatus)
            try container.encode(rawCode, forKey: .rawCode)
            try container.encode(location, forKey: .location)
            try container.encode(assumedZone, forKey: .assumedZone)
        }
    }

    public var carrier: String
    public var trackingNumber: String
    public var status: String
    public var reason: String?
    public var events: [Event]
    /// Events left out because their time could not be read; nil when none was.
    public var skippedEvents: Int?
    /// The carrier source that answered (`official`, `public`); nil when not known (the store).
    public var source: String?

    /// The report of a result: events oldest first, times in UTC.
    public init(_ result: TrackingResult) {
        carrier = result.carrier
        trackingNumber = result.trackingNumber
        status = result.status.rawValue
        reason = result.reason?.rawValue
        events = result.events.map {
            Event(
                time: $0.time.utcText, status: $0.status.rawValue, reason: $0.reason?.rawValue,
                rawStatus: $0.rawStatus, rawCode: $0.rawCode, location: $0.location, assumedZone: $0.assumedZone)
        }
        skippedEvents = result.skippedEvents > 0 ? result.skippedEvents : nil
        source = result.source
    }

    /// Writes `reason` as `null` rather than leaving it out.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(carrier, forKey: .carrier)
        try container.encode(trackingNumber, forKey: .trackingNumber)
        try container.encode(status, forKey: .status)
        try container.encode(reason, forKey: .reason)
        try container.encode(events, forKey: .events)
        try container.encodeIfPresent(skippedEvents, forKey: .skippedEvents)
        try container.encodeIfPresent(source, forKey: .source)
    }
}
