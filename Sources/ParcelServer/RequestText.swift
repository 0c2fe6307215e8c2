import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The text of a request's query string and path parameters, decoded as browsers encode them.
///
/// A query string is read like a form body (`application/x-www-form-urlencoded`: `+` is a
/// space, `%XX` a UTF-8 byte, each field once — see ``FormBody``); a path parameter is
/// percent-decoded (`+` stays `+`). Anything that cannot be decoded — a `%` without two hex
/// digits, bytes that are not UTF-8, a control character — is a ``MalformedRequest`` (400).
enum RequestText {
    /// The decoded query string (empty without one).
    static func query(_ request: Request) throws(MalformedRequest) -> FormBody {
        do {
            return try FormBody(decoding: Array((request.uri.query ?? "").utf8))
        } catch {
            throw MalformedRequest(detail: "the query string has \(reason(error))", path: request.uri.path)
        }
    }

    /// The decoded path parameter `name` (no control characters at all, not even line breaks).
    static func parameter(_ name: String, _ context: ServerContext, _ request: Request) throws(MalformedRequest) -> String {
        guard let raw = context.parameters.get(name) else { throw MalformedRequest(detail: "the path lacks its \(name)", path: request.uri.path) }
        do throws(FormBody.Problem) {
            let decoded = try FormBody.decode(Array(raw.utf8), plusIsSpace: false)
            guard !decoded.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
                throw FormBody.Problem.malformed("a control character")
            }
            return decoded
        } catch {
            throw MalformedRequest(detail: "the \(name) in the path has \(reason(error))", path: request.uri.path)
        }
    }

    private static func reason(_ problem: FormBody.Problem) -> String {
        switch problem {
        case .malformed(let detail): detail
        case .tooLarge(let limit): "more than \(limit) bytes"
        }
    }
}

/// A request whose query string or path could not be decoded: 400, as JSON under `/api`, as a
/// page elsewhere.
struct MalformedRequest: HTTPResponseError {
    /// What could not be decoded, for people.
    var detail: String
    /// The request's path, which picks the kind of answer.
    var path: String

    var status: HTTPResponse.Status { .badRequest }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        if path.hasPrefix("/api/") {
            return ServerResponse.json(.badRequest, ["error": "badRequest", "message": detail])
        }
        let escaped = MarkupText.escaped(detail)
        return ServerResponse.html(
            .badRequest,
            "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Bad request</title></head>"
                + "<body><h1>Bad request</h1><p>This address could not be read: \(escaped).</p></body></html>\n")
    }
}
