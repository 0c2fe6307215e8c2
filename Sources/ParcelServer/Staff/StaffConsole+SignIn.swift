import Foundation
import HTTPTypes
import Hummingbird
import ParcelCore
import ParcelOps
import ParcelStore

/// Signing in and out of the console (see ``StaffSessions`` for the rules).
extension StaffConsole {
    /// The one answer to every failed sign-in: it does not say whether the name exists or the
    /// password was wrong.
    static let signInRefused =
        "Signing in failed: the name or the password is wrong. After a few failed attempts from one address, "
        + "that address has to wait longer before each next try."

    /// `GET /staff/login`: the form with its CSRF token (and the cookie it is bound to); a member
    /// already signed in goes to the queue.
    func loginPage(_ request: Request) async throws -> Response {
        if try await sessions.current(request) != nil { return Self.redirect("/staff") }
        return loginForm(request, status: .ok, values: common(nil, title: "Sign in"))
    }

    /// The sign-in form with `values`, its CSRF token for the request's `pw_signin` cookie, and
    /// a new cookie when the request has none.
    func loginForm(_ request: Request, status: HTTPResponse.Status, values: [String: Any]) -> Response {
        let existing = SignInToken.cookie(of: request)
        let cookie = existing ?? SignInToken.newCookie()
        var values = values
        values["csrf"] = signInToken.token(for: cookie)
        var response = page(status, "login", values)
        if existing == nil { response.headers[.setCookie] = signInToken.cookieHeader(cookie) }
        return response
    }

    /// `POST /staff/login` with `name`, `password` and the form's `csrf`: a session cookie and
    /// the queue; the form again with the one refusal (401); 403 for a form from elsewhere or
    /// without its token; 429 with `Retry-After` while the address backs off, the address has
    /// made too many attempts, or every password check is busy.
    func signIn(_ request: Request, client: String) async throws -> Response {
        if let refusal = RequestOrigin.refusal(request) { return crossSite(refusal) }
        if case .refuse(let retryAfter) = await limiter.admit(client) {
            return tooMany(retryAfter, "Too many sign-in attempts from this address; try again in \(retryAfter) seconds.")
        }
        let form: FormBody
        switch try await Self.form(request) {
        case .success(let decoded): form = decoded
        case .failure(let refusal): return message(nil, status: refusal.status, title: "Form refused", text: refusal.text)
        }
        guard signInToken.matches(form["csrf"], cookie: SignInToken.cookie(of: request)) else {
            var values = common(nil, title: "Sign in")
            values["error"] = "This sign-in form is old or did not come from the console. Sign in again on this page."
            return loginForm(request, status: .forbidden, values: values)
        }
        let name = form["name"] ?? ""
        switch try await sessions.signIn(name: name, password: form["password"] ?? "", client: client) {
        case .signedIn(let cookie, _):
            var response = Self.redirect("/staff")
            response.headers[.setCookie] = sessions.cookieHeader(cookie)
            return response
        case .refused:
            try await limiter.holdBack(client)
            var values = common(nil, title: "Sign in")
            values["error"] = Self.signInRefused
            values["name"] = name
            return loginForm(request, status: .unauthorized, values: values)
        case .backingOff(let retryAfter):
            return tooMany(retryAfter, "Too many failed sign-ins with this name from this address; try again in \(retryAfter) seconds.")
        case .busy(let retryAfter):
            return tooMany(retryAfter, "The server is checking many sign-ins at the moment; try again in \(retryAfter) seconds.")
        }
    }

    /// A 429 page with `Retry-After`.
    private func tooMany(_ retryAfter: Int, _ text: String) -> Response {
        var response = message(nil, status: .tooManyRequests, title: "Too many attempts", text: text)
        response.headers[.retryAfter] = String(retryAfter)
        return response
    }

    /// `POST /staff/logout`: the session ends (its cookie no longer works) and the browser forgets it.
    func signOut(_ session: StaffSession) async throws -> Response {
        try await sessions.signOut(session)
        var response = Self.redirect("/staff/login")
        response.headers[.setCookie] = sessions.clearingCookieHeader()
        return response
    }
}
