import Curl
import Foundation
import ParcelCore
import ParcelOps
import ParcelServer
import ParcelStore
import TestSupport
import Testing

/// `GET /api/shipments`: the shipments a page at a time, each page with the cursor of the next,
/// every shipment once and in id order, filters on every page, bad queries refused with 400.
@Suite struct ShopListingTests {
    struct Page: Decodable {
        var shipments: [ShipmentRow]
        var next: String?
    }

    @Test func pagesFollowTheirCursorsToEveryShipmentOnceInOrder() async throws {
        let (server, store, client, token) = try await ShopAPITests.serve()
        defer { server.stop() }
        let rows = (1...7).map { index in
            ImportRow(
                line: index + 1, order: order("P-\(index)"), carrier: index % 2 == 0 ? "ups" : "seur", trackingNumber: String(format: "3000000%07d", index))
        }
        _ = try await store.write { try $0.shipments.importRows(rows, dryRun: false, actor: "setup", at: fixtureNow) }
        let stored = try await store.read { try $0.shipments.shipments(ShipmentFilter()) }.map(ShipmentRow.init)
        #expect(stored.count == 7)

        func get(_ query: String) async throws -> (status: Int, page: Page?, link: String?, body: String) {
            let response = try await ShopAPITests.send(client, "GET", server.baseURL + "/api/shipments" + query, token: token)
            return (
                response.status, try? JSONDecoder().decode(Page.self, from: Data(response.body)), response.headers["Link"],
                String(decoding: response.body, as: UTF8.self)
            )
        }
        // Follow `next` from the first page of 3 to the end: 3, 3, 1, every row once, in order.
        for filter in ["", "&carrier=ups", "&status=pending,inTransit"] {
            var seen: [ShipmentRow] = []
            var cursor: String?
            var sizes: [Int] = []
            repeat {
                let answer = try await get("?limit=3" + filter + (cursor.map { "&after=\($0)" } ?? ""))
                let page = try #require(answer.page, "\(answer.status) \(answer.body)")
                #expect(answer.status == 200)
                seen += page.shipments
                sizes.append(page.shipments.count)
                cursor = page.next
                #expect((answer.link != nil) == (cursor != nil), "a Link header exactly while more remain")
                if let next = cursor { #expect(answer.link?.contains("after=\(next)") == true && answer.link?.contains("limit=3") == true) }
            } while cursor != nil && sizes.count < 10
            let expected = stored.filter { filter != "&carrier=ups" || $0.carrier == "ups" }
            #expect(seen == expected, "\(filter)")
            #expect(sizes == stride(from: 0, to: expected.count, by: 3).map { min(3, expected.count - $0) }, "\(filter): \(sizes)")
        }
        // A limit that ends at the last row: no next; the default limit takes all seven.
        #expect(try await get("?limit=7").page?.next == nil)
        let whole = try await get("")
        #expect(whole.page?.shipments == stored && whole.page?.next == nil && whole.body.contains("\"next\" : null"))

        // Bad queries: 400 with what is wrong; no token: 401.
        for (query, error) in [
            ("?after=audit:3", "badCursor"), ("?after=17x", "badCursor"), ("?limit=0", "badLimit"), ("?limit=1001", "badLimit"), ("?limit=ten", "badLimit"),
            ("?status=lost", "badStatus"),
        ] {
            let answer = try await get(query)
            #expect(answer.status == 400 && answer.body.contains("\"error\" : \"\(error)\""), "\(query): \(answer.body)")
        }
        #expect(try await ShopAPITests.send(client, "GET", server.baseURL + "/api/shipments", token: nil).status == 401)
    }
}
