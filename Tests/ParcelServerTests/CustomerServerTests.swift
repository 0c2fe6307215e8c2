import Curl
import Foundation
import ParcelCore
import ParcelOps
import ParcelServer
import ParcelStore
import TestSupport
import Testing

/// The customer API and page over loopback, against a real SQLite store: privacy, the miss
/// limits, languages, escaping, reports, metrics.
@Suite struct CustomerServerTests {
    static let number = "10000000000042"

    /// A store with one Spanish order whose parcel is damaged (a case with a staff note on it),
    /// one Polish order, and a server over it with limits fast enough for tests.
    static func serve(burst: Double = 10, perSecond: Double = 0.5) async throws -> (RunningParcelServer, Store, HTTPClient) {
        let store = try await Store.sqlite(path: try temporaryDirectory("serve") + "/p.sqlite")
        var spanish = order("ES-1", email: "ana@example.es")
        spanish.language = "es"
        spanish.postcode = "28001"
        spanish.promisedDate = "2026-11-24"
        var polish = order("PL-1", email: "jan@example.pl")
        polish.postcode = "00-950"
        _ = try await store.write { [polish, spanish] tx in
            try tx.shipments.importRows(
                [
                    ImportRow(line: 2, order: spanish, carrier: "seur", trackingNumber: number),
                    ImportRow(line: 3, order: polish, carrier: "seur", trackingNumber: "10000000000043"),
                ],
                dryRun: false, actor: "test", at: fixtureNow)
        }
        let parcel = try #require(try await store.read { try $0.shipments.shipment(carrier: "seur", trackingNumber: number) })
        _ = try await store.write(serialized: false) {
            try $0.shipments.apply(
                TrackingUpdate(
                    shipmentID: parcel.id,
                    events: [
                        event(number, hoursAgo: 30, raw: "<script>alert(1)</script>", status: .inTransit),
                        event(number, hoursAgo: 2, raw: "Deterioro o extravío", status: .exception, reason: .damagedOrLost),
                    ],
                    estimatedDelivery: nil, checkedAt: fixtureNow, schedule: .standard))
        }
        try await store.write { try $0.console.addStaff(StaffMember(name: "anna", displayName: "Anna Kowalska"), actor: "test", at: fixtureNow) }
        let registry = try CarrierRegistry.load(directory: PackagePaths.carriers)
        _ = try await IncidentEngine(store: store, config: .defaults, registry: registry, templates: try NoticeTemplates()).run(now: fixtureNow)
        let incident = try #require(try await store.read { try $0.cases.incidents(IncidentFilter(kinds: [.damagedOrLost])) }.first)
        _ = try await store.write {
            try $0.cases.act(.note("customer is a VIP-secret-note, call supplier Zeta"), on: incident.id, actor: "anna", at: fixtureNow)
        }
        var options = ServerOptions(host: "127.0.0.1", port: 0, config: .defaults, clock: .fixed(fixtureNow))
        options.registry = try CarrierRegistry.load(directory: PackagePaths.carriers)
        options.useFastLimits(burst: burst, perSecond: perSecond)
        return (try await RunningParcelServer.start(store: store, options: options), store, try HTTPClient())
    }

    static func get(_ client: HTTPClient, _ url: String, language: String? = nil) async throws -> HTTPResponse {
        try await client.send(HTTPRequest(url: url, headers: language.map { ["Accept-Language": $0] } ?? [:]))
    }

    @Test func aCustomerSeesTheirParcelAndNothingElse() async throws {
        let (server, _, client) = try await Self.serve()
        defer { server.stop() }
        let found = try await Self.get(client, server.baseURL + "/api/track/\(Self.number)?postcode=28001")
        #expect(found.status == 200 && found.headers["Content-Language"] == "es")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(found.body)) as? [String: Any])
        #expect(Set(json.keys) == ["trackingNumber", "carrier", "status", "reason", "promisedDate", "events", "incident", "order", "estimate"])
        #expect(json["status"] as? String == "exception" && (json["events"] as? [Any])?.count == 2)
        // The order as it stands: its one parcel, and the replacement the shop's policy already asked for.
        let story = try #require(json["order"] as? [String: Any])
        #expect((story["parcels"] as? [[String: Any]])?.map { $0["trackingNumber"] as? String } == [Self.number])
        #expect((story["shop"] as? [[String: Any]])?.map { "\($0["kind"] ?? "")/\($0["state"] ?? "")" } == ["reship/pending"])
        let text = String(decoding: found.body, as: UTF8.self)
        for secret in ["anna", "Anna", "VIP-secret-note", "Zeta", "ana@example.es", "28001", "PL-1", "jan@example.pl"] {
            #expect(!text.contains(secret), "the API leaked \(secret)")
        }
        // The e-mail proves it too, in any case; `28 001` is the same postcode.
        #expect(try await Self.get(client, server.baseURL + "/api/track/\(Self.number)?email=ANA@example.es").status == 200)
        #expect(try await Self.get(client, server.baseURL + "/api/track/\(Self.number)?postcode=28%20001").status == 200)
    }

    @Test func aWrongPostcodeReadsExactlyLikeAnUnknownNumber() async throws {
        let (server, _, client) = try await Self.serve()
        defer { server.stop() }
        let wrong = try await Self.get(client, server.baseURL + "/api/track/\(Self.number)?postcode=28002")
        let unknown = try await Self.get(client, server.baseURL + "/api/track/19999999999999?postcode=28002")
        let otherCustomers = try await Self.get(client, server.baseURL + "/api/track/10000000000043?postcode=28001")
        #expect(wrong.status == 404 && unknown.status == 404 && otherCustomers.status == 404)
        #expect(wrong.body == unknown.body && unknown.body == otherCustomers.body)
        #expect(try await Self.get(client, server.baseURL + "/api/track/\(Self.number)").status == 400)
    }

    @Test func repeatedMissesSlowDownThenAre429WithRetryAfter() async throws {
        let (server, _, client) = try await Self.serve(burst: 10, perSecond: 0.2)
        defer { server.stop() }
        var statuses: [Int] = []
        var retryAfter: String?
        let started = ContinuousClock.now
        for index in 0..<12 {
            let response = try await Self.get(client, server.baseURL + "/api/track/1999999999990\(index % 10)?postcode=00000")
            statuses.append(response.status)
            if response.status == 429 { retryAfter = response.headers["Retry-After"] }
        }
        // Three free misses, then each costs more: the scan is cut off well before twelve tries.
        #expect(statuses.prefix(3) == [404, 404, 404])
        #expect(statuses.contains(429) && statuses.suffix(3) == [429, 429, 429], "\(statuses)")
        #expect(Int(retryAfter ?? "") ?? 0 >= 1)
        // The misses after the free ones were held back (20 ms doubling in tests).
        #expect(ContinuousClock.now - started >= .milliseconds(60))
        // The same client is refused even for a real parcel until its bucket refills.
        #expect(try await Self.get(client, server.baseURL + "/api/track/\(Self.number)?postcode=28001").status == 429)
    }

    @Test func thePageSpeaksTheOrdersLanguageElseTheBrowsersAndEscapesCarrierText() async throws {
        let (server, _, client) = try await Self.serve()
        defer { server.stop() }
        let page = try await Self.get(client, server.baseURL + "/track?number=\(Self.number)&postcode=28001", language: "pl")
        let html = String(decoding: page.body, as: UTF8.self)
        #expect(page.status == 200 && page.headers["Content-Type"]?.hasPrefix("text/html") == true)
        #expect(html.contains("<html lang=\"es\">") && html.contains("Siga su envío") && html.contains("Historial de seguimiento"))
        #expect(html.contains("24/11/2026"), "the promised date in Spanish form")
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;") && !html.contains("<script>"))
        #expect(!html.contains("VIP-secret-note") && !html.contains("Anna"))
        // Not found: the browser's language; nothing about the order.
        let missing = try await Self.get(client, server.baseURL + "/track?number=\(Self.number)&postcode=99999", language: "pl-PL,pl;q=0.9,en;q=0.5")
        let missingHTML = String(decoding: missing.body, as: UTF8.self)
        #expect(missing.status == 404 && missingHTML.contains("<html lang=\"pl\">") && missingHTML.contains("Śledź swoją przesyłkę"))
        #expect(missingHTML.contains("<label for=\"postcode\">") && missingHTML.contains("role=\"alert\""))
        let form = try await Self.get(client, server.baseURL + "/track", language: "lt")
        #expect(String(decoding: form.body, as: UTF8.self).contains("<html lang=\"lt\">"))
        let english = try await Self.get(client, server.baseURL + "/track", language: "de-DE")
        #expect(String(decoding: english.body, as: UTF8.self).contains("Track your parcel"))
    }

    @Test func aReportOpensACaseAndAWrongPostcodeIsNotFound() async throws {
        let (server, store, client) = try await Self.serve()
        defer { server.stop() }
        let body = Array(#"{"postcode":"00-950","problem":"notReceived","message":"neighbour has nothing"}"#.utf8)
        let answer = try await client.send(
            HTTPRequest(
                url: server.baseURL + "/api/track/10000000000043/report", method: "POST",
                headers: ["Content-Type": "application/json"], body: body))
        #expect(answer.status == 202)
        let receipt = try JSONDecoder().decode(CustomerReportReceipt.self, from: Data(answer.body))
        #expect(receipt.reported && !receipt.nextUpdateBy.isEmpty)
        #expect(try await store.read { try $0.cases.incident(id: receipt.incident) }?.kind == .customerReport)
        let wrong = try await client.send(
            HTTPRequest(
                url: server.baseURL + "/api/track/10000000000043/report", method: "POST",
                body: Array(#"{"postcode":"28001","problem":"notReceived"}"#.utf8)))
        #expect(wrong.status == 404)
        let garbage = try await client.send(HTTPRequest(url: server.baseURL + "/api/track/10000000000043/report", method: "POST", body: Array("{".utf8)))
        #expect(garbage.status == 400)
    }

    @Test func metricsAndHealth() async throws {
        let (server, store, client) = try await Self.serve()
        defer { server.stop() }
        // Sweeps on any machine spent 3 of DHL's 250 requests today: /metrics reads it from the store.
        let windows = QuotaWindow.windows(for: CarrierDefinition.Limits(concurrency: 1, perSecond: 1, burst: 1, perDay: 250), at: fixtureNow)
        for _ in 0..<3 { #expect(try await store.write { try $0.shipments.takeQuota(carrier: "dhl", windows: windows) }) }
        #expect(try await Self.get(client, server.baseURL + "/healthz").status == 200)
        _ = try await Self.get(client, server.baseURL + "/api/track/\(Self.number)?postcode=28001")
        let metrics = String(decoding: try await Self.get(client, server.baseURL + "/metrics").body, as: UTF8.self)
        #expect(metrics.contains("parcelwatch_incidents_open{kind=\"damagedOrLost\"} 1"))
        #expect(metrics.contains("parcelwatch_outbox_backlog"))
        #expect(metrics.contains("parcelwatch_http_requests_total{route=\"/api/track/{number}\",status=\"200\"} 1"))
        #expect(metrics.contains("# HELP parcelwatch_sla_breaches_open"))
        #expect(metrics.contains("parcelwatch_carrier_quota_used{carrier=\"dhl\",window=\"day\"} 3"), "\(metrics)")
        #expect(metrics.contains("parcelwatch_carrier_quota_limit{carrier=\"dhl\",window=\"day\"} 250"))
    }
}
