import Foundation
import Hummingbird
import ParcelCore
import ParcelOps
import ParcelStore

/// Signing staff in and out of the console, and finding who is signed in.
///
/// - A member signs in with the password `parcelwatch staff passwd NAME` set (bcrypt, checked on
///   the ``PasswordCheckPool``'s own threads). Failures are never a lockout: the address that
///   fails backs off and the name slows down everywhere (``SignInThrottle``), so an outsider
///   cannot keep a member out and the right password from another address still works. An
///   unknown name and a member without a password get exactly the answer of a wrong password,
///   after the same bcrypt work (an unknown name is checked against a stand-in hash), so neither
///   the answer nor its timing tells which names exist.
/// - A session is 32 random bytes in the `pw_session` cookie (`HttpOnly; SameSite=Strict;
///   Path=/staff`, `Secure` behind TLS); the store keeps only their SHA-256, with a random CSRF
///   token every form of the session must carry. It lasts 8 hours.
struct StaffSessions: Sendable {
    /// The session cookie's name.
    static let cookieName = "pw_session"
    /// How long a session lasts.
    static let lifetime: TimeInterval = 8 * 3600
    /// The window of the audit entries that count failures with unknown names (one per address).
    static let unknownNameWindow: TimeInterval = 15 * 60
    /// A bcrypt hash (cost 12, the cost of `parcelwatch staff passwd`) of a random password no
    /// one knows: what an unknown name's password is checked against.
    static let standInHash12 = "$2b$12$Vflayl1xf767do1BEVm6AudJH/0oJ1HdKN6J16UYqbnEWKL2eOvEm"

    private let store: Store
    private let clock: ParcelClock
    private let secureCookies: Bool
    private let standInHash: String
    private let pool: PasswordCheckPool
    private let throttle: SignInThrottle

    /// How a sign-in ended.
    enum SignInOutcome: Sendable {
        /// A session: the cookie's value (to send once, never stored) and the session.
        case signedIn(cookie: String, session: StaffSession)
        /// The name or the password is wrong (one answer for both).
        case refused
        /// Not checked: this address must wait this many seconds before trying the name again.
        case backingOff(retryAfter: Int)
        /// Not checked: the password checks are all busy; try again in this many seconds.
        case busy(retryAfter: Int)
    }

    /// Sessions over `store`; the stand-in hash matches `options.staffPasswordCost`.
    init(store: Store, options: ServerOptions, pool: PasswordCheckPool) {
        self.store = store
        self.pool = pool
        throttle = SignInThrottle(policy: options.signInPolicy, clock: options.signInClock)
        clock = options.clock
        secureCookies = options.secureCookies
        standInHash =
            options.staffPasswordCost == 12
            ? Self.standInHash12 : StaffPassword.hash(APITokenSecret.randomHex(), cost: options.staffPasswordCost)
    }

    /// Checks a sign-in from `client` and, when it succeeds, starts a session. Failures are
    /// recorded (and audited) by the store and counted by the throttle.
    /// - Throws: `CancellationError` when the request goes away while it is held back.
    func signIn(name rawName: String, password: String, client: String) async throws -> SignInOutcome {
        let name = String(rawName.trimmingCharacters(in: .whitespaces).lowercased().prefix(64))
        switch await throttle.admit(name: name, client: client) {
        case .refuse(let retryAfter): return .backingOff(retryAfter: retryAfter)
        case .check(let delay) where delay > .zero: try await Task.sleep(for: delay)
        case .check: break
        }
        let credentials = name.isEmpty ? nil : try await store.read { try $0.console.staffCredentials(name: name) }
        // Always one bcrypt check, whoever asks: the time taken tells nothing.
        let hash = credentials?.passwordHash ?? standInHash
        let matches: Bool
        do {
            matches = try await pool.run { StaffPassword.verify(password, hash: hash) }
        } catch {
            switch error {
            case .busy(let retryAfter): return .busy(retryAfter: retryAfter)
            }
        }
        let now = clock.now
        guard credentials?.passwordHash != nil, matches, let credentials else {
            await throttle.failed(name: name, client: client)
            if !name.isEmpty {
                try await store.write { try $0.console.recordFailedSignIn(name: name, client: client, at: now, window: Self.unknownNameWindow) }
            }
            return .refused
        }
        await throttle.succeeded(name: name, client: client)
        try await store.write { try $0.console.recordSignIn(name: name, succeeded: true, at: now, lockAfter: .max, lockFor: 0) }
        let cookie = APITokenSecret.randomHex()
        let session = StaffSession(
            idHash: APITokenSecret.hash(cookie), staff: credentials.name, csrfToken: APITokenSecret.randomHex(),
            createdAt: now, expiresAt: now.addingTimeInterval(Self.lifetime))
        try await store.write(serialized: false) { try $0.console.createSession(session) }
        return .signedIn(cookie: cookie, session: session)
    }

    /// The session of the request's cookie, nil when there is none, it expired or it was ended.
    func current(_ request: Request) async throws(StoreError) -> StaffSession? {
        guard let value = request.cookies[Self.cookieName]?.value, value.utf8.count == 64, value.allSatisfy(\.isHexDigit) else { return nil }
        return try await store.write(serialized: false) { try $0.console.session(idHash: APITokenSecret.hash(value), at: clock.now) }
    }

    /// Ends a session: its cookie no longer signs anyone in.
    func signOut(_ session: StaffSession) async throws(StoreError) {
        try await store.write(serialized: false) { try $0.console.deleteSession(idHash: session.idHash) }
    }

    /// The `Set-Cookie` value that hands the browser a session.
    func cookieHeader(_ value: String) -> String {
        "\(Self.cookieName)=\(value); Path=/staff; Max-Age=\(Int(Self.lifetime)); HttpOnly; SameSite=Strict" + (secureCookies ? "; Secure" : "")
    }

    /// The `Set-Cookie` value that makes the browser forget the session.
    func clearingCookieHeader() -> String {
        "\(Self.cookieName)=; Path=/staff; Max-Age=0; HttpOnly; SameSite=Strict" + (secureCookies ? "; Secure" : "")
    }

    /// True when `given` is the session's CSRF token (compared in constant time).
    static func csrfMatches(_ given: String?, _ session: StaffSession) -> Bool {
        guard let given else { return false }
        let expected = Array(session.csrfToken.utf8), actual = Array(given.utf8)
        guard expected.count == actual.count, !expected.isEmpty else { return false }
        return zip(expected, actual).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
