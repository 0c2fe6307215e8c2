import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import ParcelCore
import ParcelOps
import ParcelStore

/// The shop API: how a shop's backend feeds Parcelwatch without CSV files. Every request
/// carries `Authorization: Bearer <token>` (made with `parcelwatch token add NAME`, stored
/// hashed); rows go through exactly the validation of `parcelwatch import`, and the audit log
/// names the token (`api:NAME`).
///
/// - `POST /api/orders`: one order row or an array of rows (the import's JSON keys: `order_id`,
///   `customer_name`, …, `carrier`, `tracking_number`); creates or updates orders and adds
///   shipments. 200 with the import summary, 422 when any row was rejected (the others are kept).
/// - `PUT /api/orders/{id}`: one row for that order (its `order_id` may be left out).
/// - `DELETE /api/orders/{id}`: cancels the order: its parcels are no longer checked and its
///   open cases are dismissed.
/// - `DELETE /api/orders/{id}/shipments/{carrier}/{number}`: cancels one parcel of the order the
///   same way (a label never used, a number replaced).
/// - `GET /api/shipments?carrier=&status=&order=&limit=&after=`: the shipments a page at a time
///   with the cursor of the next page (``ShopListing``).
struct ShopRoutes: Sendable {
    let store: Store
    let options: ServerOptions

    func add(to router: Router<ServerContext>) {
        router.post("/api/orders") { request, context in try await upsert(request, context, orderId: nil) }
        router.put("/api/orders/:id") { request, context in try await upsert(request, context, orderId: try RequestText.parameter("id", context, request)) }
        router.delete("/api/orders/:id") { request, context in try await cancel(request, context) }
        router.delete("/api/orders/:id/shipments/:carrier/:number") { request, context in try await cancelShipment(request, context) }
        router.get("/api/shipments") { request, _ in
            guard try await authorize(request) != nil else { return Self.unauthorized() }
            return try await ShopListing(store: store).shipments(request)
        }
    }

    private func upsert(_ request: Request, _ context: ServerContext, orderId: String?) async throws -> Response {
        guard let token = try await authorize(request) else { return Self.unauthorized() }
        guard let registry = options.registry else { return ServerResponse.json(.serviceUnavailable, ["error": "noCarriers"]) }
        let body = try await request.body.collect(upTo: 8 * 1024 * 1024)
        let importer = OrderImporter(registry: registry, config: options.config)
        var records: [(line: Int, fields: [String: String])]
        do {
            records = try importer.records(json: Data(body.readableBytesView), source: "the request body")
        } catch {
            return ServerResponse.json(.badRequest, ["error": "badJSON", "message": error.description])
        }
        if let orderId {
            guard records.count == 1 else { return ServerResponse.json(.badRequest, ["error": "oneOrder", "message": "PUT takes one order row"]) }
            if let given = records[0].fields["order_id"], !given.isEmpty, given != orderId {
                return ServerResponse.json(.badRequest, ["error": "orderMismatch", "message": "order_id \(given) differs from the URL's \(orderId)"])
            }
            records[0].fields["order_id"] = orderId
        }
        let summary = try await importer.run(records, store: store, dryRun: false, actor: "api:\(token)", at: options.clock.now)
        return ServerResponse.json(summary.rejected.isEmpty ? .ok : .unprocessableContent, summary)
    }

    private func cancel(_ request: Request, _ context: ServerContext) async throws -> Response {
        guard let token = try await authorize(request) else { return Self.unauthorized() }
        let id = try RequestText.parameter("id", context, request)
        guard try await store.write({ try $0.shipments.cancelOrder(id: id, actor: "api:\(token)", at: options.clock.now) }) else {
            return ServerResponse.json(.notFound, ["error": "notFound", "message": "no order \(id)"])
        }
        return ServerResponse.json(.ok, ["cancelled": id])
    }

    private func cancelShipment(_ request: Request, _ context: ServerContext) async throws -> Response {
        guard let token = try await authorize(request) else { return Self.unauthorized() }
        let id = try RequestText.parameter("id", context, request), carrier = try RequestText.parameter("carrier", context, request)
        let number = CarrierRegistry.normalize(try RequestText.parameter("number", context, request))
        guard
            try await store.write({
                try $0.shipments.cancelShipment(orderId: id, carrier: carrier, trackingNumber: number, actor: "api:\(token)", at: options.clock.now)
            })
        else {
            return ServerResponse.json(.notFound, ["error": "notFound", "message": "order \(id) has no \(carrier) parcel \(number)"])
        }
        return ServerResponse.json(.ok, ["cancelled": "\(carrier) \(number)"])
    }

    /// The token's name, or nil when the header is missing, malformed, unknown or revoked.
    private func authorize(_ request: Request) async throws -> String? {
        guard let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") else { return nil }
        let secret = header.dropFirst("bearer ".count).trimmingCharacters(in: .whitespaces)
        guard !secret.isEmpty else { return nil }
        return try await store.write(serialized: false) { try $0.console.tokenName(hash: APITokenSecret.hash(secret), at: options.clock.now) }
    }

    private static func unauthorized() -> Response {
        var response = ServerResponse.json(
            .unauthorized, ["error": "unauthorized", "message": "send Authorization: Bearer <token from `parcelwatch token add NAME`>"])
        response.headers[.wwwAuthenticate] = "Bearer realm=\"parcelwatch\""
        return response
    }
}
