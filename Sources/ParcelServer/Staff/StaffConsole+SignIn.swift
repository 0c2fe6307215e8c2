import Foundation
import HTTPTypes
import Hummingbird
import ParcelCore
import ParcelOps
import ParcelStore

/// Signing in and out of the console (see ``StaffSessions`` for the rules).
extension StaffConsole {
    /// The one answer to every failed sign-in: it does not say whether the name exists, the
    /// password was wrong or the member is locked out.
    static let signInRefused =
        "Signing in failed: the name or the password is wrong, or there were too many failed attempts "
        + "(after 5 in a row a member is locked out for 15 minutes)."

    /// `GET /staff/login`: the form; a member already signed in goes to the queue.
    func loginPage(_ request: Request) async throws -> Response {
        if try await sessions.current(request) != nil { return Self.redirect("/staff") }
        return page(.ok, "login", common(nil, title: "Sign in"))
    }

    /// `POST /staff/login` with `name` and `password`: a session cookie and the queue, or the
    /// form again with the one refusal (401).
    func signIn(_ request: Request, client: String) async throws -> Response {
        if case .refuse(let retryAfter) = await limiter.admit(client) {
            var response = message(
                nil, status: .tooManyRequests, title: "Too many attempts",
                text: "Too many sign-in attempts from this address; try again in \(retryAfter) seconds.")
            response.headers[.retryAfter] = String(retryAfter)
            return response
        }
        let form: FormBody
        switch try await Self.form(request) {
        case .success(let decoded): form = decoded
        case .failure(let refusal): return message(nil, status: refusal.status, title: "Form refused", text: refusal.text)
        }
        let name = form["name"] ?? ""
        guard let started = try await sessions.signIn(name: name, password: form["password"] ?? "") else {
            try await limiter.holdBack(client)
            var values = common(nil, title: "Sign in")
            values["error"] = Self.signInRefused
            values["name"] = name
            return page(.unauthorized, "login", values)
        }
        var response = Self.redirect("/staff")
        response.headers[.setCookie] = sessions.cookieHeader(started.cookie)
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
