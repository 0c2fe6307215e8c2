import Crypto
import Foundation
import Hummingbird
import ParcelCore
import ParcelOps
import ParcelStore

/// The CSRF token of the sign-in form, before there is a session: a double-submit cookie bound
/// by HMAC.
///
/// `GET /staff/login` gives the browser a random value in the `pw_signin` cookie (`HttpOnly;
/// SameSite=Strict; Path=/staff/login`) and puts HMAC-SHA256(key, value) in the form's `csrf`
/// field; a sign-in is checked only when the field is the HMAC of the cookie it comes with.
/// Another site can neither read the field nor, without the key, make a pair of its own — even
/// one that can plant cookies (a sibling subdomain) — so it cannot sign a victim in to an
/// account of its choosing. The key is random per server process: after a restart the form is
/// simply reloaded.
struct SignInToken: Sendable {
    /// The cookie's name.
    static let cookieName = "pw_signin"
    /// How long the cookie lasts (a form left open over lunch still works).
    static let lifetime = 12 * 3600

    private let key = SymmetricKey(size: .bits256)
    private let secureCookies: Bool

    init(secureCookies: Bool) {
        self.secureCookies = secureCookies
    }

    /// The request's `pw_signin` value when it is one this server could have made (64 hex digits).
    static func cookie(of request: Request) -> String? {
        guard let value = request.cookies[cookieName]?.value, value.utf8.count == 64, value.allSatisfy(\.isHexDigit) else { return nil }
        return String(value)
    }

    /// A new cookie value.
    static func newCookie() -> String { APITokenSecret.randomHex() }

    /// The form token for a cookie value.
    func token(for cookie: String) -> String {
        HMAC<SHA256>.authenticationCode(for: Data(cookie.utf8), using: key).map { String(format: "%02x", $0) }.joined()
    }

    /// True when `given` is the token of the request's cookie (compared in constant time).
    func matches(_ given: String?, cookie: String?) -> Bool {
        guard let given, let cookie else { return false }
        let expected = Array(token(for: cookie).utf8), actual = Array(given.utf8)
        guard expected.count == actual.count else { return false }
        return zip(expected, actual).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }

    /// The `Set-Cookie` value that hands the browser `cookie`.
    func cookieHeader(_ cookie: String) -> String {
        "\(Self.cookieName)=\(cookie); Path=/staff/login; Max-Age=\(Self.lifetime); HttpOnly; SameSite=Strict" + (secureCookies ? "; Secure" : "")
    }
}
