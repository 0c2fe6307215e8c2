import Foundation
import HTTPTypes
import Hummingbird

/// Whether a console POST comes from the console's own pages, by the headers browsers add.
///
/// - `Sec-Fetch-Site` (every current browser) decides when present: `same-origin` or `none`
///   (typed, bookmarked) pass; `same-site` and `cross-site` are refused.
/// - Else `Origin` (every browser sends it on a POST): it must name this server — its host and
///   port as in the request's `Host` — and `null` (sandboxed frames, `file:` pages, pages with
///   `Referrer-Policy: no-referrer`, which is why the console's pages use `same-origin`) is refused.
/// - No `Origin`: a `Referer`, when there is one, must name this server too.
/// - None of these headers at all: allowed. Only a program sends that (browsers have sent
///   `Origin` on every POST for years), and a program cannot ride on a victim's cookies; the
///   form's CSRF token is still required.
///
/// Behind a proxy, the proxy must pass the client's `Host` through (nginx:
/// `proxy_set_header Host $host`).
enum RequestOrigin {
    /// Nil when the request may go on, else why it is refused (for the 403 page).
    static func refusal(_ request: Request) -> String? {
        let host = request.head.authority?.lowercased()
        if let site = field(request, "Sec-Fetch-Site")?.lowercased() {
            return site == "same-origin" || site == "none" ? nil : "the form was sent from another site (\(site))"
        }
        if let origin = request.headers[.origin] {
            guard let host, authority(of: origin) == host else { return "the form was sent from another site (\(origin))" }
            return nil
        }
        if let referer = field(request, "Referer") {
            guard let host, authority(of: referer) == host else { return "the form was sent from another page than this server's" }
        }
        return nil
    }

    /// `host[:port]` of an absolute `http(s)` URL, lowercased; nil for anything else (`null`).
    static func authority(of url: String) -> String? {
        let lowered = url.lowercased()
        guard let scheme = lowered.range(of: "://"), ["http", "https"].contains(lowered[..<scheme.lowerBound]) else { return nil }
        let rest = lowered[scheme.upperBound...]
        let end = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
        let authority = String(rest[..<end])
        return authority.isEmpty || authority.contains("@") ? nil : authority
    }

    private static func field(_ request: Request, _ name: String) -> String? {
        HTTPField.Name(name).flatMap { request.headers[$0] }
    }
}
