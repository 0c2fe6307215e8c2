import Curl
import Foundation
import ParcelCore
import ParcelOps
import ParcelServer
import ParcelStore
import TestSupport
import Testing

/// A postcode without letters or digits proves nothing (issue 16, finding 3): shops write `-`
/// where there is no postcode, and `-` squashed to "" used to equal any other punctuation
/// squashed to "", so `.` showed the parcel and could cancel the order. Such an order is proved
/// by its e-mail only, on every customer surface of the server.
@Suite struct CustomerProofServerTests {
    /// Imported through the importer with postcode `-` (stored as no postcode).
    static let imported = "10000000000051"
    /// Stored with `-` as its postcode, as imports before the rule did.
    static let legacy = "10000000000052"
    /// What a customer types instead of a postcode, URL-encoded: `-`, `.`, nothing, a space, an em dash.
    static let nonPostcodes = ["-", ".", "", "%20", "%E2%80%94"]
    static let marker = "MARKER-EVENT-TEXT"

    static func serve() async throws -> (RunningParcelServer, Store, HTTPClient) {
        let store = try await Store.sqlite(path: try temporaryDirectory("proof") + "/p.sqlite")
        let importer = OrderImporter(registry: try CarrierRegistry.load(directory: PackagePaths.carriers), config: .defaults)
        let fields = [
            "order_id": "NP-1", "customer_name": "Ona Petraitė", "email": "ona@example.lt", "phone": "", "language": "lt", "postcode": "-",
            "value": "20.00", "currency": "EUR", "promised_date": "", "paid_at": "", "carrier": "seur", "tracking_number": imported,
        ]
        let summary = try await importer.run([(line: 2, fields: fields)], store: store, dryRun: false, actor: "test", at: fixtureNow)
        #expect(summary.imported == 1, "\(summary.rejected)")
        _ = try await store.write {
            try $0.shipments.importRows(
                [ImportRow(line: 2, order: order("NP-2", email: "old@example.pl", postcode: "-"), carrier: "seur", trackingNumber: legacy)],
                dryRun: false, actor: "test", at: fixtureNow)
        }
        for number in [imported, legacy] {
            let parcel = try #require(try await store.read { try $0.shipments.shipment(carrier: "seur", trackingNumber: number) })
            _ = try await store.write(serialized: false) {
                try $0.shipments.apply(
                    TrackingUpdate(
                        shipmentID: parcel.id, events: [event(number, hoursAgo: 5, raw: marker, status: .inTransit)], estimatedDelivery: nil,
                        checkedAt: fixtureNow, schedule: .standard))
            }
        }
        var options = ServerOptions(host: "127.0.0.1", port: 0, config: .defaults, clock: .fixed(fixtureNow))
        options.registry = try CarrierRegistry.load(directory: PackagePaths.carriers)
        options.useFastLimits(burst: 1_000, perSecond: 100)
        return (try await RunningParcelServer.start(store: store, options: options), store, try HTTPClient())
    }

    @Test func theImportedOrderHasNoPostcode() async throws {
        let (server, store, _) = try await Self.serve()
        server.stop()
        #expect(try await store.read { try $0.shipments.order(id: "NP-1") }?.postcode == "")
    }

    @Test func theTrackingAPIRefusesAPostcodeWithoutLettersOrDigits() async throws {
        let (server, _, client) = try await Self.serve()
        defer { server.stop() }
        for number in [Self.imported, Self.legacy] {
            for postcode in Self.nonPostcodes {
                let answer = try await client.send(HTTPRequest(url: server.baseURL + "/api/track/\(number)?postcode=\(postcode)"))
                let text = String(decoding: answer.body, as: UTF8.self)
                #expect(
                    answer.status == 400 && text.contains("proofRequired") && !text.contains(Self.marker),
                    "\(number) postcode '\(postcode)': \(answer.status) \(text)")
            }
        }
        let mixed = try await client.send(HTTPRequest(url: server.baseURL + "/api/track/\(Self.imported)?postcode=.&email=wrong@example.lt"))
        #expect(mixed.status == 404)
        // The e-mail proves it, also next to a `-`.
        let byEmail = try await client.send(HTTPRequest(url: server.baseURL + "/api/track/\(Self.imported)?email=ona@example.lt"))
        #expect(byEmail.status == 200 && String(decoding: byEmail.body, as: UTF8.self).contains(Self.marker))
        let both = try await client.send(HTTPRequest(url: server.baseURL + "/api/track/\(Self.legacy)?postcode=-&email=old@example.pl"))
        #expect(both.status == 200)
    }

    @Test func theTrackPageShowsNoParcelForAPostcodeWithoutLettersOrDigits() async throws {
        let (server, _, client) = try await Self.serve()
        defer { server.stop() }
        for number in [Self.imported, Self.legacy] {
            for postcode in Self.nonPostcodes {
                let page = try await client.send(
                    HTTPRequest(url: server.baseURL + "/track?number=\(number)&postcode=\(postcode)", headers: ["Accept-Language": "en"]))
                let html = String(decoding: page.body, as: UTF8.self)
                #expect(page.status != 200 || postcode.isEmpty, "\(number) postcode '\(postcode)': \(page.status)")
                #expect(!html.contains(Self.marker), "\(number) postcode '\(postcode)' showed the parcel")
                if !postcode.isEmpty { #expect(html.contains("use its e-mail address instead"), "\(number) postcode '\(postcode)'") }
            }
        }
        let byEmail = try await client.send(HTTPRequest(url: server.baseURL + "/track?number=\(Self.imported)&postcode=-&email=ona%40example.lt"))
        #expect(byEmail.status == 200 && String(decoding: byEmail.body, as: UTF8.self).contains(Self.marker))
    }

    @Test func theReportEndpointOpensNoCaseForAPostcodeWithoutLettersOrDigits() async throws {
        let (server, store, client) = try await Self.serve()
        defer { server.stop() }
        for number in [Self.imported, Self.legacy] {
            for postcode in ["-", ".", "", " ", "\u{2014}"] {
                let body = Array(#"{"postcode":"\#(postcode)","problem":"cancelOrder"}"#.utf8)
                let answer = try await client.send(
                    HTTPRequest(
                        url: server.baseURL + "/api/track/\(number)/report", method: "POST", headers: ["Content-Type": "application/json"], body: body))
                #expect(answer.status == 400, "\(number) postcode '\(postcode)': \(answer.status) \(String(decoding: answer.body, as: UTF8.self))")
            }
        }
        #expect(try await store.read { try $0.cases.incidents(IncidentFilter(kinds: [.customerReport])) }.isEmpty, "a case was opened without a proof")
        let byEmail = try await client.send(
            HTTPRequest(
                url: server.baseURL + "/api/track/\(Self.imported)/report", method: "POST", headers: ["Content-Type": "application/json"],
                body: Array(#"{"postcode":"-","email":"ona@example.lt","problem":"notReceived"}"#.utf8)))
        #expect(byEmail.status == 202)
        #expect(try await store.read { try $0.cases.incidents(IncidentFilter(kinds: [.customerReport])) }.count == 1)
    }
}
