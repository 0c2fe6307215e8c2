import Curl
import Foundation
import ParcelCore
import ParcelOps
import ParcelStore
import TestSupport
import Testing

@testable import ParcelServer

/// The staff console over loopback against a real SQLite store: sign-in, lockout, sessions,
/// CSRF, the queue, actions through the staff desk, escaping.
@Suite struct StaffConsoleTests {
    static let annaPassword = "anna-correct-horse"
    static let marekPassword = "marek-battery-staple"

    /// What a test works with: the server, its store, and the two cases (one long overdue,
    /// one fresh).
    struct Setup {
        var server: RunningParcelServer
        var store: Store
        var client: HTTPClient
        var overdue: Int64
        var fresh: Int64

        /// A browser without a session.
        var browser: Browser { Browser(client: client, base: server.baseURL) }
    }

    /// A store with two SEUR parcels: one damaged or lost (its carrier wrote a `<script>`
    /// status) with a case detected a week ago whose clocks all ran out, one lost with a
    /// case detected now; staff anna and marek with console passwords (bcrypt cost 4).
    static func serve(secureCookies: Bool = false, fastLimits: Bool = false, configure: (inout ServerOptions) -> Void = { _ in }) async throws -> Setup {
        let store = try await Store.sqlite(path: try temporaryDirectory("staff-console") + "/p.sqlite")
        var spanish = order("ES-1", email: "ana@example.es")
        spanish.language = "es"
        spanish.customerName = "Ana Ruiz"
        _ = try await store.write { [spanish] tx in
            try tx.shipments.importRows(
                [
                    ImportRow(line: 2, order: spanish, carrier: "seur", trackingNumber: "10000000000042"),
                    ImportRow(line: 3, order: order("PL-1"), carrier: "seur", trackingNumber: "10000000000043"),
                ],
                dryRun: false, actor: "test", at: fixtureNow)
        }
        for (number, raw, reason) in [
            ("10000000000042", "Deterioro o extravío", ExceptionReason.damagedOrLost),
            ("10000000000043", "Expedición extraviada", ExceptionReason.lost),
        ] {
            let parcel = try #require(try await store.read { try $0.shipments.shipment(carrier: "seur", trackingNumber: number) })
            _ = try await store.write(serialized: false) {
                try $0.shipments.apply(
                    TrackingUpdate(
                        shipmentID: parcel.id,
                        events: [
                            event(number, hoursAgo: 80, raw: "<script>alert(1)</script>", status: .inTransit),
                            event(number, hoursAgo: 75, raw: raw, status: .exception, reason: reason),
                        ],
                        estimatedDelivery: nil, checkedAt: fixtureNow, schedule: .standard))
            }
        }
        for (name, display, password) in [("anna", "Anna Kowalska", annaPassword), ("marek", "Marek Nowak", marekPassword)] {
            try await store.write { try $0.console.addStaff(StaffMember(name: name, displayName: display), actor: "anna", at: fixtureNow) }
            try await store.write {
                try $0.console.setStaffPassword(name: name, passwordHash: StaffPassword.hash(password, cost: 4), actor: "anna", at: fixtureNow)
            }
        }
        let planner = IncidentPlanner(config: .defaults)
        let weekAgo = fixtureNow.addingTimeInterval(-7 * 86_400)
        let overdue = try await raise(
            store, "10000000000042", kind: .damagedOrLost, plan: planner.plan(kind: .damagedOrLost, value: nil, now: weekAgo),
            at: weekAgo)
        let fresh = try await raise(store, "10000000000043", kind: .lost, plan: planner.plan(kind: .lost, value: nil, now: fixtureNow), at: fixtureNow)

        var options = ServerOptions(host: "127.0.0.1", port: 0, config: .defaults, clock: .fixed(fixtureNow))
        options.registry = try CarrierRegistry.load(directory: PackagePaths.carriers)
        options.secureCookies = secureCookies
        options.staffPasswordCost = 4
        if fastLimits { options.useFastLimits() }
        configure(&options)
        return Setup(
            server: try await RunningParcelServer.start(store: store, options: options), store: store, client: try HTTPClient(),
            overdue: overdue, fresh: fresh)
    }

    static func raise(_ store: Store, _ number: String, kind: IncidentKind, plan: IncidentPlan, at: Date) async throws -> Int64 {
        let parcel = try #require(try await store.read { try $0.shipments.shipment(carrier: "seur", trackingNumber: number) })
        let trigger = IncidentTrigger(
            kind: kind, subject: .shipment(id: parcel.id, orderId: parcel.orderId, carrier: "seur", trackingNumber: number),
            evidence: "status:exception:\(kind.rawValue)", summary: "seur \(number): \(kind.rawValue)")
        guard case .opened(let incident) = try await store.write({ try $0.cases.raise(trigger, plan: plan, at: at) }) else {
            Issue.record("no case opened for \(number)")
            return 0
        }
        return incident.id
    }

    /// A browser that keeps the console's cookie by hand and never follows redirects.
    struct Browser {
        let client: HTTPClient
        let base: String
        var cookie: String?

        init(client: HTTPClient, base: String, cookie: String? = nil) {
            self.client = client
            self.base = base
            self.cookie = cookie
        }

        func get(_ path: String) async throws -> HTTPResponse {
            var headers: HTTPHeaders = [:]
            if let cookie { headers.add(name: "Cookie", value: cookie) }
            return try await client.send(HTTPRequest(url: base + path, headers: headers, maxRedirects: 0))
        }

        func post(_ path: String, _ fields: [(String, String)], contentType: String = "application/x-www-form-urlencoded") async throws -> HTTPResponse {
            try await post(path, raw: fields.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(separator: "&"), contentType: contentType)
        }

        func post(_ path: String, raw body: String, contentType: String = "application/x-www-form-urlencoded") async throws -> HTTPResponse {
            var headers: HTTPHeaders = ["Content-Type": contentType]
            if let cookie { headers.add(name: "Cookie", value: cookie) }
            return try await client.send(HTTPRequest(url: base + path, method: "POST", headers: headers, body: Array(body.utf8), maxRedirects: 0))
        }

        /// Signs in through the form (its CSRF token and the cookie it is bound to); the browser
        /// then carries the session cookie.
        mutating func signIn(_ name: String, _ password: String) async throws -> HTTPResponse {
            let form = try await get("/staff/login")
            let token = try #require(form.text.firstMatch(of: /name="csrf" value="([0-9a-f]{64})"/), "no CSRF field on the sign-in form").1
            let formCookie = try #require(form.headers["Set-Cookie"]?.split(separator: ";").first, "no pw_signin cookie")
            let body = [("csrf", String(token)), ("name", name), ("password", password)].map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }
            let headers: HTTPHeaders = ["Content-Type": "application/x-www-form-urlencoded", "Cookie": String(formCookie)]
            let response = try await client.send(
                HTTPRequest(url: base + "/staff/login", method: "POST", headers: headers, body: Array(body.joined(separator: "&").utf8), maxRedirects: 0))
            if let value = response.headers["Set-Cookie"]?.split(separator: ";").first { cookie = String(value) }
            return response
        }

        /// The CSRF token in a page's forms.
        func csrf(on path: String) async throws -> String {
            let html = try await get(path).text
            let match = try #require(html.firstMatch(of: /name="csrf" value="([0-9a-f]{64})"/), "no CSRF field on \(path)")
            return String(match.1)
        }

        static func encode(_ text: String) -> String {
            text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? text
        }
    }

    @Test func signInSetsAnHttpOnlyStrictCookieAndStrangersAreSentToSignIn() async throws {
        let setup = try await Self.serve()
        defer { setup.server.stop() }
        var browser = setup.browser
        for path in ["/staff", "/staff/incidents/\(setup.overdue)", "/staff/search?q=ES-1", "/staff/report", "/staff/audit", "/staff/nowhere"] {
            let stranger = try await browser.get(path)
            #expect(stranger.status == 303 && stranger.headers["Location"] == "/staff/login", "\(path): \(stranger.status)")
        }
        let login = try await browser.get("/staff/login")
        #expect(login.status == 200 && login.text.contains("<html lang=\"en\">") && login.text.contains("<label for=\"password\">"))

        let signedIn = try await browser.signIn("anna", Self.annaPassword)
        #expect(signedIn.status == 303 && signedIn.headers["Location"] == "/staff")
        let cookie = try #require(signedIn.headers["Set-Cookie"])
        #expect(cookie.hasPrefix("pw_session=") && cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Path=/staff"))
        #expect(!cookie.contains("Secure"), "no TLS in front: \(cookie)")
        #expect(try #require(browser.cookie).count == "pw_session=".count + 64)
        let queue = try await browser.get("/staff")
        #expect(queue.status == 200 && queue.text.contains("Signed in as <strong>anna</strong>"))
        #expect(queue.headers["Content-Security-Policy"]?.contains("frame-ancestors 'none'") == true)
        #expect(try await browser.get("/staff/nowhere").status == 404)

        let secure = try await Self.serve(secureCookies: true)
        defer { secure.server.stop() }
        var secureBrowser = secure.browser
        let secureCookie = try #require(try await secureBrowser.signIn("anna", Self.annaPassword).headers["Set-Cookie"])
        #expect(secureCookie.contains("; Secure") && secureCookie.contains("HttpOnly") && secureCookie.contains("SameSite=Strict"))
    }

    @Test func wrongPasswordsBackTheAddressOffWithoutLockingTheMember() async throws {
        // The sign-in clock stands still: on a loaded machine the real one let the back-off run
        // out before the fourth attempt, which was then checked (a fourth failure, not a 429).
        let setup = try await Self.serve { $0.signInClock = ManualRateClock() }
        defer { setup.server.stop() }
        var browser = setup.browser
        var bodies: Set<String> = []
        for attempt in 1...3 {
            let wrong = try await browser.signIn("anna", "wrong-password-\(attempt)")
            #expect(wrong.status == 401 && !(wrong.headers["Set-Cookie"] ?? "").contains("pw_session"))
            bodies.insert(wrong.text.replacing(/name="csrf" value="[0-9a-f]{64}"/, with: ""))
        }
        #expect(bodies.count == 1, "every refusal reads the same (but for each form's own token)")
        // The address now waits before it may try anna again (see SignInHardeningTests for the rest).
        let waiting = try await browser.signIn("anna", Self.annaPassword)
        #expect(waiting.status == 429 && Int(waiting.headers["Retry-After"] ?? "") ?? 0 >= 1)
        let credentials = try #require(try await setup.store.read { try $0.console.staffCredentials(name: "anna") })
        #expect(credentials.lockedUntil == nil && credentials.failedSignIns == 3)
        #expect(
            try await setup.store.read { try $0.console.auditLog(limit: 20) }.filter { $0.action == "console.signInFailed" }.allSatisfy {
                $0.actor == "client:127.0.0.1" && $0.subject == "staff:anna"
            })
        // Another member is not affected.
        var other = setup.browser
        #expect(try await other.signIn("marek", Self.marekPassword).status == 303)
    }

    @Test func guessingNamesFromOneAddressRunsIntoTheLimit() async throws {
        // A sign-in clock that stands still and an address allowance that all but never refills
        // (one token in 1,000 s): on a loaded machine ten sign-ins took long enough for real
        // time to refill both, and the guesses were checked again (CI saw nine 401s, one 429).
        let setup = try await Self.serve(fastLimits: true) { options in
            options.signInClock = ManualRateClock()
            options.limits.perSecond = 0.001
        }
        defer { setup.server.stop() }
        var browser = setup.browser
        var statuses: [Int] = []
        var retryAfter: String?
        for guess in 0..<10 {
            let response = try await browser.signIn("guess\(guess)", "password-\(guess)")
            statuses.append(response.status)
            if response.status == 429 { retryAfter = response.headers["Retry-After"] }
        }
        #expect(statuses.prefix(3) == [401, 401, 401] && statuses.suffix(2) == [429, 429], "\(statuses)")
        #expect(Int(retryAfter ?? "") ?? 0 >= 1)
        // Unknown names from one address are one audit entry counting the checked attempts.
        let audited = try await setup.store.read { try $0.console.auditLog(limit: 50) }.filter { $0.action == "console.signInFailed" }
        #expect(audited.count == 1 && audited.first?.detail.hasPrefix("\(statuses.filter { $0 == 401 }.count) failed sign-in(s)") == true, "\(audited)")
    }

    @Test func anUnknownMemberReadsExactlyLikeAWrongPassword() async throws {
        let setup = try await Self.serve()
        defer { setup.server.stop() }
        var browser = setup.browser
        let wrong = try await browser.signIn("anna", "not-annas-password")
        let unknown = try await browser.signIn("zbigniew", "not-annas-password")
        let empty = try await browser.signIn("", "")
        #expect(wrong.status == 401 && unknown.status == 401 && empty.status == 401)
        // The form shows back the name typed, and each browser has its own CSRF token; apart from them the pages are identical.
        let tokenless = /name="csrf" value="[0-9a-f]{64}"/
        #expect(
            wrong.text.replacingOccurrences(of: "value=\"anna\"", with: "value=\"\"").replacing(tokenless, with: "")
                == unknown.text.replacingOccurrences(of: "value=\"zbigniew\"", with: "value=\"\"").replacing(tokenless, with: ""))
        #expect(wrong.headers["Set-Cookie"] == nil && unknown.headers["Set-Cookie"] == nil)
        // The name typed is not kept: it is often a password typed in the wrong field.
        let audit = try await setup.store.read { try $0.console.auditLog(limit: 10) }
        #expect(audit.contains { $0.action == "console.signInFailed" && $0.actor == "client:127.0.0.1" && $0.subject == "signin:127.0.0.1" })
        #expect(!audit.contains { $0.actor.contains("zbigniew") || $0.detail.contains("zbigniew") })
    }

    @Test func theQueueListsCasesByDeadlineWithBreachMarkersAndFilters() async throws {
        let setup = try await Self.serve()
        defer { setup.server.stop() }
        var browser = setup.browser
        _ = try await browser.signIn("marek", Self.marekPassword)
        let html = try await browser.get("/staff").text
        let overdueRow = try #require(html.range(of: "<tr id=\"case-\(setup.overdue)\" class=\"breach\">"), "the overdue case is marked")
        let freshRow = try #require(html.range(of: "<tr id=\"case-\(setup.fresh)\">"), "the fresh case is not")
        #expect(overdueRow.lowerBound < freshRow.lowerBound, "the earliest deadline comes first")
        #expect(html.contains("Overdue: customer notice, first touch, resolution"))
        #expect(html.contains("2 case(s); 1 with a deadline passed"))

        let lost = try await browser.get("/staff?kind=lost").text
        #expect(lost.contains("case-\(setup.fresh)") && !lost.contains("case-\(setup.overdue)\""))
        #expect(lost.contains("<option value=\"lost\" selected>"))
        let owned = try await setup.store.read { try $0.cases.incident(id: setup.fresh) }?.owner
        let byOwner = try await browser.get("/staff?owner=\(owned ?? "nobody")").text
        #expect(byOwner.contains("case-\(setup.fresh)"))
        let bad = try await browser.get("/staff?kind=%3Cscript%3E")
        #expect(bad.status == 400 && bad.text.contains("kind &#39;&lt;script&gt;&#39; is not one of"))
    }

    @Test func aMemberResolvesACaseAndTheAuditLogNamesThem() async throws {
        let setup = try await Self.serve()
        defer { setup.server.stop() }
        var browser = setup.browser
        _ = try await browser.signIn("marek", Self.marekPassword)
        let path = "/staff/incidents/\(setup.overdue)"
        let csrf = try await browser.csrf(on: path)

        let refund = try await browser.post(path + "/refund", [("csrf", csrf), ("amount", "59.90")])
        #expect(refund.status == 303 && refund.headers["Location"] == path)
        let action = try #require(try await setup.store.read { try $0.actions.actions(incidentId: setup.overdue, states: []) }.first)
        #expect(action.kind == .refund && action.requestedBy == "marek" && action.amount == Money(minorUnits: 5990, currency: "PLN"))

        let badAmount = try await browser.post(path + "/compensate", [("csrf", csrf), ("amount", "lots")])
        #expect(badAmount.status == 400 && badAmount.text.contains("&#39;lots&#39; is not an amount such as 25.00"))
        let badNumber = try await browser.post(path + "/reship", [("csrf", csrf), ("carrier", "poczta-polska"), ("tracking", "RR123456784PL")])
        #expect(badNumber.status == 400 && badNumber.text.contains("check digit expected 5, got 4"))
        #expect(try await setup.store.read { try $0.actions.actions(incidentId: setup.overdue, states: []) }.count == 1, "a refused reship asks for nothing")

        let resolved = try await browser.post(path + "/resolve", [("csrf", csrf), ("outcome", "refunded 59.90 PLN; customer thanked us")])
        #expect(resolved.status == 303 && resolved.headers["Location"] == path)
        #expect(try await setup.store.read { try $0.cases.incident(id: setup.overdue) }?.status == .resolved)
        let entry = try #require(try await setup.store.read { try $0.console.auditLog(limit: 5, subject: "incident:\(setup.overdue)") }.first)
        #expect(entry.actor == "marek" && entry.action == "incident.resolved" && entry.detail == "refunded 59.90 PLN; customer thanked us")
        // The same desk as the CLI: the customer's "resolved" notice is queued with it.
        #expect(
            try await setup.store.read { try $0.outbox.notices(.all, limit: 20) }.contains { $0.template == "resolved" && $0.recipient == "ana@example.es" })

        let page = try await browser.get(path)
        #expect(page.text.contains("refunded 59.90 PLN; customer thanked us") && page.text.contains("This case is closed"))
        let again = try await browser.post(path + "/dismiss", [("csrf", csrf), ("reason", "oops")])
        #expect(again.status == 409 && again.text.contains("role=\"alert\"") && again.text.contains("already resolved"))
        let emptyNote = try await browser.post(path + "/note", [("csrf", csrf), ("text", "  ")])
        #expect(emptyNote.status == 400 && emptyNote.text.contains("the note must not be empty"))
        #expect(try await browser.post("/staff/incidents/999999/note", [("csrf", csrf), ("text", "x")]).status == 404)
    }

    @Test func actionsThatWouldChangeNothingAreRefusedOnTheCasePageAndWriteNothing() async throws {
        let setup = try await Self.serve()
        defer { setup.server.stop() }
        var browser = setup.browser
        _ = try await browser.signIn("marek", Self.marekPassword)
        let path = "/staff/incidents/\(setup.fresh)"
        let csrf = try await browser.csrf(on: path)
        let owner = try #require(try await setup.store.read { try $0.cases.incident(id: setup.fresh) }?.owner)
        let history = try await setup.store.read { try $0.cases.incidentHistory(id: setup.fresh) }
        let audit = try await setup.store.read { try $0.console.auditLog(limit: 100) }.filter { !$0.action.hasPrefix("console.") }

        let same = try await browser.post(path + "/assign", [("csrf", csrf), ("to", owner)])
        #expect(same.status == 409 && same.text.contains("role=\"alert\""), "\(same.status)")
        #expect(same.text.contains("incident \(setup.fresh) is already assigned to \(owner); nothing was changed"))
        let blank = try await browser.post(path + "/note", [("csrf", csrf), ("text", " \n ")])
        #expect(blank.status == 400 && blank.text.contains("the note must not be empty; nothing was changed"))
        let approve = try await browser.post(path + "/approve", [("csrf", csrf)])
        #expect(approve.status == 409 && approve.text.contains("incident \(setup.fresh) has no proposed action to approve; nothing was changed"))
        #expect(try await setup.store.read { try $0.cases.incidentHistory(id: setup.fresh) } == history)
        #expect(try await setup.store.read { try $0.console.auditLog(limit: 100) }.filter { !$0.action.hasPrefix("console.") } == audit)

        // A claim once is an action; the same claim again, or approving it, changes nothing.
        #expect(try await browser.post(path + "/claim", [("csrf", csrf)]).status == 303)
        let written = try await setup.store.read { try $0.console.auditLog(limit: 100) }.filter { !$0.action.hasPrefix("console.") }
        let claimAgain = try await browser.post(path + "/claim", [("csrf", csrf)])
        #expect(
            claimAgain.status == 409
                && claimAgain.text.contains(
                    "incident \(setup.fresh): the carrier claim is already requested and waiting for the shop&#39;s backend; nothing was changed")
        )
        let approveClaim = try await browser.post(path + "/approve", [("csrf", csrf)])
        #expect(approveClaim.status == 409 && approveClaim.text.contains("no proposed action to approve: the carrier claim is already requested"))
        #expect(try await setup.store.read { try $0.console.auditLog(limit: 100) }.filter { !$0.action.hasPrefix("console.") } == written)
        #expect(try await setup.store.read { try $0.actions.actions(incidentId: setup.fresh, states: []) }.count == 1)
    }

    @Test func aPostWithoutTheSessionsCSRFTokenIsRefusedAndChangesNothing() async throws {
        let setup = try await Self.serve()
        defer { setup.server.stop() }
        var browser = setup.browser
        _ = try await browser.signIn("anna", Self.annaPassword)
        let path = "/staff/incidents/\(setup.fresh)"
        let csrf = try await browser.csrf(on: path)
        let history = try await setup.store.read { try $0.cases.incidentHistory(id: setup.fresh) }
        let audit = try await setup.store.read { try $0.console.auditLog(limit: 100) }

        let missing = try await browser.post(path + "/resolve", [("outcome", "forged")])
        let wrong = try await browser.post(path + "/resolve", [("csrf", String(repeating: "0", count: 64)), ("outcome", "forged")])
        var mallory = setup.browser
        _ = try await mallory.signIn("marek", Self.marekPassword)
        let otherSessions = try await mallory.csrf(on: path)
        let foreign = try await browser.post(path + "/resolve", [("csrf", otherSessions), ("outcome", "forged")])
        let twice = try await browser.post(path + "/note", raw: "csrf=\(csrf)&csrf=\(csrf)&text=x")
        let malformed = try await browser.post(path + "/note", raw: "csrf=\(csrf)&text=%zz")
        let json = try await browser.post(path + "/note", raw: "{\"csrf\":\"\(csrf)\",\"text\":\"x\"}", contentType: "application/json")
        let logout = try await browser.post("/staff/logout", [("csrf", "nope")])
        let statuses: [Int] = [missing.status, wrong.status, foreign.status, logout.status]
        #expect(statuses == [403, 403, 403, 403])
        #expect(twice.status == 400 && malformed.status == 400 && json.status == 415)
        #expect(try await setup.store.read { try $0.cases.incident(id: setup.fresh) }?.status.isClosed == false)
        #expect(try await setup.store.read { try $0.cases.incidentHistory(id: setup.fresh) } == history)
        #expect(
            try await setup.store.read { try $0.console.auditLog(limit: 100) }.filter { !$0.action.hasPrefix("console.") }
                == audit.filter { !$0.action.hasPrefix("console.") })
        #expect(try await browser.get("/staff").status == 200, "the refused sign-out left the session alone")
        // With the token it works.
        #expect(try await browser.post(path + "/note", [("csrf", csrf), ("text", "called SEUR")]).status == 303)
    }

    @Test func carrierTextIsEscapedOnTheCasePage() async throws {
        let setup = try await Self.serve()
        defer { setup.server.stop() }
        var browser = setup.browser
        _ = try await browser.signIn("anna", Self.annaPassword)
        let page = try await browser.get("/staff/incidents/\(setup.overdue)")
        #expect(page.status == 200)
        #expect(page.text.contains("&lt;script&gt;alert(1)&lt;/script&gt;") && !page.text.contains("<script>"))
        #expect(page.text.contains("Carrier timeline") && page.text.contains("Case history") && page.text.contains("Ana Ruiz"))
        for form in ["assign", "note", "refund", "reship", "compensate", "claim", "resolve", "dismiss"] {
            #expect(page.text.contains("action=\"/staff/incidents/\(setup.overdue)/\(form)\""), "no \(form) form")
        }
        let search = try await browser.get("/staff/search?q=ES-1")
        #expect(search.status == 200 && search.text.contains("Ana Ruiz") && search.text.contains("/staff/incidents/\(setup.overdue)"))
        let report = try await browser.get("/staff/report?since=2026-11-01")
        #expect(report.status == 200 && report.text.contains("All carriers") && report.text.contains("SEUR"))
        #expect(
            report.text.contains("<th scope=\"col\" class=\"num\">Late, not delivered</th>") && report.text.contains("id=\"on-time-definition\"")
                && report.text.contains("a promise for today is not late yet"))
        #expect(try await browser.get("/staff/report?since=yesterday").status == 400)
        let audit = try await browser.get("/staff/audit")
        #expect(audit.status == 200 && audit.text.contains("console.signIn"))
    }

    @Test func signingOutEndsTheSession() async throws {
        let setup = try await Self.serve()
        defer { setup.server.stop() }
        var browser = setup.browser
        _ = try await browser.signIn("anna", Self.annaPassword)
        let csrf = try await browser.csrf(on: "/staff")
        let out = try await browser.post("/staff/logout", [("csrf", csrf)])
        #expect(out.status == 303 && out.headers["Location"] == "/staff/login")
        #expect(out.headers["Set-Cookie"]?.contains("Max-Age=0") == true)
        // The old cookie signs no one in any more, for pages or forms.
        let after = try await browser.get("/staff")
        #expect(after.status == 303 && after.headers["Location"] == "/staff/login")
        let form = try await browser.post("/staff/incidents/\(setup.fresh)/note", [("csrf", csrf), ("text", "after sign-out")])
        #expect(form.status == 303 && form.headers["Location"] == "/staff/login")
        #expect(try await setup.store.read { try $0.cases.incidentHistory(id: setup.fresh) }.allSatisfy { $0.detail != "after sign-out" })
    }
}

extension HTTPResponse {
    /// The body as UTF-8 text.
    var text: String { String(decoding: body, as: UTF8.self) }
}
