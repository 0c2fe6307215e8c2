/// A delivery estimate as the shop's outputs show it (`track --json`, `/api/track`, `shipments
/// --json`, `incident show --json`): the window, where it comes from, and the explanation in the
/// reader's language.
///
/// ```json
/// {"p50": "2026-11-24", "p90": "2026-11-26", "source": {"kind": "lane", "level": "destination", "parcels": 214},
///  "confidence": 214, "probabilityByPromise": 0.42, "explanation": "estimated from 214 InPost parcels …"}
/// ```
public struct EstimateView: Sendable, Hashable, Codable {
    /// The day by which the parcel arrives with a chance of one half or more.
    public let p50: CivilDate
    /// The day by which it arrives with a chance of nine in ten or more.
    public let p90: CivilDate
    /// Where the days come from.
    public let source: DeliveryEstimate.Source
    /// Delivered parcels behind the estimate (0 for a promise alone).
    public let confidence: Int
    /// The chance of arriving by the promised day, null without a promise or a lane.
    public let probabilityByPromise: Double?
    /// Where the estimate comes from, in the reader's language.
    public let explanation: String

    /// The view of `estimate` for a reader of `language` (`pl`, `en`, `es`, `lt`).
    public init(_ estimate: DeliveryEstimate, language: String) {
        p50 = estimate.p50
        p90 = estimate.p90
        source = estimate.source
        confidence = estimate.confidence
        probabilityByPromise = estimate.probabilityByPromise
        explanation = estimate.explanation.text(for: language)
    }

    /// The keys, every one always written (null where undefined).
    private enum CodingKeys: String, CodingKey { case p50, p90, source, confidence, probabilityByPromise, explanation }

    /// Writes every key, `probabilityByPromise` as null when undefined.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(p50, forKey: .p50)
        try container.encode(p90, forKey: .p90)
        try container.encode(source, forKey: .source)
        try container.encode(confidence, forKey: .confidence)
        try container.encode(probabilityByPromise, forKey: .probabilityByPromise)
        try container.encode(explanation, forKey: .explanation)
    }
}
