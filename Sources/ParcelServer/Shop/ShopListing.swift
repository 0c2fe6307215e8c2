import Foundation
import HTTPTypes
import Hummingbird
import ParcelCore
import ParcelStore

/// `GET /api/shipments`: the shop's shipments a page at a time, as `parcelwatch shipments --json`
/// lists them (by id, the same rows), for a shop's backend to mirror statuses without CSV files.
///
/// Query: `carrier`, `status` (one or several, comma-separated), `order`, `limit` (1 to
/// ``maximumLimit``, default ``defaultLimit``) and `after` (the `next` of the previous page).
/// Answer: `{"shipments": [...], "next": "CURSOR"}`, `next` null on the last page, and a
/// `Link: <…&after=CURSOR>; rel="next"` header while more remain. One page is one short read.
struct ShopListing: Sendable {
    /// Rows a page when the request names no limit.
    static let defaultLimit = 100
    /// The most rows one request may ask for.
    static let maximumLimit = 1000

    /// One page of the listing.
    struct Page: Encodable {
        var shipments: [ShipmentRow]
        var next: String?

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(shipments, forKey: .shipments)
            try container.encode(next, forKey: .next)
        }

        enum CodingKeys: String, CodingKey { case shipments, next }
    }

    let store: Store

    /// The page `request` asks for, or 400 with what is wrong with its query.
    func shipments(_ request: Request) async throws -> Response {
        let query = try RequestText.query(request)
        var filter = ShipmentFilter(carrier: query["carrier"], orderId: query["order"])
        for name in (query["status"] ?? "").split(separator: ",") {
            guard let status = TrackingStatus(rawValue: String(name)) else {
                return Self.badRequest("badStatus", "status '\(name)' is not one of \(TrackingStatus.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            filter.statuses.insert(status)
        }
        var limit = Self.defaultLimit
        if let text = query["limit"] {
            guard let value = Int(text), (1...Self.maximumLimit).contains(value) else {
                return Self.badRequest("badLimit", "limit '\(text)' must be a whole number from 1 to \(Self.maximumLimit)")
            }
            limit = value
        }
        var start: Int64?
        if let text = query["after"] {
            do {
                if case .shipments(let id) = try ListingCursor(text, for: .shipments) { start = id }
            } catch {
                return Self.badRequest("badCursor", error.description)
            }
        }
        var rows: [ShipmentRow] = []
        let next = try await ListingPager(limit: limit, pageSize: limit).run(
            after: start,
            read: { [filter] (after: Int64?, count: Int) -> [Shipment] in
                var page = filter
                (page.after, page.limit) = (after, count)
                return try await store.read { [page] in try $0.shipments.shipments(page) }
            },
            key: \Shipment.id, write: { rows += $0.map(ShipmentRow.init) }
        ).map { ListingCursor.shipments(after: $0).description }
        var response = ServerResponse.json(.ok, Page(shipments: rows, next: next))
        if let next, let link = HTTPField.Name("Link") {
            var fields = query.fields
            fields["after"] = next
            fields["limit"] = String(limit)
            let text = fields.sorted { $0.key < $1.key }.map { "\(Self.escape($0.key))=\(Self.escape($0.value))" }.joined(separator: "&")
            response.headers[link] = "</api/shipments?\(text)>; rel=\"next\""
        }
        return response
    }

    private static func badRequest(_ error: String, _ message: String) -> Response {
        ServerResponse.json(.badRequest, ["error": error, "message": message])
    }

    /// `text` for a query string: letters, digits and `-._~:,` as they are, the rest as `%XX`.
    private static func escape(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics.intersection(CharacterSet(charactersIn: Unicode.Scalar(0)..<Unicode.Scalar(128)))
        allowed.insert(charactersIn: "-._~:,")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
