/// One carrier of a generated history: where it delivers, how fast, and whether it gives estimates.
public struct HistoryCarrier: Sendable, Hashable {
    /// The carrier id, as in `carriers/<id>.yaml`.
    public let id: String
    /// The destination country it serves in the history (ISO alpha-2).
    public let country: String
    /// Its services with their shares (nil for a carrier without named services).
    public let services: [(name: String?, weight: Double)]
    /// The median transit in business days on an average lane.
    public let median: Double
    /// The log-normal's sigma: how much transits spread.
    public let sigma: Double
    /// Whether it gives an estimated delivery day.
    public let givesEstimates: Bool
    /// Its share of the shop's parcels (relative weight).
    public let weight: Double

    /// A carrier from its parts.
    public init(id: String, country: String, services: [(name: String?, weight: Double)], median: Double, sigma: Double, givesEstimates: Bool, weight: Double) {
        self.id = id
        self.country = country
        self.services = services
        self.median = median
        self.sigma = sigma
        self.givesEstimates = givesEstimates
        self.weight = weight
    }

    /// Equal when the ids are.
    public static func == (lhs: HistoryCarrier, rhs: HistoryCarrier) -> Bool { lhs.id == rhs.id }

    /// Hashes the id.
    public func hash(into hasher: inout Hasher) { hasher.combine(id) }

    /// A Polish shop's carriers: three at home, three to Lithuania, two to Spain.
    public static let standard: [HistoryCarrier] = [
        HistoryCarrier(id: "inpost", country: "PL", services: [("locker", 0.7), ("courier", 0.3)], median: 1.3, sigma: 0.35, givesEstimates: true, weight: 35),
        HistoryCarrier(id: "dpd-pl", country: "PL", services: [(nil, 1)], median: 1.6, sigma: 0.35, givesEstimates: true, weight: 20),
        HistoryCarrier(id: "poczta-polska", country: "PL", services: [(nil, 1)], median: 2.6, sigma: 0.5, givesEstimates: false, weight: 12),
        HistoryCarrier(id: "omniva", country: "LT", services: [(nil, 1)], median: 3.0, sigma: 0.35, givesEstimates: false, weight: 6),
        HistoryCarrier(id: "lietuvos-pastas", country: "LT", services: [(nil, 1)], median: 3.8, sigma: 0.45, givesEstimates: false, weight: 5),
        HistoryCarrier(id: "venipak", country: "LT", services: [(nil, 1)], median: 2.7, sigma: 0.3, givesEstimates: true, weight: 5),
        HistoryCarrier(id: "correos", country: "ES", services: [(nil, 1)], median: 4.2, sigma: 0.45, givesEstimates: false, weight: 8),
        HistoryCarrier(id: "seur", country: "ES", services: [(nil, 1)], median: 3.2, sigma: 0.35, givesEstimates: true, weight: 9),
    ]
}
