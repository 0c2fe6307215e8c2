import Foundation

/// What the simulated carriers remember about authentication: the access tokens they issued
/// (with their expiry on the WALL clock, `Date()`, because clients cache tokens on real time),
/// the token lifetime per carrier source, revoked carriers, and counts per carrier source.
///
/// Driven by `POST /_sim/auth` and reported by `GET /_sim/auth` (see ``SimResponder``). Tokens
/// are never logged or echoed; only counts leave this actor.
actor SimAuth {
    /// Counts for one carrier source, as `GET /_sim/auth` reports them.
    struct Stats: Sendable, Codable, Equatable {
        /// Requests to the token endpoint, granted or not.
        var tokenRequests = 0
        /// Tokens granted.
        var tokensIssued = 0
        /// Token requests refused (`401 invalid_client`).
        var tokenRequestsRejected = 0
        /// Tracking requests refused with 401 (wrong, missing, expired or revoked credentials).
        var rejected = 0
        /// Tracking requests whose credentials were accepted.
        var accepted = 0
        /// The lifetime, in seconds, of tokens issued from now on (oauth2 sources).
        var tokenLifetime: Double?
        /// True while the carrier's (or this source's) credentials are revoked.
        var revoked = false
    }

    private let defaultLifetime: TimeInterval
    /// Token → expiry, per `carrier/source`.
    private var tokens: [String: [String: Date]] = [:]
    /// Lifetimes per `carrier` or `carrier/source` (the source's own wins).
    private var lifetimes: [String: TimeInterval] = [:]
    /// Revoked `carrier` or `carrier/source` keys.
    private var revoked: Set<String> = []
    private var stats: [String: Stats] = [:]

    /// Starts with no tokens; tokens live `defaultLifetime` seconds unless told otherwise.
    init(defaultLifetime: TimeInterval) {
        self.defaultLifetime = defaultLifetime
    }

    private static func key(_ carrier: String, _ source: String) -> String { carrier + "/" + source }

    /// The lifetime of the next token of `carrier`'s `source`.
    func lifetime(carrier: String, source: String) -> TimeInterval {
        lifetimes[Self.key(carrier, source)] ?? lifetimes[carrier] ?? defaultLifetime
    }

    /// Sets the lifetime of tokens issued from now on, for one source or (`source` nil) every
    /// source of the carrier. Tokens already issued keep their expiry.
    func setLifetime(_ seconds: TimeInterval, carrier: String, source: String?) {
        if let source {
            lifetimes[Self.key(carrier, source)] = seconds
        } else {
            lifetimes = lifetimes.filter { !$0.key.hasPrefix(carrier + "/") }
            lifetimes[carrier] = seconds
        }
    }

    /// Forgets every token of the carrier (or of one source) and refuses its credentials until
    /// ``restore(carrier:source:)``.
    func revoke(carrier: String, source: String?) {
        revoked.insert(source.map { Self.key(carrier, $0) } ?? carrier)
        tokens = tokens.filter { key, _ in source.map { key != Self.key(carrier, $0) } ?? !key.hasPrefix(carrier + "/") }
    }

    /// Accepts the carrier's credentials again (both a carrier-wide and a source revocation end
    /// when `source` is nil). Revoked tokens stay invalid: clients must fetch new ones.
    func restore(carrier: String, source: String?) {
        if let source {
            revoked.remove(Self.key(carrier, source))
        } else {
            revoked = revoked.filter { $0 != carrier && !$0.hasPrefix(carrier + "/") }
        }
    }

    /// True while the credentials of `carrier`'s `source` are revoked.
    func isRevoked(carrier: String, source: String) -> Bool {
        revoked.contains(carrier) || revoked.contains(Self.key(carrier, source))
    }

    /// A fresh token for `carrier`'s `source` (`simtok-` and 32 random hex digits) and its
    /// lifetime in seconds; counted as a granted token request.
    func issueToken(carrier: String, source: String) -> (token: String, lifetime: TimeInterval) {
        let key = Self.key(carrier, source)
        let now = Date()
        let seconds = lifetime(carrier: carrier, source: source)
        var generator = SystemRandomNumberGenerator()
        let token = "simtok-" + (0..<16).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
        var issued = tokens[key, default: [:]].filter { $0.value > now }
        issued[token] = now.addingTimeInterval(seconds)
        tokens[key] = issued
        stats[key, default: Stats()].tokenRequests += 1
        stats[key, default: Stats()].tokensIssued += 1
        return (token, seconds)
    }

    /// Counts a token request that was refused.
    func recordRefusedTokenRequest(carrier: String, source: String) {
        stats[Self.key(carrier, source), default: Stats()].tokenRequests += 1
        stats[Self.key(carrier, source), default: Stats()].tokenRequestsRejected += 1
    }

    /// True when `token` was issued for `carrier`'s `source`, has not expired (wall clock) and was
    /// not revoked.
    func isValid(token: String, carrier: String, source: String) -> Bool {
        guard !isRevoked(carrier: carrier, source: source), let expiry = tokens[Self.key(carrier, source)]?[token] else { return false }
        return expiry > Date()
    }

    /// Counts one tracking request whose credentials were accepted or refused.
    func recordTrackingRequest(carrier: String, source: String, accepted: Bool) {
        if accepted {
            stats[Self.key(carrier, source), default: Stats()].accepted += 1
        } else {
            stats[Self.key(carrier, source), default: Stats()].rejected += 1
        }
    }

    /// Counts per carrier and source for every authenticated source in `sources` (zeros for
    /// those never asked), with the token lifetime of oauth2 sources and the revocation state.
    func report(sources: [(carrier: String, source: String, oauth2: Bool)]) -> [String: [String: Stats]] {
        var out: [String: [String: Stats]] = [:]
        for entry in sources {
            var counts = stats[Self.key(entry.carrier, entry.source)] ?? Stats()
            counts.tokenLifetime = entry.oauth2 ? lifetime(carrier: entry.carrier, source: entry.source) : nil
            counts.revoked = isRevoked(carrier: entry.carrier, source: entry.source)
            out[entry.carrier, default: [:]][entry.source] = counts
        }
        return out
    }
}
