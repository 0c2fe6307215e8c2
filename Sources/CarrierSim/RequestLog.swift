import Foundation

/// Every request the simulator answered, so tests can check politeness (rate limits, conditional
/// GET) from the carrier's side.
actor RequestLog {
    /// One answered request.
    struct Entry: Sendable, Codable {
        /// Wall-clock time the request arrived (real time, not the simulated clock).
        var receivedAt: Double
        var method: String
        var path: String
        var carrier: String?
        /// The carrier source that answered (nil for control endpoints).
        var source: String?
        /// The number asked about; for a batch, the numbers joined by the source's separator.
        var number: String?
        var status: Int
    }

    private(set) var entries: [Entry] = []

    func record(_ entry: Entry) {
        entries.append(entry)
        if entries.count > 200_000 { entries.removeFirst(entries.count - 200_000) }
    }

    func clear() {
        entries.removeAll()
    }
}
