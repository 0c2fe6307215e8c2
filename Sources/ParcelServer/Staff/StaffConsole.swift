import Foundation
import HTTPTypes
import Hummingbird
import ParcelCore
import ParcelOps
import ParcelStore

/// The staff console of `parcelwatch serve`, under `/staff`: server-rendered pages (no
/// JavaScript) for the incident queue, one case with its forms, search, the shop report and the
/// audit log.
///
/// - `GET /staff/login`, `POST /staff/login` (`name`, `password`), `POST /staff/logout`.
/// - `GET /staff?kind=&state=&owner=&carrier=`: open cases by next deadline, breaches marked.
/// - `GET /staff/incidents/{id}`; `POST /staff/incidents/{id}/{assign|note|refund|reship|
///   compensate|claim|approve|dismiss|resolve}`: each action goes through ``StaffDesk`` — the
///   code `parcelwatch incident …` runs — with the signed-in member as actor, then redirects
///   (303) back to the case; a refusal shows the case again with the reason (400, 404, 409).
/// - `GET /staff/search?q=`, `GET /staff/report?since=YYYY-MM-DD`, `GET /staff/lanes?level=`,
///   `GET /staff/audit`.
///
/// Anything under `/staff` without a session redirects (303) to the sign-in page. Every POST
/// must come from the console's own pages by its `Sec-Fetch-Site`/`Origin` (``RequestOrigin``)
/// and carry a CSRF token in its `csrf` field — the session's (see ``StaffSessions``), or for
/// the sign-in the form's (``SignInToken``) — else it is refused with 403 before anything is
/// read or changed.
struct StaffConsole: Sendable {
    let store: Store
    let options: ServerOptions
    let sessions: StaffSessions
    let pages: StaffPages
    let desk: StaffDesk
    /// Per-address limits: failed sign-ins count as misses, so guessing from one address slows
    /// down and then gets 429, whichever names it tries.
    let limiter: ClientLimiter
    /// The sign-in form's CSRF token.
    let signInToken: SignInToken

    /// A console over `store`, acting through `desk` and checking passwords on `pool`; fails when
    /// its templates are missing from the install.
    init(store: Store, options: ServerOptions, limiter: ClientLimiter, desk: StaffDesk, pool: PasswordCheckPool) throws(ServerError) {
        self.store = store
        self.limiter = limiter
        self.options = options
        signInToken = SignInToken(secureCookies: options.secureCookies)
        sessions = StaffSessions(store: store, options: options, pool: pool)
        pages = try StaffPages()
        self.desk = desk
    }

    /// Registers every `/staff` route.
    func add(to router: Router<ServerContext>) {
        router.get("/staff/login") { request, _ in try await loginPage(request) }
        router.post("/staff/login") { request, context in try await signIn(request, client: context.client) }
        router.post("/staff/logout") { request, _ in
            try await posted(request) { session, _ in try await signOut(session) }
        }
        router.get("/staff") { request, _ in
            try await signedIn(request) { session in try await queue(request, session) }
        }
        router.get("/staff/incidents/:id") { request, context in
            try await signedIn(request) { session in
                guard let id = Int64(try RequestText.parameter("id", context, request)) else { return notFound(session) }
                return try await incidentPage(id, session)
            }
        }
        router.post("/staff/incidents/:id/:verb") { request, context in
            try await posted(request) { session, form in
                guard let id = Int64(try RequestText.parameter("id", context, request)) else { return notFound(session) }
                let verb = try RequestText.parameter("verb", context, request)
                return try await perform(verb, on: id, form: form, session: session)
            }
        }
        router.get("/staff/search") { request, _ in
            try await signedIn(request) { session in try await search(request, session) }
        }
        router.get("/staff/report") { request, _ in
            try await signedIn(request) { session in try await report(request, session) }
        }
        router.get("/staff/lanes") { request, _ in
            try await signedIn(request) { session in try await lanes(request, session) }
        }
        router.get("/staff/audit") { request, _ in
            try await signedIn(request) { session in try await audit(request, session) }
        }
        // Anything else under /staff: the sign-in page for strangers, "not found" for staff.
        router.get("/staff/**") { request, _ in try await signedIn(request) { session in notFound(session) } }
        router.post("/staff/**") { request, _ in try await posted(request) { session, _ in notFound(session) } }
    }

    // MARK: Guards

    /// Runs `body` for a signed-in member; anyone else is sent to the sign-in page.
    func signedIn(_ request: Request, _ body: (StaffSession) async throws -> Response) async throws -> Response {
        guard let session = try await sessions.current(request) else { return Self.redirect("/staff/login") }
        return try await body(session)
    }

    /// Runs `body` for a form POSTed by a signed-in member with the session's CSRF token.
    /// Without a session: the sign-in page (303). A body that is not a form: 415 or 400. A
    /// missing or wrong token: 403. In every refusal nothing is changed.
    func posted(_ request: Request, _ body: (StaffSession, FormBody) async throws -> Response) async throws -> Response {
        if let refusal = RequestOrigin.refusal(request) { return crossSite(refusal) }
        guard let session = try await sessions.current(request) else { return Self.redirect("/staff/login") }
        let form: FormBody
        switch try await Self.form(request) {
        case .success(let decoded): form = decoded
        case .failure(let refusal): return message(session, status: refusal.status, title: "Form refused", text: refusal.text)
        }
        guard StaffSessions.csrfMatches(form["csrf"], session) else {
            return message(
                session, status: .forbidden, title: "Form refused",
                text: "This form is missing the console's security token or has an old one. Go back, reload the page and try again.")
        }
        return try await body(session, form)
    }

    /// Why a request body was not read as a form.
    struct FormRefusal: Error {
        var status: HTTPResponse.Status
        var text: String
    }

    /// The request's form, or why it is refused.
    static func form(_ request: Request) async throws -> Result<FormBody, FormRefusal> {
        let type = request.headers[.contentType]?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased()
        guard type == "application/x-www-form-urlencoded" else {
            return .failure(FormRefusal(status: .unsupportedMediaType, text: "The console accepts only forms (application/x-www-form-urlencoded)."))
        }
        let bytes = try await request.body.collect(upTo: FormBody.limit + 1)
        do {
            return .success(try FormBody(decoding: bytes.readableBytesView))
        } catch {
            return .failure(FormRefusal(status: error == .tooLarge(limit: FormBody.limit) ? .contentTooLarge : .badRequest, text: error.description))
        }
    }

    // MARK: Responses

    /// Values every page has: the shop, the time zone, the signed-in member and the CSRF token
    /// for the sign-out form, and which section of the menu is current.
    func common(_ session: StaffSession?, title: String, section: String = "") -> [String: Any] {
        var values: [String: Any] = ["title": title, "shop": options.config.shopName, "zone": options.config.timeZone.identifier]
        if let session {
            values["member"] = session.staff
            values["csrf"] = session.csrfToken
        }
        if !section.isEmpty { values["section"] = [section: true] }
        return values
    }

    /// A page with a heading and one message (not found, refused forms).
    func message(_ session: StaffSession?, status: HTTPResponse.Status, title: String, text: String) -> Response {
        var values = common(session, title: title)
        values["text"] = text
        return page(status, "message", values)
    }

    /// The 403 of a console POST from another site.
    func crossSite(_ reason: String) -> Response {
        message(
            nil, status: .forbidden, title: "Form refused",
            text: "This form was refused: \(reason). The console accepts forms only from its own pages; open the console and try again.")
    }

    /// "Not found" for a signed-in member.
    func notFound(_ session: StaffSession) -> Response {
        message(session, status: .notFound, title: "Not found", text: "There is no such page or case in the console.")
    }

    /// A rendered page with the server's page headers: never cached, never framed.
    func page(_ status: HTTPResponse.Status, _ name: String, _ values: [String: Any]) -> Response {
        ServerResponse.html(status, pages.render(name, values), referrerPolicy: "same-origin")
    }

    /// `303 See Other` to `location`.
    static func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location, .cacheControl: "no-store"])
    }
}
