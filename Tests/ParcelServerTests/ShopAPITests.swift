import Curl
import Foundation
import ParcelCore
import ParcelOps
import ParcelServer
import ParcelStore
import TestSupport
import Testing

/// The shop API over loopback: bearer tokens, the import's validation, updates, cancellation.
@Suite struct ShopAPITests {
    static func serve() async throws -> (RunningParcelServer, Store, HTTPClient, String) {
        let store = try await Store.sqlite(path: try temporaryDirectory("shop-api") + "/p.sqlite")
        try await store.write { try $0.console.addStaff(StaffMember(name: "anna", displayName: "Anna"), actor: "setup", at: fixtureNow) }
        let token = APITokenSecret.generate()
        try await store.write { try $0.console.addToken(name: "shop-backend", tokenHash: token.hash, actor: "anna", at: fixtureNow) }
        var options = ServerOptions(host: "127.0.0.1", port: 0, config: .defaults, clock: .fixed(fixtureNow))
        options.registry = try CarrierRegistry.load(directory: PackagePaths.carriers)
        return (try await RunningParcelServer.start(store: store, options: options), store, try HTTPClient(), token.secret)
    }

    static func send(_ client: HTTPClient, _ method: String, _ url: String, token: String?, _ body: String? = nil) async throws -> HTTPResponse {
        let headers: HTTPHeaders = token.map { ["Content-Type": "application/json", "Authorization": "Bearer \($0)"] } ?? ["Content-Type": "application/json"]
        return try await client.send(HTTPRequest(url: url, method: method, headers: headers, body: body.map { Array($0.utf8) }))
    }

    static let rows = """
        [{"order_id": "API-1", "customer_name": "Ana Ruiz", "email": "ana@example.es", "language": "es", "postcode": "28001",
          "value": "49.90", "currency": "EUR", "promised_date": "2026-11-26", "paid_at": "2026-11-19T10:00:00Z",
          "carrier": "correos", "tracking_number": "CP482915304ES"},
         {"order_id": "API-2", "customer_name": "Bad Number", "email": "bad@example.es", "language": "es", "postcode": "28001",
          "value": "10.00", "currency": "EUR", "promised_date": "2026-11-26", "paid_at": "2026-11-19T10:00:00Z",
          "carrier": "correos", "tracking_number": "CP482915305ES"}]
        """

    @Test func ordersNeedAValidTokenAndPassTheImportsValidation() async throws {
        let (server, store, client, token) = try await Self.serve()
        defer { server.stop() }
        #expect(try await Self.send(client, "POST", server.baseURL + "/api/orders", token: nil, Self.rows).status == 401)
        let wrong = try await Self.send(client, "POST", server.baseURL + "/api/orders", token: "pw_guess", Self.rows)
        #expect(wrong.status == 401 && wrong.headers["WWW-Authenticate"]?.hasPrefix("Bearer") == true)
        #expect(try await store.read { try $0.shipments.order(id: "API-1") } == nil)

        let created = try await Self.send(client, "POST", server.baseURL + "/api/orders", token: token, Self.rows)
        #expect(created.status == 422, "one row has a bad check digit")
        let summary = try JSONDecoder().decode(ImportSummary.self, from: Data(created.body))
        #expect(summary.imported == 1 && summary.rejected.count == 1 && summary.rejected.first?.line == 2)
        #expect(summary.rejected.first?.reason.contains("check digit") == true, "\(summary.rejected)")
        #expect(try await store.read { try $0.shipments.order(id: "API-1") }?.customerName == "Ana Ruiz")
        #expect(try await store.read { try $0.console.auditLog(limit: 5) }.contains { $0.actor == "api:shop-backend" && $0.action == "import" })
        // The same body again changes nothing; a bad body is a 400 naming the problem.
        let again = try await Self.send(client, "POST", server.baseURL + "/api/orders", token: token, Self.rows)
        #expect(try JSONDecoder().decode(ImportSummary.self, from: Data(again.body)).unchanged == 1)
        #expect(try await Self.send(client, "POST", server.baseURL + "/api/orders", token: token, "{").status == 400)
    }

    @Test func anOrderIsUpdatedAndCancelledAndARevokedTokenIsRefused() async throws {
        let (server, store, client, token) = try await Self.serve()
        defer { server.stop() }
        _ = try await Self.send(client, "POST", server.baseURL + "/api/orders", token: token, Self.rows)
        let moved = Self.rows.replacingOccurrences(of: "\"28001\"", with: "\"28002\"")
        let firstRow = try #require(try JSONSerialization.jsonObject(with: Data(moved.utf8)) as? [[String: Any]]).first
        var body = try #require(firstRow)
        body.removeValue(forKey: "order_id")
        let update = String(decoding: try JSONSerialization.data(withJSONObject: body), as: UTF8.self)
        #expect(try await Self.send(client, "PUT", server.baseURL + "/api/orders/API-1", token: token, update).status == 200)
        #expect(try await store.read { try $0.shipments.order(id: "API-1") }?.postcode == "28002")
        #expect(
            try await Self.send(
                client, "PUT", server.baseURL + "/api/orders/API-9",
                token: token, update.replacingOccurrences(of: "{", with: "{\"order_id\": \"API-1\", ")
            ).status == 400)

        // One parcel first (a label that will not be used), then the whole order.
        #expect(try await Self.send(client, "DELETE", server.baseURL + "/api/orders/API-1/shipments/correos/CP482915304ES", token: token).status == 200)
        #expect(try await Self.send(client, "DELETE", server.baseURL + "/api/orders/API-1/shipments/correos/CP000000000ES", token: token).status == 404)
        #expect(try await store.read { try $0.console.auditLog(limit: 5) }.contains { $0.action == "shipment.cancel" && $0.actor == "api:shop-backend" })
        #expect(try await Self.send(client, "DELETE", server.baseURL + "/api/orders/API-1", token: token).status == 200)
        let parcel = try #require(try await store.read { try $0.shipments.shipment(carrier: "correos", trackingNumber: "CP482915304ES") })
        #expect(parcel.nextCheckAt == nil, "a cancelled order's parcels are not checked any more")
        #expect(try await Self.send(client, "DELETE", server.baseURL + "/api/orders/NOPE", token: token).status == 404)

        #expect(try await store.write { try $0.console.revokeToken(name: "shop-backend", actor: "anna", at: fixtureNow) })
        #expect(try await Self.send(client, "DELETE", server.baseURL + "/api/orders/API-1", token: token).status == 401)
    }

    @Test func metricsCarryTheSweepsCountersFromTheStore() async throws {
        let (server, store, client, _) = try await Self.serve()
        defer { server.stop() }
        try await store.write(serialized: false) {
            try $0.reports.addToCounters([
                CounterValue(name: "parcelwatch_fetches_total", labels: ["carrier": "seur"], value: 3),
                CounterValue(name: "parcelwatch_fetch_errors_total", labels: ["carrier": "seur", "kind": "timeout"], value: 1),
            ])
        }
        try await store.write(serialized: false) {
            try $0.reports.addToCounters([CounterValue(name: "parcelwatch_fetches_total", labels: ["carrier": "seur"], value: 2)])
        }
        let text = String(decoding: try await client.send(HTTPRequest(url: server.baseURL + "/metrics")).body, as: UTF8.self)
        #expect(text.contains("# TYPE parcelwatch_fetches_total counter"))
        #expect(text.contains("parcelwatch_fetches_total{carrier=\"seur\"} 5.0"))
        #expect(text.contains("parcelwatch_fetch_errors_total{carrier=\"seur\",kind=\"timeout\"} 1.0"))
    }
}
