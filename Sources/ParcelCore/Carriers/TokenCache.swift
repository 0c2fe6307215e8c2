import Foundation

/// Access tokens of this process, one per carrier source, kept until shortly before they expire
/// (a tenth of their life, at most a minute) and fetched once however many requests wait for
/// them. Several workers each keep their own: a token endpoint sees one request per worker per
/// token lifetime.
///
/// Tokens live only in memory: never in the store, a log or an error.
public actor TokenCache {
    private struct Entry {
        var token: String
        var renewAt: Date
    }

    private var entries: [String: Entry] = [:]
    private var inFlight: [String: Task<Entry, any Error>] = [:]
    private let now: @Sendable () -> Date
    /// How many tokens were fetched, per key, for tests and `carriers check`.
    public private(set) var fetched: [String: Int] = [:]

    /// Creates an empty cache on `now` (injected so expiry is testable without waiting).
    public init(now: @escaping @Sendable () -> Date = { Date() }) {
        self.now = now
    }

    /// The cached token for `key`, or a fresh one from `fetch` (which returns the token and its
    /// lifetime in seconds). Concurrent callers share one fetch.
    func token(for key: String, fetch: @escaping @Sendable () async throws(TrackingError) -> (String, TimeInterval)) async throws(TrackingError) -> String {
        if let entry = entries[key], entry.renewAt > now() { return entry.token }
        let task: Task<Entry, any Error>
        if let running = inFlight[key] {
            task = running
        } else {
            let clock = now
            task = Task {
                let (token, lifetime) = try await fetch()
                return Entry(token: token, renewAt: clock().addingTimeInterval(max(0, lifetime - min(60, lifetime / 10))))
            }
            inFlight[key] = task
            fetched[key, default: 0] += 1
        }
        do {
            let entry = try await task.value
            inFlight[key] = nil
            entries[key] = entry
            return entry.token
        } catch {
            inFlight[key] = nil
            if let error = error as? TrackingError { throw error }
            throw .unreadable(carrier: key, detail: "token request failed")
        }
    }

    /// Forgets `key`'s token after the carrier refused it, so the next call fetches a new one.
    func invalidate(_ key: String) {
        entries[key] = nil
    }
}
