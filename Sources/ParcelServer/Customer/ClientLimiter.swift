import Foundation
import ParcelCore
import ParcelOps
import ParcelStore

/// Per-client limits on the customer API and page, so tracking numbers cannot be enumerated.
///
/// Each client (its IP address) has a token bucket: `burst` lookups at once, refilled at
/// `perSecond`. A miss — an unknown number or a wrong postcode, which look the same — costs
/// more tokens the more misses the client has made, and its answer is held back by a delay that
/// doubles with each miss after the first `freeMisses`. Misses are forgotten slowly (halved every
/// `missHalfLife`), so a customer who mistypes twice is not punished, a script is.
///
/// Buckets, forgetting and delays run on `clock`: real time in the server, a manual clock in
/// tests.
actor ClientLimiter {
    /// The limits; the defaults are the server's.
    struct Policy: Sendable {
        var burst = 10.0
        var perSecond = 0.5
        var freeMisses = 3
        var delayBase: Duration = .milliseconds(500)
        var maxDelay: Duration = .seconds(8)
        var missHalfLife: TimeInterval = 600
    }

    /// What to do with one request.
    enum Decision: Equatable {
        /// Answer it.
        case allow
        /// Refuse it with 429; the client may try again after this many seconds.
        case refuse(retryAfter: Int)
    }

    private struct Client {
        var tokens: Double
        var misses: Double
        /// When the client was last seen, on ``clock``.
        var updated: Duration
    }

    private let policy: Policy
    private let clock: any RateClock
    private var clients: [String: Client] = [:]

    init(policy: Policy = Policy(), clock: any RateClock = SystemRateClock()) {
        self.policy = policy
        self.clock = clock
    }

    /// Takes one token for `client`, or says when there will be one.
    func admit(_ client: String) -> Decision {
        var state = refreshed(client, now: clock.now)
        defer { clients[client] = state }
        guard state.tokens >= 1 else {
            return .refuse(retryAfter: max(1, Int(((1 - state.tokens) / policy.perSecond).rounded(.up))))
        }
        state.tokens -= 1
        return .allow
    }

    /// Records a miss and holds its answer back for as long as ``miss(_:)`` says, on ``clock``.
    /// - Throws: `CancellationError` when the request's task is cancelled while it waits.
    func holdBack(_ client: String) async throws {
        let delay = miss(client)
        guard delay > .zero else { return }
        try await clock.sleep(until: clock.now + delay)
    }

    /// Records a miss and returns how long its answer is held back.
    func miss(_ client: String) -> Duration {
        var state = refreshed(client, now: clock.now)
        state.misses += 1
        let excess = Int(state.misses) - policy.freeMisses
        // Misses beyond the free ones also drain the bucket: a scan hits 429 soon.
        if excess > 0 { state.tokens -= Double(min(excess, 5)) }
        clients[client] = state
        guard excess > 0 else { return .zero }
        let delay = policy.delayBase * (1 << min(excess - 1, 16))
        return min(delay, policy.maxDelay)
    }

    private func refreshed(_ client: String, now: Duration) -> Client {
        guard var state = clients[client] else {
            if clients.count > 50_000 { forgetIdle(now: now) }
            return Client(tokens: policy.burst, misses: 0, updated: now)
        }
        let elapsed = max(0, (now - state.updated).inSeconds)
        state.tokens = min(policy.burst, state.tokens + elapsed * policy.perSecond)
        state.misses *= pow(0.5, elapsed / policy.missHalfLife)
        state.updated = now
        return state
    }

    /// Drops clients with a full bucket and no misses left to remember: memory stays bounded.
    private func forgetIdle(now: Duration) {
        clients = clients.filter { _, state in
            let elapsed = (now - state.updated).inSeconds
            return state.tokens + elapsed * policy.perSecond < policy.burst || state.misses * pow(0.5, elapsed / policy.missHalfLife) >= 0.5
        }
    }
}
