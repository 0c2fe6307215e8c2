import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import ParcelCore
import ParcelOps
import ParcelStore

/// The customer side of `parcelwatch serve`: the tracking API and the `/track` page.
///
/// A customer proves a parcel is theirs with the order's postcode or e-mail; a wrong proof is
/// answered exactly like an unknown number (same status, same body, same delay), and every
/// miss makes the next one slower and costlier for that client (``ClientLimiter``). Nothing
/// but ``CustomerParcel`` ever leaves: no internal notes, staff names or other orders.
struct CustomerRoutes: Sendable {
    let store: Store
    let options: ServerOptions
    let limiter: ClientLimiter
    let page: TrackPage
    /// The customer's view, from the shared ``ParcelServices``.
    let tracking: CustomerTracking

    func add(to router: Router<ServerContext>) {
        router.get("/api/track/:number") { request, context in try await lookup(request, context) }
        router.post("/api/track/:number/report") { request, context in try await report(request, context) }
        router.get("/track") { request, context in try await trackPage(request, context) }
        router.get("/") { _, _ in Response(status: .seeOther, headers: [.location: "/track"]) }
    }

    /// `GET /api/track/{number}?postcode=…|email=…`: the JSON of `parcelwatch track --json`.
    private func lookup(_ request: Request, _ context: ServerContext) async throws -> Response {
        let number = try RequestText.parameter("number", context, request)
        let query = try RequestText.query(request)
        let postcode = query["postcode"], email = query["email"]
        guard !CustomerProof(postcode: postcode, email: email).isEmpty else { return Self.proofRequired(postcode: postcode, query: true) }
        if case .refuse(let retryAfter) = await limiter.admit(context.client) { return Self.tooMany(retryAfter) }
        let found =
            try await tracking
            .lookup(number: number, postcode: postcode, email: email, now: options.clock.now)
        guard let found else { return await notFound(context) }
        var response = ServerResponse.json(.ok, found)
        response.headers[.contentLanguage] = found.language
        return response
    }

    /// `POST /api/track/{number}/report` with `{"postcode"|"email", "problem", "message"?}`: what
    /// `parcelwatch report-problem` does, answered with its JSON.
    private func report(_ request: Request, _ context: ServerContext) async throws -> Response {
        struct Body: Decodable {
            var postcode: String?
            var email: String?
            var problem: CustomerProblem
            var message: String?
        }
        let number = try RequestText.parameter("number", context, request)
        let bytes = try await request.body.collect(upTo: 16 * 1024)
        guard let body = try? JSONDecoder().decode(Body.self, from: Data(bytes.readableBytesView)) else {
            let problems = CustomerProblem.allCases.map(\.rawValue).joined(separator: ", ")
            return ServerResponse.json(
                .badRequest, ["error": "badRequest", "message": "expected JSON {\"postcode\" or \"email\", \"problem\": one of \(problems), \"message\"}"])
        }
        guard !CustomerProof(postcode: body.postcode, email: body.email).isEmpty else { return Self.proofRequired(postcode: body.postcode, query: false) }
        if case .refuse(let retryAfter) = await limiter.admit(context.client) { return Self.tooMany(retryAfter) }
        let receipt =
            try await tracking
            .report(number: number, postcode: body.postcode, email: body.email, problem: body.problem, message: body.message, now: options.clock.now)
        guard let receipt else { return await notFound(context) }
        return ServerResponse.json(.accepted, CustomerReportReceipt(incident: receipt.incident.id, nextUpdateBy: receipt.nextUpdateBy))
    }

    /// `GET /track[?number=…&postcode=…|email=…]`: the form, or the parcel's page.
    private func trackPage(_ request: Request, _ context: ServerContext) async throws -> Response {
        let query = try RequestText.query(request)
        let number = query["number"] ?? "", postcode = query["postcode"] ?? ""
        let email = query["email"] ?? ""
        let browser = AcceptLanguage.pick(request.headers[.acceptLanguage])
        guard !number.isEmpty, !postcode.isEmpty || !email.isEmpty else { return ServerResponse.html(.ok, page.form(language: browser, number: number)) }
        guard !CustomerProof(postcode: postcode, email: email).isEmpty else {
            // A postcode of only `-`, `.` or spaces proves nothing: the e-mail has to.
            return ServerResponse.html(
                .badRequest,
                page.form(language: browser, message: CustomerPhrases(language: browser)["page.noPostcode"], number: number, postcode: postcode, email: email))
        }
        if case .refuse(let retryAfter) = await limiter.admit(context.client) {
            var response = ServerResponse.html(
                .tooManyRequests, page.form(language: browser, message: CustomerPhrases(language: browser)["page.tooMany"], number: number))
            response.headers[.retryAfter] = String(retryAfter)
            return response
        }
        let found =
            try await tracking
            .lookup(number: number, postcode: postcode, email: email, now: options.clock.now)
        guard let found else {
            try await limiter.holdBack(context.client)
            return ServerResponse.html(
                .notFound,
                page.form(
                    language: browser, message: CustomerPhrases(language: browser)["notFound"], number: number,
                    postcode: postcode, email: email))
        }
        var response = ServerResponse.html(.ok, page.parcel(found))
        response.headers[.contentLanguage] = found.language
        return response
    }

    /// The one answer for an unknown number and a wrong proof, held back as the client's misses demand.
    private func notFound(_ context: ServerContext) async -> Response {
        try? await limiter.holdBack(context.client)
        return ServerResponse.json(.notFound, ["error": "notFound", "message": CustomerPhrases(language: "en")["notFound"]])
    }

    /// 400 for a request that proves nothing: no postcode or e-mail, or a postcode without a
    /// letter or digit (an order without a postcode is proved by its e-mail).
    static func proofRequired(postcode: String?, query: Bool) -> Response {
        let ask = query ? "add ?postcode=… or ?email=… of your order" : "send \"postcode\" or \"email\" of your order"
        let message =
            CustomerProof.isUnusable(postcode: postcode)
            ? "a postcode without letters or digits proves nothing; an order without a postcode is found by its e-mail: "
                + (query ? "use ?email=…" : "send \"email\"")
            : ask
        return ServerResponse.json(.badRequest, ["error": "proofRequired", "message": message])
    }

    static func tooMany(_ retryAfter: Int) -> Response {
        var response = ServerResponse.json(.tooManyRequests, ["error": "rateLimited", "message": "too many requests; try again in \(retryAfter) s"])
        response.headers[.retryAfter] = String(retryAfter)
        return response
    }
}
