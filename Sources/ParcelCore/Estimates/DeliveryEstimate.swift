/// When a parcel will probably arrive: a window from the p50 day (half of such parcels had
/// arrived by then) to the p90 day, where the numbers come from, and the chance of meeting the
/// promise.
public struct DeliveryEstimate: Sendable, Hashable, Codable {
    /// Where an estimate's days come from.
    public enum Source: Sendable, Hashable, Codable {
        /// The carrier's own estimate, judged credible (see ``LaneModel/estimate(for:now:)``).
        case carrier
        /// The lane model: the lane's level and the parcels in its window.
        case lane(LaneKey.Level, parcels: Int)
        /// The shop's promised day, for want of anything better.
        case promise

        /// The JSON keys: `{"kind":"lane","level":"destination","parcels":45}`, `{"kind":"carrier"}`.
        private enum CodingKeys: String, CodingKey { case kind, level, parcels }

        /// Decodes `{"kind": "carrier" | "lane" | "promise", "level"?, "parcels"?}`.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            switch try container.decode(String.self, forKey: .kind) {
            case "carrier": self = .carrier
            case "promise": self = .promise
            case "lane":
                self = .lane(try container.decode(LaneKey.Level.self, forKey: .level), parcels: try container.decode(Int.self, forKey: .parcels))
            case let other:
                throw DecodingError.dataCorruptedError(
                    forKey: .kind, in: container, debugDescription: "expected carrier, lane or promise, got \"\(other)\"")
            }
        }

        /// Encodes as `{"kind": …}` with the lane's level and parcels for a lane.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            switch self {
            case .carrier: try container.encode("carrier", forKey: .kind)
            case .promise: try container.encode("promise", forKey: .kind)
            case .lane(let level, let parcels):
                try container.encode("lane", forKey: .kind)
                try container.encode(level, forKey: .level)
                try container.encode(parcels, forKey: .parcels)
            }
        }
    }

    /// The day the estimate was made for: `now` in the destination's zone.
    public let today: CivilDate
    /// The day by which the parcel arrives with a chance of one half or more.
    public let p50: CivilDate
    /// The day by which it arrives with a chance of nine in ten or more (never before ``p50``).
    public let p90: CivilDate
    /// Where the days come from.
    public let source: Source
    /// How many delivered parcels stand behind the estimate: the lane's count (also for a carrier
    /// estimate the lane vetted), 0 for a promise or an unvetted carrier estimate.
    public let confidence: Int
    /// The lane the model used (also to vet a carrier estimate), nil when it had none.
    public let lane: LaneKey?
    /// Whole business days since hand-over (or payment, before it) that have passed without
    /// delivery: the estimate is conditioned on the parcel taking longer than this.
    public let elapsedBusinessDays: Int
    /// The promised day, when there is one.
    public let promisedDate: CivilDate?
    /// The chance of arriving on or before ``promisedDate``, from the lane and given what happened
    /// so far; 0 once the promised day has passed; nil without a promise or a lane.
    public let probabilityByPromise: Double?
    /// Where the estimate comes from, in words.
    public let explanation: EstimateExplanation

    /// An estimate from its parts.
    public init(
        today: CivilDate, p50: CivilDate, p90: CivilDate, source: Source, confidence: Int, lane: LaneKey?, elapsedBusinessDays: Int,
        promisedDate: CivilDate?, probabilityByPromise: Double?, explanation: EstimateExplanation
    ) {
        self.today = today
        self.p50 = p50
        self.p90 = max(p50, p90)
        self.source = source
        self.confidence = confidence
        self.lane = lane
        self.elapsedBusinessDays = elapsedBusinessDays
        self.promisedDate = promisedDate
        self.probabilityByPromise = probabilityByPromise
        self.explanation = explanation
    }
}
