import Curl
import Foundation
import ParcelCore
import ParcelOps
import ParcelServer
import ParcelStore
import TestSupport
import Testing

/// The shop API runs the import's field checks (issue 16, finding 7): a NUL or an over-long
/// name is a 422 naming the element and field, and nothing of that row is stored.
@Suite struct ShopImportLimitTests {
    @Test func aNulOrAnOverlongNameIsRejectedNamingTheElementAndField() async throws {
        let (server, store, client, token) = try await ShopAPITests.serve()
        defer { server.stop() }
        let name = String(repeating: "x", count: 300)
        let body = """
            [{"order_id": "API-N", "customer_name": "Ana\\u0000Ruiz", "email": "ana@example.es", "language": "es", "postcode": "28001",
              "value": "49.90", "currency": "EUR"},
             {"order_id": "API-L", "customer_name": "\(name)", "email": "l@example.es", "language": "es", "postcode": "28001",
              "value": "49.90", "currency": "EUR"},
             {"order_id": "API-P", "customer_name": "Pau", "email": "pau@example.es", "language": "es", "postcode": "-",
              "value": "49.90", "currency": "EUR"}]
            """
        let answer = try await ShopAPITests.send(client, "POST", server.baseURL + "/api/orders", token: token, body)
        #expect(answer.status == 422)
        let summary = try JSONDecoder().decode(ImportSummary.self, from: Data(answer.body))
        #expect(
            summary.rejected == [
                .init(
                    line: 1,
                    reason: "customer_name: control character U+0000 at position 4 (NUL, tabs, line breaks and other control characters are not allowed)"),
                .init(line: 2, reason: "customer_name: 300 characters, the limit is 256"),
            ])
        #expect(summary.imported == 1 && summary.notes.map(\.line) == [3])
        #expect(try await store.read { try $0.shipments.order(id: "API-N") } == nil)
        #expect(try await store.read { try $0.shipments.order(id: "API-L") } == nil)
        #expect(try await store.read { try $0.shipments.order(id: "API-P") }?.postcode == "")
    }
}
