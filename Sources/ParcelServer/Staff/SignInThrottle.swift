import Foundation
import ParcelCore
import ParcelOps
import ParcelStore

/// Back-off for failed staff sign-ins, instead of a lockout anyone could trigger.
///
/// - Per name and client address: the first `freePerClient` failures cost nothing; after them
///   that address must wait before it may try the name again, 1 s doubling with every further
///   failure up to 15 minutes. Attempts while it waits are refused without a password check.
///   A success from the address, or an hour without failures, starts it afresh.
/// - Per name, from every address together: failures are remembered with a half-life of 15
///   minutes; beyond `freePerName` of them every attempt for the name — the right password from
///   a new address too — is held back a little before its check (250 ms more per failure, at
///   most 5 s). It slows a spread-out guesser down but never refuses the member.
///
/// Names are throttled alike whether or not they are staff, so the answers tell nothing about
/// which names exist. Time comes from `clock` (a manual clock in tests).
actor SignInThrottle {
    /// The limits; the defaults are the server's.
    struct Policy: Sendable {
        var freePerClient = 3
        var clientBase: Duration = .seconds(1)
        var clientMax: Duration = .seconds(15 * 60)
        var clientReset: Duration = .seconds(3600)
        var freePerName = 10
        var nameStep: Duration = .milliseconds(250)
        var nameMax: Duration = .seconds(5)
        var nameHalfLife: TimeInterval = 15 * 60
        /// Entries kept before idle ones are dropped (memory stays bounded).
        var capacity = 50_000
    }

    /// What to do with one attempt.
    enum Decision: Equatable {
        /// Check the password, after holding the answer back this long (zero: at once).
        case check(after: Duration)
        /// Refuse it unchecked with 429; this address may try the name again after this many seconds.
        case refuse(retryAfter: Int)
    }

    private struct Key: Hashable {
        var name: String
        var client: String
    }

    private struct ClientFailures {
        var count: Int
        var last: Duration
    }

    private struct NameFailures {
        var weight: Double
        var updated: Duration
    }

    private let policy: Policy
    private let clock: any RateClock
    private var clients: [Key: ClientFailures] = [:]
    private var names: [String: NameFailures] = [:]

    init(policy: Policy = Policy(), clock: any RateClock = SystemRateClock()) {
        self.policy = policy
        self.clock = clock
    }

    /// Whether `client` may try `name` now, and how long its answer is held back.
    func admit(name: String, client: String) -> Decision {
        let now = clock.now
        if let failures = clients[Key(name: name, client: client)], let until = backOffEnd(failures), until > now {
            return .refuse(retryAfter: max(1, Int((until - now).inSeconds.rounded(.up))))
        }
        let excess = nameWeight(name, now: now) - Double(policy.freePerName)
        guard excess > 0 else { return .check(after: .zero) }
        return .check(after: min(policy.nameStep * Int(excess.rounded(.up)), policy.nameMax))
    }

    /// Records a failure of `client` for `name`: the failures from this address and for the
    /// name from all addresses (rounded), as they now stand.
    @discardableResult
    func failed(name: String, client: String) -> (fromClient: Int, forName: Int) {
        let now = clock.now
        if clients.count + names.count > policy.capacity { forgetIdle(now: now) }
        let key = Key(name: name, client: client)
        var failures = clients[key] ?? ClientFailures(count: 0, last: now)
        if now - failures.last > policy.clientReset { failures.count = 0 }
        failures.count += 1
        failures.last = now
        clients[key] = failures
        let weight = nameWeight(name, now: now) + 1
        names[name] = NameFailures(weight: weight, updated: now)
        return (failures.count, Int(weight.rounded()))
    }

    /// Records a success of `client` for `name`: that address starts afresh (the failures for
    /// the name from elsewhere still count).
    func succeeded(name: String, client: String) {
        clients[Key(name: name, client: client)] = nil
    }

    /// When the address's wait for the name ends, nil when it need not wait.
    private func backOffEnd(_ failures: ClientFailures) -> Duration? {
        let excess = failures.count - policy.freePerClient
        guard excess >= 0 else { return nil }
        if clock.now - failures.last > policy.clientReset { return nil }
        return failures.last + min(policy.clientBase * (1 << min(excess, 20)), policy.clientMax)
    }

    /// The name's failures from every address, decayed to `now`.
    private func nameWeight(_ name: String, now: Duration) -> Double {
        guard let failures = names[name] else { return 0 }
        return failures.weight * pow(0.5, max(0, (now - failures.updated).inSeconds) / policy.nameHalfLife)
    }

    /// Drops addresses whose wait is over and names whose failures have faded.
    private func forgetIdle(now: Duration) {
        clients = clients.filter { _, failures in (backOffEnd(failures) ?? now) > now }
        names = names.filter { name, _ in nameWeight(name, now: now) >= 1 }
    }
}
