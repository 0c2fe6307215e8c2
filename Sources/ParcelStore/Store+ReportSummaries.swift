import Foundation
import ParcelCore

/// The shop report's per-day summaries (issue 17: a report over a month of a million parcels
/// must not read a million parcels).
///
/// Each parcel's report facts (``ReportFact``) are kept in `report_facts`, and their sums per
/// creation day (UTC) and carrier in `report_days` (and the parcels still owed, by promised day,
/// in `report_owed`), judged in one time zone, the shop's, named in `report_state`. Triggers on
/// every table a fact is read from (shipments, events, cases, workflow actions, orders) put the
/// parcels a change touches into `report_dirty`; a fold (``Store/refreshReportSummaries(timeZone:batch:)``,
/// at the end of each sweep) reads their facts again and moves the difference into their days.
///
/// The report stays a read: it adds up the summaries of the whole days in its window and the
/// stored facts of the parcels of its first, partial day (`report_facts_created`), then corrects
/// both for the parcels changed since the last fold (their stored facts out, their facts now
/// in). So it costs the days, the changes not yet folded and one day's stored facts, not the
/// window's parcels. In another time zone than the
/// summaries', or before the first fold, it reads every parcel as before.
///
/// A fold claims the changed parcels by deleting their marks first and only then reads their
/// facts: on PostgreSQL a change still being written holds its mark (the trigger's upsert locks
/// it), so the claim skips it (`SKIP LOCKED`) or the change waits for the fold and marks again.
extension Store.Reports {
    /// Makes the summaries judge delivery days in `timeZone`: when they were kept in another
    /// zone or never, they are emptied and every parcel is marked for the next folds.
    /// - Returns: True when the summaries were started again.
    public func prepareSummaries(timeZone: TimeZone) throws -> Bool {
        try tx.step("starting the report's summaries", .serialized)
        if try Store.summaryZone(db) == timeZone.identifier { return false }
        try db.execute(sql: "DELETE FROM report_days")
        try db.execute(sql: "DELETE FROM report_owed")
        try db.execute(sql: "DELETE FROM report_facts")
        try db.execute(sql: "INSERT INTO report_dirty (shipment_id) SELECT id FROM shipments WHERE id IS NOT NULL ON CONFLICT (shipment_id) DO NOTHING")
        try db.execute(sql: "DELETE FROM report_state")
        try db.execute(sql: "INSERT INTO report_state (id, time_zone) VALUES (1, ?)", arguments: [timeZone.identifier])
        return true
    }

    /// Folds up to `limit` changed parcels into the summaries: their old facts out of their
    /// days, their facts now in (none for a parcel deleted since).
    /// - Returns: How many parcels were folded; fewer than `limit` when no more are waiting.
    public func foldChangedParcels(limit: Int) throws -> Int {
        try tx.step("folding changed parcels into the report's summaries", .serialized)
        guard let zone = try Store.summaryTimeZone(db) else { return 0 }
        let ids = try db.scalars(
            Int64.self,
            sql: """
                DELETE FROM report_dirty WHERE shipment_id IN
                    (SELECT shipment_id FROM report_dirty ORDER BY shipment_id LIMIT ?\(db.dialect.skipLocked))
                RETURNING shipment_id
                """, arguments: [limit])
        guard !ids.isEmpty else { return 0 }
        let old = try Store.storedFacts(db, ids: ids)
        let current = try Store.liveFacts(db, ids: ids)
        var delta = ReportTally(timeZone: zone, byDay: true)
        for fact in old.values { delta.add(fact, sign: -1) }
        for fact in current.values { delta.add(fact) }
        // Sorted, so two folds never lock the same rows in opposite orders.
        for (key, counts) in delta.counts.sorted(by: { $0.key < $1.key }) {
            try db.execute(
                sql: """
                    INSERT INTO report_days (day, carrier, shipments, delivered, damaged, lost, judged, on_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (day, carrier) DO UPDATE SET shipments = report_days.shipments + excluded.shipments,
                        delivered = report_days.delivered + excluded.delivered, damaged = report_days.damaged + excluded.damaged,
                        lost = report_days.lost + excluded.lost, judged = report_days.judged + excluded.judged,
                        on_time = report_days.on_time + excluded.on_time
                    """,
                arguments: [key.day, key.carrier, counts.shipments, counts.delivered, counts.damaged, counts.lost, counts.judged, counts.onTime])
        }
        for (key, parcels) in delta.owed.sorted(by: { $0.key < $1.key }) {
            try db.execute(
                sql: """
                    INSERT INTO report_owed (day, carrier, promised_date, parcels) VALUES (?, ?, ?, ?)
                    ON CONFLICT (day, carrier, promised_date) DO UPDATE SET parcels = report_owed.parcels + excluded.parcels
                    """, arguments: [key.key.day, key.key.carrier, key.promisedDate, parcels])
        }
        if !delta.counts.isEmpty { try db.execute(sql: "DELETE FROM report_days WHERE shipments = 0") }
        if !delta.owed.isEmpty { try db.execute(sql: "DELETE FROM report_owed WHERE parcels = 0") }
        try Store.replaceFacts(db, ids: ids, with: current)
        return ids.count
    }
}

extension Store {
    /// Brings the report's summaries up to date in `timeZone` (the shop's): started again when
    /// they were kept in another zone, then every changed parcel folded in, `batch` per
    /// transaction, so a sweep's writers wait for no long one.
    /// - Returns: How many parcels were folded.
    /// - Throws: ``StoreError`` when the store refuses.
    @discardableResult
    public func refreshReportSummaries(timeZone: TimeZone, batch: Int = 1000) async throws(StoreError) -> Int {
        _ = try await write { try $0.reports.prepareSummaries(timeZone: timeZone) }
        var total = 0
        while true {
            let folded = try await write { try $0.reports.foldChangedParcels(limit: batch) }
            total += folded
            if folded < batch { return total }
        }
    }

    /// What `report_facts` holds of a parcel, as ``ReportFact`` reads it.
    static let storedFactColumns = "shipment_id, created_at, carrier, delivered, damaged, lost, delivered_at, promised_date, owed"

    /// Rows of changed parcels read per page by a report.
    static let summaryPageSize = 500

    /// The zone the summaries are judged in, nil before the first fold.
    static func summaryZone(_ db: any SQLConnection) throws -> String? {
        try db.scalar(String.self, sql: "SELECT time_zone FROM report_state WHERE id = 1")
    }

    /// ``summaryZone(_:)`` as a zone.
    /// - Throws: ``SQLFailure`` when the stored name is no zone this system knows.
    static func summaryTimeZone(_ db: any SQLConnection) throws -> TimeZone? {
        guard let name = try summaryZone(db) else { return nil }
        guard let zone = TimeZone(identifier: name) else {
            throw SQLFailure(message: "report_state names the time zone '\(name)', which this system does not know")
        }
        return zone
    }

    /// The carrier figures from the summaries, or nil when they are not kept in `timeZone`
    /// (the caller then reads every parcel). See the extension's comment for how.
    static func summarizedCarrierFigures(
        _ db: any SQLConnection, since: Double, now: Date, timeZone: TimeZone
    ) throws -> [ShopReport.CarrierFigures]? {
        guard try summaryZone(db) == timeZone.identifier else { return nil }
        let firstDay = Int64((since / 86_400).rounded(.up))
        var tally = ReportTally(timeZone: timeZone, byDay: false)
        let days = try db.fetchAll(
            sql: """
                SELECT carrier, CAST(SUM(shipments) AS BIGINT) AS shipments, CAST(SUM(delivered) AS BIGINT) AS delivered,
                       CAST(SUM(damaged) AS BIGINT) AS damaged, CAST(SUM(lost) AS BIGINT) AS lost,
                       CAST(SUM(judged) AS BIGINT) AS judged, CAST(SUM(on_time) AS BIGINT) AS on_time
                FROM report_days WHERE day >= ? GROUP BY carrier
                """, arguments: [firstDay])
        for row in days {
            let counts = ReportTally.Counts(
                shipments: try row["shipments"], delivered: try row["delivered"], damaged: try row["damaged"], lost: try row["lost"],
                judged: try row["judged"], onTime: try row["on_time"])
            tally.add(counts, day: 0, carrier: try row["carrier"])
        }
        // Promises not yet due are left out by the database (`YYYY-MM-DD` sorts as days do).
        let today = CivilDate(now, in: timeZone).description
        let owed = try db.fetchAll(
            sql: """
                SELECT carrier, promised_date, CAST(SUM(parcels) AS BIGINT) AS parcels FROM report_owed
                WHERE day >= ? AND promised_date < ? GROUP BY carrier, promised_date
                """, arguments: [firstDay, today])
        for row in owed {
            tally.addOwed(try row["parcels"], day: 0, carrier: try row["carrier"], promisedDate: try row["promised_date"])
        }
        // Parcels changed since the last fold: what the summaries hold of them out, what they are now in.
        var after = Int64.min
        while true {
            let ids = try db.scalars(
                Int64.self, sql: "SELECT shipment_id FROM report_dirty WHERE shipment_id > ? ORDER BY shipment_id LIMIT ?",
                arguments: [after, summaryPageSize])
            for fact in try storedFacts(db, ids: ids).values where fact.createdAt >= since { tally.add(fact, sign: -1) }
            for fact in try liveFacts(db, ids: ids).values where fact.createdAt >= since { tally.add(fact) }
            guard ids.count == summaryPageSize, let last = ids.last else { break }
            after = last
        }
        // The window's first day, when it starts within one: the facts folded of its parcels
        // created in the window (those changed since were corrected above).
        let boundary = Double(firstDay) * 86_400
        var position: (key: Double, id: any SQLBindable) = (since, Int64.min)
        while since < boundary {
            let rows = try keysetPage(key: "created_at", id: "shipment_id", after: position, limit: reportPageSize) { condition, arguments, limit in
                try db.fetchAll(
                    sql: """
                        SELECT \(storedFactColumns) FROM report_facts WHERE \(condition) AND created_at < ?
                        ORDER BY created_at, shipment_id LIMIT ?
                        """, arguments: SQLArguments(arguments + [boundary, limit]))
            }
            for row in rows { tally.add(try ReportFact(row: row)) }
            guard rows.count == reportPageSize, let last = rows.last else { break }
            position = (try last["created_at"], try last["shipment_id"] as Int64)
        }
        return tally.figures(now: now)
    }

    /// A parcel's report facts as its rows say now (the definitions of ``carrierFigures(_:since:now:timeZone:)``),
    /// for the parcels `clause` selects (it may end in `ORDER BY` and `LIMIT`).
    static func factsSQL(where clause: String) -> String {
        """
        SELECT s.id AS id, s.created_at AS created_at, s.carrier AS carrier,
               CASE WHEN EXISTS (SELECT 1 FROM events e WHERE e.shipment_id = s.id AND e.status = 'delivered') THEN 1 ELSE 0 END AS delivered,
               CASE WHEN \(damagedCondition) THEN 1 ELSE 0 END AS damaged,
               CASE WHEN \(lostCondition) THEN 1 ELSE 0 END AS lost,
               (SELECT MIN(e.time) FROM events e WHERE e.shipment_id = s.id AND e.status = 'delivered') AS delivered_at,
               CASE WHEN o.id IS NULL THEN NULL ELSE \(promise) END AS promised_date,
               CASE WHEN o.id IS NOT NULL AND \(stillOwed) THEN 1 ELSE 0 END AS owed
        FROM shipments s LEFT JOIN orders o ON o.id = s.order_id WHERE \(clause)
        """
    }

    /// `?, ?, ?` for `count` values.
    private static func placeholders(_ count: Int) -> String { Array(repeating: "?", count: count).joined(separator: ", ") }

    /// The facts of parcels `ids` as their rows say now; a deleted parcel has none.
    static func liveFacts(_ db: any SQLConnection, ids: [Int64]) throws -> [Int64: ReportFact] {
        guard !ids.isEmpty else { return [:] }
        var facts: [Int64: ReportFact] = [:]
        for row in try db.fetchAll(sql: factsSQL(where: "s.id IN (\(placeholders(ids.count)))"), arguments: SQLArguments(ids)) {
            facts[try row["id"]] = try ReportFact(row: row)
        }
        return facts
    }

    /// The facts of parcels `ids` as the summaries hold them; a parcel never folded has none.
    static func storedFacts(_ db: any SQLConnection, ids: [Int64]) throws -> [Int64: ReportFact] {
        guard !ids.isEmpty else { return [:] }
        var facts: [Int64: ReportFact] = [:]
        let rows = try db.fetchAll(
            sql: """
                SELECT \(storedFactColumns) FROM report_facts WHERE shipment_id IN (\(placeholders(ids.count)))
                """, arguments: SQLArguments(ids))
        for row in rows { facts[try row["shipment_id"]] = try ReportFact(row: row) }
        return facts
    }

    /// Rows written per statement when storing facts.
    private static let factsPerInsert = 100

    /// Stores `facts` as what the summaries hold of parcels `ids`.
    static func replaceFacts(_ db: any SQLConnection, ids: [Int64], with facts: [Int64: ReportFact]) throws {
        try db.execute(sql: "DELETE FROM report_facts WHERE shipment_id IN (\(placeholders(ids.count)))", arguments: SQLArguments(ids))
        let rows = facts.sorted { $0.key < $1.key }
        for start in stride(from: 0, to: rows.count, by: factsPerInsert) {
            let chunk = rows[start..<min(rows.count, start + factsPerInsert)]
            var values: [(any SQLBindable)?] = []
            for (id, fact) in chunk {
                values += [id, fact.createdAt, fact.carrier, fact.delivered, fact.damaged, fact.lost, fact.deliveredAt, fact.promisedDate, fact.owed]
            }
            try db.execute(
                sql: """
                    INSERT INTO report_facts (shipment_id, created_at, carrier, delivered, damaged, lost, delivered_at, promised_date, owed)
                    VALUES \(Array(repeating: "(?, ?, ?, ?, ?, ?, ?, ?, ?)", count: chunk.count).joined(separator: ", "))
                    """, arguments: SQLArguments(values))
        }
    }
}
