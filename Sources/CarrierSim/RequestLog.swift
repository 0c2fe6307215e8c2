import Foundation

/// Every request the simulator answered (the newest `capacity` of them), so tests can check
/// politeness (rate limits, conditional GET) from the carrier's side.
///
/// The entries live in a ring buffer: once full, each new request overwrites the oldest in
/// constant time (the array trimmed one entry at a time from its front halved the simulator's
/// speed after 200,000 requests).
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

    /// How many entries the log keeps by default.
    static let defaultCapacity = 200_000

    private var ring: RingBuffer<Entry>

    /// A log keeping the newest `capacity` entries.
    init(capacity: Int = RequestLog.defaultCapacity) {
        ring = RingBuffer(capacity: capacity)
    }

    /// The entries kept, oldest first (what `GET /_sim/requests` returns).
    var entries: [Entry] { ring.elements }

    /// How many entries were dropped because the log was full, since the last `clear()`.
    var dropped: Int { ring.dropped }

    func record(_ entry: Entry) {
        ring.append(entry)
    }

    func clear() {
        ring.removeAll()
    }
}
