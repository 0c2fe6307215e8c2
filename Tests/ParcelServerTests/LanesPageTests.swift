import Curl
import Foundation
import Markup
import ParcelCore
import ParcelOps
import ParcelStore
import TestSupport
import Testing

@testable import ParcelServer

/// Issue 18 on the server: the console's Lanes page (`/staff/lanes`) and the customer page's
/// estimate, both from the delivery history in the store, over loopback against the staff
/// console's real SQLite setup.
@Suite struct LanesPageTests {
    static let warsaw = TimeZone(identifier: "Europe/Warsaw") ?? .gmt
    static let poland = BusinessCalendar(country: "PL")

    /// 72 SEUR parcels to 00-xxx, twelve scanned at 09:00 Warsaw on each of the six Fridays before
    /// fixtureNow (Friday 2026-11-20), delivered after 1, 2 and 3 Polish business days in turn,
    /// promised for 2 business days after the scan.
    static func history() throws -> [DeliveredParcel] {
        let lastFriday = try #require(CivilDate("2026-11-13"))
        return (0..<72).map { index in
            let scan = lastFriday.adding(days: -7 * (index / 12))
            let transit = 1 + index % 3
            return DeliveredParcel(
                id: "h\(index)", carrier: "seur", originCountry: "PL", destinationCountry: "PL", postcode: "00-\(100 + index)",
                firstScanAt: scan.start(in: warsaw).addingTimeInterval(9 * 3600),
                deliveredAt: poland.adding(businessDays: transit, to: scan).start(in: warsaw).addingTimeInterval(14 * 3600),
                promisedDate: poland.adding(businessDays: 2, to: scan))
        }
    }

    /// The lane model of ``history()``.
    static func model() throws -> LaneModel {
        var model = LaneModel()
        for parcel in try history().sorted(by: { $0.deliveredAt < $1.deliveredAt }) { model.record(parcel) }
        return model
    }

    /// The Content-Security-Policy every console page is sent with.
    static let policy = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'"

    @Test func theLanesPageShowsTheTableAndBothChartsToStaffOnly() async throws {
        let setup = try await StaffConsoleTests.serve()
        defer { setup.server.stop() }
        let history = try Self.history()
        #expect(try await setup.store.write { try $0.lanes.importHistory(history) } == 72)
        var browser = setup.browser
        let stranger = try await browser.get("/staff/lanes")
        #expect(stranger.status == 303 && stranger.headers["Location"] == "/staff/login")
        _ = try await browser.signIn("anna", StaffConsoleTests.annaPassword)

        let page = try await browser.get("/staff/lanes")
        #expect(page.status == 200)
        #expect(page.headers["Content-Security-Policy"] == Self.policy, "the console's policy, unchanged")
        #expect(page.headers["Content-Type"] == "text/html; charset=utf-8")
        let html = page.text
        #expect(html.contains("<a href=\"/staff/lanes\" aria-current=\"page\">Lanes</a>"))
        #expect(!html.contains("<script"))
        let document = try Document(html: Array(html.utf8), contentType: page.headers["Content-Type"])
        // The table: SEUR to Poland, 72 parcels, p50 2, p90 3, on time 2 in 3, every week alike.
        let row = try document.nodes("//table[@aria-labelledby='lanes-heading']/tbody/tr")
        #expect(row.count == 1)
        let cells = try document.nodes("//table[@aria-labelledby='lanes-heading']/tbody/tr[1]/*").map(\.text)
        #expect(cells == ["SEUR → PL", "72", "2", "3", "2.0", "66.7%", "steady"], "\(cells)")
        for id in ["transit-chart", "on-time-chart"] {
            let start = try #require(html.range(of: "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"\(id)\""), "no \(id)")
            let end = try #require(html.range(of: "</svg>", range: start.upperBound..<html.endIndex))
            let svg = String(html[start.lowerBound..<end.upperBound])
            let chart = try Document(xml: Array(svg.utf8))
            #expect(chart.root?.name == "svg" && chart.diagnostics.isEmpty, "\(id): \(chart.diagnostics)")
            #expect(try chart.nodes("//*[local-name()='polyline']").count >= 1, "\(id)")
        }
        // The weekly table under the transit chart: the week of 2026-11-16 holds the parcels scanned on the 13th.
        let weeks = try document.nodes("//table[@aria-labelledby='transit-heading']/thead/tr/th/time").map { $0.attribute("datetime") ?? "" }
        #expect(weeks.count == LanesView.chartWeeks && weeks.last == "2026-11-16" && weeks.first == "2026-08-31")
        #expect(
            try document.text("normalize-space(//table[@aria-labelledby='on-time-heading']/tbody/tr[1]/td[last()])")
                == "66.7% (8/12)", "the 13th's parcels, delivered on the 16th, 17th and 18th")

        // The finest lanes and a level that does not exist.
        let finest = try await browser.get("/staff/lanes?level=lane")
        #expect(finest.status == 200 && finest.text.contains("SEUR PL → PL 00 Fri"))
        let wrong = try await browser.get("/staff/lanes?level=postcode")
        #expect(wrong.status == 400 && wrong.text.contains("is not one of destination, carrier, lane"))
    }

    @Test func withoutAHistoryThePageSaysSo() async throws {
        let setup = try await StaffConsoleTests.serve()
        defer { setup.server.stop() }
        var browser = setup.browser
        _ = try await browser.signIn("anna", StaffConsoleTests.annaPassword)
        let page = try await browser.get("/staff/lanes")
        #expect(page.status == 200 && page.text.contains("No delivery history is available yet") && !page.text.contains("<svg"))
        #expect(page.headers["Content-Security-Policy"] == Self.policy)
    }

    @Test func theCustomerPageShowsTheSameEstimateAsTheAPIInTheCustomersLanguage() async throws {
        let setup = try await StaffConsoleTests.serve()
        defer { setup.server.stop() }
        let history = try Self.history()
        _ = try await setup.store.write { try $0.lanes.importHistory(history) }
        // A second Polish order, PL-2, whose SEUR parcel 10000000000044 (00-950) is still in transit.
        let number = "10000000000044"
        _ = try await setup.store.write {
            try $0.shipments.importRows(
                [ImportRow(line: 2, order: order("PL-2"), carrier: "seur", trackingNumber: number)], dryRun: false, actor: "test", at: fixtureNow)
        }
        let parcel = try #require(try await setup.store.read { try $0.shipments.shipment(carrier: "seur", trackingNumber: number) })
        _ = try await setup.store.write(serialized: false) {
            try $0.shipments.apply(
                TrackingUpdate(
                    shipmentID: parcel.id, events: [event(number, hoursAgo: 5, raw: "MERCANCIA EN TRANSITO", status: .inTransit)],
                    estimatedDelivery: nil, checkedAt: fixtureNow, schedule: .standard))
        }
        let query = "number=\(number)&postcode=00-950"
        let page = try await setup.client.send(HTTPRequest(url: setup.server.baseURL + "/track?" + query))
        #expect(page.status == 200 && page.headers["Content-Language"] == "pl")
        let api = try await setup.client.send(HTTPRequest(url: setup.server.baseURL + "/api/track/\(number)?postcode=00-950"))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(api.text.utf8)) as? [String: Any])
        let estimate = try #require(json["estimate"] as? [String: Any], "\(api.text)")
        let from = try #require(estimate["p50"] as? String), to = try #require(estimate["p90"] as? String)
        let explanation = try #require(estimate["explanation"] as? String)
        // SEUR's carrier file says it delivers in Spain; the history is SEUR to Poland, so the
        // estimate backs off to every SEUR parcel.
        #expect(explanation == "oszacowano na podstawie 72 przesyłek SEUR z ostatnich 90 dni", "\(explanation)")
        // The page tells the customer the same window and the same source, in Polish.
        let document = try Document(html: Array(page.text.utf8), contentType: page.headers["Content-Type"])
        let shown = try document.nodes("//dt[.='Przewidywana dostawa']/following-sibling::dd[1]/span").map(\.text)
        let window = EstimateWording.window(from: try #require(CivilDate(from)), to: try #require(CivilDate(to)), language: "pl")
        #expect(shown == [window, explanation], "\(shown)")
        #expect(try document.text("//dd[@class='estimate']/span[1]/@data-from") == from)

        // PL-1's parcel was lost: neither surface gives it a delivery day beside the case.
        let lostAPI = try await setup.client.send(HTTPRequest(url: setup.server.baseURL + "/api/track/10000000000043?postcode=00-950"))
        let lost = try #require(try JSONSerialization.jsonObject(with: Data(lostAPI.text.utf8)) as? [String: Any])
        #expect(lost["status"] as? String == "exception" && lost["estimate"] is NSNull, "\(lostAPI.text)")
        let lostPage = try await setup.client.send(HTTPRequest(url: setup.server.baseURL + "/track?number=10000000000043&postcode=00-950"))
        #expect(lostPage.status == 200 && !lostPage.text.contains("Przewidywana dostawa") && !lostPage.text.contains("class=\"estimate\""))
    }
}
