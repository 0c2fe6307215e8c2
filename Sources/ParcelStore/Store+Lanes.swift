import Foundation
import ParcelCore

/// The delivery history and the lane model in the store (issue 18).
///
/// Every delivered parcel is one `deliveries` row: written by ``Store/Shipments/apply(_:)`` in the
/// transaction that first records the delivery, or imported from a history file. The model is one
/// `lane_model` row (its JSON and the highest `seq` folded in). ``model(configuration:)`` folds in
/// only the rows not yet in it, so keeping the model costs O(new deliveries), never a rescan.
extension Store.Lanes {
    /// The lane model with every stored delivery in it: the stored model with the deliveries not yet
    /// folded in added (in delivery order), saved back when that changed anything. In a read-only
    /// unit the fold happens in memory only, so a read still gets an up-to-date model.
    ///
    /// A stored model with another configuration (the shop changed `estimates.window_days`), or
    /// one this version cannot read, is rebuilt from every stored delivery, once.
    public func model(configuration: LaneModel.Configuration) throws -> LaneModel {
        let saves = tx.mode != .read
        try tx.step("updating the lane model", saves ? .serialized : .read)
        var model = LaneModel(configuration: configuration)
        var lastSeq: Int64 = 0
        var rebuild = true
        // The model is derived from the deliveries alone: one stored with another configuration,
        // or by a version whose JSON this one cannot read, is rebuilt from them (and saved).
        // The row's JSON is decoded once per store and saved row (``LaneModelMemo``); a model
        // this store already decoded or saved is only checked by the row's `last_seq` and `updated_at`.
        if let row = try db.fetchOne(sql: "SELECT last_seq, updated_at FROM lane_model WHERE id = 1") {
            let (storedSeq, updatedAt): (Int64, Double) = (try row["last_seq"], try row["updated_at"])
            if let remembered = tx.laneMemo.model(configuration: configuration, lastSeq: storedSeq, updatedAt: updatedAt) {
                model = remembered
                lastSeq = storedSeq
                rebuild = false
            } else if let text = try db.scalar(String.self, sql: "SELECT model FROM lane_model WHERE id = 1"),
                let stored = try? JSONDecoder().decode(LaneModel.self, from: Data(text.utf8)), stored.configuration == configuration
            {
                tx.laneMemo.remember(stored, lastSeq: storedSeq, updatedAt: updatedAt)
                model = stored
                lastSeq = storedSeq
                rebuild = false
            }
        }
        // Delivery order does not matter: a delivery older than the window is refused whenever it
        // comes, and one inside it is expired exactly when the window passes it. So the rows are
        // read by `seq` through the partial index of unfolded rows.
        var folded = 0
        var after: Int64 = 0
        while true {
            let page = try db.fetchAll(
                sql: "SELECT * FROM deliveries WHERE \(rebuild ? "" : "folded = 0 AND ")seq > ? ORDER BY seq LIMIT ?",
                arguments: [after, Store.lanePageSize])
            guard !page.isEmpty else { break }
            var seqs: [Int64] = []
            for row in page {
                model.record(try Store.decodeDelivery(row))
                seqs.append(try row["seq"])
            }
            after = seqs.max() ?? after
            lastSeq = max(lastSeq, after)
            folded += page.count
            if saves {
                let list = seqs.map { _ in "?" }.joined(separator: ", ")
                try db.execute(sql: "UPDATE deliveries SET folded = 1 WHERE seq IN (\(list))", arguments: SQLArguments(seqs))
            }
        }
        guard saves, folded > 0 || rebuild else { return model }
        let json = String(decoding: try JSONEncoder().encode(model), as: UTF8.self)
        let updatedAt = Date().timeIntervalSince1970
        try db.execute(
            sql: """
                INSERT INTO lane_model (id, model, last_seq, updated_at) VALUES (1, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET model = excluded.model, last_seq = excluded.last_seq, updated_at = excluded.updated_at
                """, arguments: [json, lastSeq, updatedAt])
        tx.laneMemo.remember(model, lastSeq: lastSeq, updatedAt: updatedAt)
        return model
    }

    /// Stores delivered parcels from a history file (`parcelwatch lanes import`), skipping every id
    /// already stored or repeated in `parcels`, so importing a file twice imports it once. The
    /// next ``model(configuration:)`` folds them in. Returns how many were new.
    @discardableResult
    public func importHistory(_ parcels: [DeliveredParcel]) throws -> Int {
        try tx.step("importing the delivery history", .serialized)
        var imported = 0
        var start = 0
        while start < parcels.count {
            let batch = parcels[start..<min(start + Store.lanePageSize, parcels.count)]
            start += batch.count
            let list = batch.map { _ in "?" }.joined(separator: ", ")
            var known = Set(try db.scalars(String.self, sql: "SELECT id FROM deliveries WHERE id IN (\(list))", arguments: SQLArguments(batch.map(\.id))))
            for parcel in batch where known.insert(parcel.id).inserted {
                try Store.insertDelivery(parcel, shipmentID: nil, db: db)
                imported += 1
            }
        }
        return imported
    }

    /// Up to `limit` stored deliveries delivered at or after `since`, in delivery order, after the
    /// position `after` (nil: from the start): one page of the history a backtest replays. Pass
    /// the page's ``DeliveryPage/next`` back until it is nil.
    public func deliveries(since: Date, after: DeliveryPage.Position? = nil, limit: Int = 5000) throws -> DeliveryPage {
        try tx.step("reading the delivery history", .read)
        let from = max(since.timeIntervalSince1970, after?.deliveredAt ?? -Double.greatestFiniteMagnitude)
        let rows = try db.fetchAll(
            sql: """
                SELECT * FROM deliveries WHERE delivered_at >= ? AND (delivered_at > ? OR (delivered_at = ? AND seq > ?))
                ORDER BY delivered_at, seq LIMIT ?
                """,
            arguments: [
                from, after?.deliveredAt ?? -Double.greatestFiniteMagnitude, after?.deliveredAt ?? -Double.greatestFiniteMagnitude,
                after?.seq ?? 0, max(1, limit),
            ])
        let parcels = try rows.map(Store.decodeDelivery)
        guard rows.count == max(1, limit), let last = rows.last else { return DeliveryPage(parcels: parcels, next: nil) }
        return DeliveryPage(parcels: parcels, next: DeliveryPage.Position(deliveredAt: try last["delivered_at"], seq: try last["seq"]))
    }

    /// For each of `shipmentIDs` that exists: its order and first and newest event times, in two
    /// statements whatever the number, for a page of estimates (`shipments`).
    public func estimateFacts(shipmentIDs: [Int64]) throws -> [Int64: EstimateFacts] {
        try tx.step("reading parcels for their estimates", .read)
        guard !shipmentIDs.isEmpty else { return [:] }
        let list = shipmentIDs.map { _ in "?" }.joined(separator: ", ")
        var times: [Int64: (first: Date?, last: Date?)] = [:]
        for row in try db.fetchAll(
            sql: "SELECT shipment_id, MIN(time) AS first, MAX(time) AS last FROM events WHERE shipment_id IN (\(list)) GROUP BY shipment_id",
            arguments: SQLArguments(shipmentIDs))
        {
            times[try row["shipment_id"]] = (try row.optionalDate("first"), try row.optionalDate("last"))
        }
        var facts: [Int64: EstimateFacts] = [:]
        for row in try db.fetchAll(
            sql: "SELECT s.id AS shipment_id, o.* FROM shipments s JOIN orders o ON o.id = s.order_id WHERE s.id IN (\(list))",
            arguments: SQLArguments(shipmentIDs))
        {
            let id: Int64 = try row["shipment_id"]
            facts[id] = EstimateFacts(order: try Store.decodeOrder(row), firstEventAt: times[id]?.first ?? nil, lastEventAt: times[id]?.last ?? nil)
        }
        return facts
    }

    /// How many deliveries the store holds.
    public func deliveryCount() throws -> Int {
        try tx.step("counting deliveries", .read)
        return try db.scalar(Int.self, sql: "SELECT COUNT(*) FROM deliveries") ?? 0
    }
}

extension Store {
    /// Rows per statement when folding, importing or paging deliveries.
    static let lanePageSize = 500

    /// Inserts one delivered parcel; an id or shipment already stored is left as it is.
    static func insertDelivery(_ parcel: DeliveredParcel, shipmentID: Int64?, db: any SQLConnection) throws {
        try db.execute(
            sql: """
                INSERT INTO deliveries (id, shipment_id, carrier, service, origin_country, destination_country, postcode, paid_at,
                first_scan_at, delivered_at, promised_date, carrier_estimate) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT DO NOTHING
                """,
            arguments: [
                parcel.id, shipmentID, parcel.carrier, parcel.service, parcel.originCountry, parcel.destinationCountry, parcel.postcode,
                parcel.paidAt?.timeIntervalSince1970, parcel.firstScanAt.timeIntervalSince1970, parcel.deliveredAt.timeIntervalSince1970,
                parcel.promisedDate?.description, parcel.carrierEstimate?.description,
            ])
    }

    /// Records the delivery of `shipmentID` for the lane model, from what the store knows: the
    /// carrier, the order's postcode and payment, the parcel's promise (its own, else its order's
    /// for an original), the earliest event as the first scan, the earliest delivered event, and
    /// `carrierEstimate`, the carrier's estimate before this update (its day in the destination's
    /// zone). Once per shipment.
    static func recordDelivery(shipmentID: Int64, origin: String, destination: String, carrierEstimate: Date?, db: any SQLConnection) throws {
        guard
            let row = try db.fetchOne(
                sql: """
                    SELECT s.carrier, o.postcode, o.paid_at,
                    COALESCE(s.promised_date, CASE WHEN s.replaces_shipment_id IS NULL THEN o.promised_date END) AS promised,
                    (SELECT MIN(e.time) FROM events e WHERE e.shipment_id = s.id) AS first_scan,
                    (SELECT MIN(e.time) FROM events e WHERE e.shipment_id = s.id AND e.status = 'delivered') AS delivered
                    FROM shipments s JOIN orders o ON o.id = s.order_id WHERE s.id = ?
                    """, arguments: [shipmentID]),
            let firstScan: Double = try row.optional("first_scan"), let delivered: Double = try row.optional("delivered")
        else { return }
        let zone = CountryZone.zone(destination)
        let parcel = DeliveredParcel(
            id: "shipment:\(shipmentID)", carrier: try row["carrier"], originCountry: origin, destinationCountry: destination,
            postcode: try row["postcode"], paidAt: try row.optionalDate("paid_at"), firstScanAt: Date(timeIntervalSince1970: firstScan),
            deliveredAt: Date(timeIntervalSince1970: delivered), promisedDate: (try row.optional("promised", as: String.self)).flatMap(CivilDate.init),
            carrierEstimate: carrierEstimate.map { CivilDate($0, in: zone) })
        try insertDelivery(parcel, shipmentID: shipmentID, db: db)
    }

    /// A `deliveries` row as the lane model reads it.
    static func decodeDelivery(_ row: SQLRow) throws -> DeliveredParcel {
        func day(_ column: String) throws -> CivilDate? {
            guard let text: String = try row.optional(column) else { return nil }
            guard let date = CivilDate(text) else {
                throw StoreError.failed(operation: "reading the delivery history", detail: "deliveries.\(column) holds '\(text)', not a YYYY-MM-DD day")
            }
            return date
        }
        return DeliveredParcel(
            id: try row["id"], carrier: try row["carrier"], service: try row.optional("service"), originCountry: try row["origin_country"],
            destinationCountry: try row["destination_country"], postcode: try row["postcode"], paidAt: try row.optionalDate("paid_at"),
            firstScanAt: try row.date("first_scan_at"), deliveredAt: try row.date("delivered_at"), promisedDate: try day("promised_date"),
            carrierEstimate: try day("carrier_estimate"))
    }
}
