import Curl
import Foundation
import ParcelCore
import ParcelOps
import ParcelStore
import TestSupport
import Testing

@testable import ParcelServer

/// Issue 16, finding 7: who may read `/metrics`, query strings and path parameters decoded as
/// browsers send them, HEAD on GET routes, duplicate JSON keys in the shop API, and console
/// POSTs checked by their origin with a CSRF token on the sign-in form.
@Suite struct ServerProtocolTests {
    // MARK: /metrics

    @Test func metricsNeedTheBearerTokenWhenOneIsSet() async throws {
        let setup = try await StaffConsoleTests.serve(fastLimits: true) { $0.metricsToken = "metrics-secret-0123456789" }
        defer { setup.server.stop() }
        let port = setup.server.port
        let none = try await BoundHTTP.request(port: port, from: "127.0.0.6", "GET", "/metrics")
        let wrong = try await BoundHTTP.request(
            port: port, from: "127.0.0.6", "GET", "/metrics", headers: [("Authorization", "Bearer metrics-secret-0123456788")])
        let right = try await BoundHTTP.request(
            port: port, from: "127.0.0.6", "GET", "/metrics", headers: [("Authorization", "Bearer metrics-secret-0123456789")])
        #expect(none.status == 401 && wrong.status == 401 && none.header("WWW-Authenticate")?.hasPrefix("Bearer") == true)
        #expect(!wrong.text.contains("metrics-secret"), "the token is never echoed")
        #expect(right.status == 200 && right.text.contains("parcelwatch_incidents_open"))
        #expect(try await BoundHTTP.request(port: port, from: "127.0.0.6", "GET", "/healthz").status == 200, "/healthz stays open")
    }

    @Test func withoutATokenMetricsAnswerLoopbackClientsOnly() async throws {
        for address in ["127.0.0.1", "127.9.8.7", "::1", "::ffff:127.0.0.1"] { #expect(MetricsAccess.isLoopback(address), "\(address)") }
        for address in ["10.0.0.1", "192.168.1.127", "::ffff:10.0.0.1", "2001:db8::1", "unknown", "1.127.0.0"] {
            #expect(!MetricsAccess.isLoopback(address), "\(address)")
        }
        let setup = try await StaffConsoleTests.serve()
        defer { setup.server.stop() }
        #expect(try await BoundHTTP.request(port: setup.server.port, from: "127.0.0.7", "GET", "/metrics").status == 200)
    }

    // MARK: Decoding

    @Test func queryStringsAndPathParametersDecodeAsBrowsersEncode() async throws {
        let setup = try await StaffConsoleTests.serve { $0.limits.burst = 1000 }
        defer { setup.server.stop() }
        let base = setup.server.baseURL
        func get(_ path: String) async throws -> Curl.HTTPResponse { try await setup.client.send(HTTPRequest(url: base + path, maxRedirects: 0)) }
        // A percent-encoded tracking number in the path, `+` and `%40` in the query.
        #expect(try await get("/api/track/1000000000004%32?email=ana%40example.es").status == 200)
        let page = try await get("/track?number=10000000000042&email=ana%40example.es")
        #expect(page.status == 200)
        var browser = setup.browser
        _ = try await browser.signIn("anna", StaffConsoleTests.annaPassword)
        let search = try await browser.get("/staff/search?q=Ana+Ruiz")
        #expect(search.status == 200 && String(decoding: search.body, as: UTF8.self).contains("/staff/incidents/\(setup.overdue)"), "a + is a space")
        // Escapes that decode to nothing sensible are a 400, never a lookup.
        let badQuery = try await get("/api/track/10000000000042?email=%zz")
        #expect(badQuery.status == 400 && String(decoding: badQuery.body, as: UTF8.self).contains("the query string has a '%' not followed by two hex digits"))
        #expect(try await get("/api/track/%E0%A4?email=a%40b.c").status == 400, "not UTF-8")
        #expect(try await get("/api/track/100%0A42?email=a%40b.c").status == 400, "a control character")
        #expect(try await get("/track?number=1%2").status == 400)
        #expect(try await browser.get("/staff/search?q=%ff").status == 400)
    }

    @Test func headAnswersEveryGetRouteWithTheSameStatusAndHeadersAndNoBody() async throws {
        let setup = try await StaffConsoleTests.serve { $0.limits.burst = 1000 }
        defer { setup.server.stop() }
        let paths = [
            "/healthz", "/track", "/staff/login", "/staff", "/api/track/10000000000042?email=ana%40example.es", "/metrics", "/",
            "/api/track/%zz?email=a", "/nowhere",
        ]
        for path in paths {
            let get = try await BoundHTTP.request(port: setup.server.port, from: "127.0.0.8", "GET", path)
            let head = try await BoundHTTP.request(port: setup.server.port, from: "127.0.0.8", "HEAD", path)
            #expect(head.status == get.status, "\(path): HEAD \(head.status), GET \(get.status)")
            #expect(head.body.isEmpty, "\(path): HEAD has a body")
            // (The metrics count this very request, so their length may differ by a digit.)
            for name in ["Content-Type", "Content-Length", "Cache-Control", "Location"] where name != "Content-Length" || path != "/metrics" {
                #expect(head.header(name) == get.header(name), "\(path): \(name)")
            }
        }
    }

    // MARK: Shop API JSON

    @Test func shopJSONWithADuplicateKeyIsRefusedNamingTheKey() async throws {
        let (server, store, client, token) = try await ShopAPITests.serve()
        defer { server.stop() }
        let row = """
            {"order_id": "API-9", "customer_name": "Ana Ruiz", "email": "ana@example.es", "language": "es", "postcode": "28001",
             "value": "49.90", "currency": "EUR", "promised_date": "2026-11-26", "paid_at": "2026-11-19T10:00:00Z",
             "carrier": "correos", "tracking_number": "CP482915304ES", "email": "mallory@example.com"}
            """
        let duplicate = try await ShopAPITests.send(client, "POST", server.baseURL + "/api/orders", token: token, row)
        #expect(duplicate.status == 400 && String(decoding: duplicate.body, as: UTF8.self).contains("\\\"email\\\" appears twice"), "\(duplicate.status)")
        let cased = row.replacingOccurrences(of: "\"email\": \"mallory@example.com\"", with: "\"EMAIL\": \"mallory@example.com\"")
        #expect(try await ShopAPITests.send(client, "POST", server.baseURL + "/api/orders", token: token, cased).status == 400, "keys are case-insensitive")
        #expect(try await store.read { try $0.shipments.order(id: "API-9") } == nil)
        // Carrier answers keep their tolerant reading: the last duplicate wins.
        #expect(try JSONValue.parse(Array(#"{"a": 1, "a": 2}"#.utf8)) == .object(["a": .integer(2)]))
        let error = #expect(throws: JSONParseError.self) {
            try JSONValue.parse(Array(#"[1, 2, {"a": 1, "b": {"a": 3}, "a": 2}]"#.utf8), duplicateKeys: .refused)
        }
        #expect(error?.offset == 7 && error?.reason == .duplicateKey("a") && error?.description == "the key \"a\" appears twice in the object at byte 7")
    }

    // MARK: Origin and CSRF

    @Test func consolePostsFromAnotherSiteAndSignInsWithoutTheFormsTokenAreRefused() async throws {
        let setup = try await StaffConsoleTests.serve()
        defer { setup.server.stop() }
        let port = setup.server.port
        let form = try await SignInHardeningTests.formToken(setup)
        func signIn(_ headers: [(String, String)], csrf: String? = nil) async throws -> Int {
            let body = "csrf=\(csrf ?? form.csrf)&name=anna&password=\(StaffConsoleTests.annaPassword)"
            return try await BoundHTTP.request(
                port: port, from: "127.0.0.9", "POST", "/staff/login",
                headers: [("Content-Type", "application/x-www-form-urlencoded"), ("Cookie", form.cookie)] + headers, body: body
            ).status
        }
        let own = "http://127.0.0.1:\(port)"
        #expect(try await signIn([("Origin", "https://evil.example")]) == 403)
        #expect(try await signIn([("Origin", "null")]) == 403)
        #expect(try await signIn([("Sec-Fetch-Site", "cross-site"), ("Origin", own)]) == 403)
        #expect(try await signIn([("Referer", "https://evil.example/page")]) == 403)
        #expect(try await signIn([], csrf: String(repeating: "0", count: 64)) == 403, "a token not bound to the cookie")
        let noCookie = try await BoundHTTP.request(
            port: port, from: "127.0.0.9", "POST", "/staff/login", headers: [("Content-Type", "application/x-www-form-urlencoded")],
            body: "csrf=\(form.csrf)&name=anna&password=\(StaffConsoleTests.annaPassword)")
        #expect(noCookie.status == 403 && noCookie.header("Set-Cookie")?.hasPrefix("pw_signin=") == true, "a fresh form to try again")
        #expect(
            try await setup.store.read { try $0.console.auditLog(limit: 20) }.allSatisfy { !$0.action.hasPrefix("console.signIn") }, "refused before any check")
        // A browser's own form: Sec-Fetch-Site same-origin (its Origin may then be anything, even null).
        let signedIn = try await BoundHTTP.request(
            port: port, from: "127.0.0.9", "POST", "/staff/login",
            headers: [("Content-Type", "application/x-www-form-urlencoded"), ("Cookie", form.cookie), ("Sec-Fetch-Site", "same-origin"), ("Origin", own)],
            body: "csrf=\(form.csrf)&name=anna&password=\(StaffConsoleTests.annaPassword)")
        #expect(signedIn.status == 303)
        let session = try #require(signedIn.header("Set-Cookie")?.split(separator: ";").first.map(String.init))

        // A signed-in member's forms: the session's token is not enough from another site.
        let browser = StaffConsoleTests.Browser(client: setup.client, base: setup.server.baseURL, cookie: session)
        let path = "/staff/incidents/\(setup.fresh)"
        let csrf = try await browser.csrf(on: path)
        let history = try await setup.store.read { try $0.cases.incidentHistory(id: setup.fresh) }
        for headers in [[("Origin", "https://evil.example")], [("Sec-Fetch-Site", "same-site")], [("Referer", "http://127.0.0.1:1/x")]] {
            let forged = try await BoundHTTP.request(
                port: port, from: "127.0.0.9", "POST", path + "/note",
                headers: [("Content-Type", "application/x-www-form-urlencoded"), ("Cookie", session)] + headers, body: "csrf=\(csrf)&text=forged")
            #expect(forged.status == 403, "\(headers)")
        }
        #expect(try await setup.store.read { try $0.cases.incidentHistory(id: setup.fresh) } == history, "nothing changed")
        let own1 = try await BoundHTTP.request(
            port: port, from: "127.0.0.9", "POST", path + "/note",
            headers: [("Content-Type", "application/x-www-form-urlencoded"), ("Cookie", session), ("Origin", own), ("Referer", own + path)],
            body: "csrf=\(csrf)&text=from+the+console")
        #expect(own1.status == 303)
        #expect(try await setup.store.read { try $0.cases.incidentHistory(id: setup.fresh) }.contains { $0.detail.contains("from the console") })
        // Console pages let the browser send a real Origin with their forms.
        #expect(try await browser.get(path).headers["Referrer-Policy"] == "same-origin")
    }
}
