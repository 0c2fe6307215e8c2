import Foundation
import ParcelCore

/// The shop report (``ShopReport``) in the SQL store: every figure aggregated by the database,
/// in one consistent snapshot, with statements that run unchanged on SQLite and PostgreSQL.
///
/// Only two things are not plain aggregates. The on-time rule needs the shop's time zone, which
/// SQLite does not have, so delivered parcels with a promise are read page by page (`id`,
/// carrier, promised day, first delivery time) and judged in Swift, memory flat; so are the
/// undelivered ones still owed whose promised day is before the report's local today. The median
/// needs no sorting in Swift: the count first, then only the one or two middle rows. Lists
/// are sorted in Swift, not by the database's collation, so both stores answer in the same order.
///
/// Every statement reads the window only, never the whole table (issue 17): shipments are
/// reached through `shipments_created` (a `CROSS JOIN` from the index's range, which SQLite
/// keeps as the outer loop and PostgreSQL plans freely), pages start at the window's first id,
/// cases by `incidents_opened`, a parcel's cases through `incidents_by_shipment` and its events'
/// statuses, reasons and times through the covering `events_shipment_status`. So the report
/// costs what the window holds, whatever the store's age; and once the per-day summaries are
/// kept in the report's zone (Store+ReportSummaries.swift), the carrier figures cost the days and
/// the changes not yet folded, not the parcels.
extension Store.Reports {
    /// The shop's figures for shipments and cases created at or after `since` (see
    /// ``ShopReport`` for every definition): per carrier on-time, damage and loss rates, cases by
    /// kind, the median time to the customer's first notice, SLA compliance per clock and the
    /// money refunded, compensated and reshipped per currency. Delivery days are judged in
    /// `timeZone` (the shop's); clocks still unmet are judged at `now`. Read from one snapshot.
    public func report(since: Date, now: Date, timeZone: TimeZone) throws -> ShopReport {
        try tx.step("computing the shop report", .read)
        let start = since.timeIntervalSince1970
        let time = now.timeIntervalSince1970
        return ShopReport(
            since: since, generatedAt: now, timeZone: timeZone.identifier,
            carriers: try Store.summarizedCarrierFigures(db, since: start, now: now, timeZone: timeZone)
                ?? Store.carrierFigures(db, since: start, now: now, timeZone: timeZone),
            incidents: try Store.incidentCounts(db, since: start),
            firstNotice: try Store.firstNotice(db, since: start),
            sla: try Store.clockCompliance(db, since: start, now: time),
            money: try Store.currencyTotals(db, since: start))
    }
}

extension Store {
    /// Rows per page when judging on-time deliveries.
    static let reportPageSize = 1000

    // MARK: Carriers

    /// A parcel counts as damaged: a damage reason from the carrier, or a damage case (a
    /// customer's "damaged on arrival" included) not dismissed as a false alarm.
    static let damagedCondition = """
        EXISTS (SELECT 1 FROM events e WHERE e.shipment_id = s.id AND e.reason IN ('damaged', 'damagedOrLost'))
        OR EXISTS (SELECT 1 FROM incidents i WHERE i.shipment_id = s.id AND i.state <> 'dismissed'
                   AND (i.kind IN ('damaged', 'damagedOrLost') OR (i.kind = 'customerReport' AND i.evidence LIKE 'report:damagedOnArrival:%')))
        """

    /// A parcel counts as lost: the carrier said lost, or a `lost` case (said or presumed) not
    /// dismissed; and it was never delivered after all.
    static let lostCondition = """
        (EXISTS (SELECT 1 FROM events e WHERE e.shipment_id = s.id AND e.reason = 'lost')
         OR EXISTS (SELECT 1 FROM incidents i WHERE i.shipment_id = s.id AND i.state <> 'dismissed' AND i.kind = 'lost'))
        AND NOT EXISTS (SELECT 1 FROM events e WHERE e.shipment_id = s.id AND e.status = 'delivered')
        """

    static func carrierFigures(_ db: any SQLConnection, since: Double, now: Date, timeZone: TimeZone) throws -> [ShopReport.CarrierFigures] {
        var figures = try db.fetchAll(
            sql: """
                SELECT s.carrier AS carrier, COUNT(*) AS shipments,
                       SUM(CASE WHEN EXISTS (SELECT 1 FROM events e WHERE e.shipment_id = s.id AND e.status = 'delivered') THEN 1 ELSE 0 END) AS delivered,
                       SUM(CASE WHEN \(damagedCondition) THEN 1 ELSE 0 END) AS damaged,
                       SUM(CASE WHEN \(lostCondition) THEN 1 ELSE 0 END) AS lost
                FROM shipments w CROSS JOIN shipments s WHERE w.created_at >= ? AND s.id = w.id GROUP BY s.carrier
                """, arguments: [since]
        ).map { row in
            ShopReport.CarrierFigures(
                carrier: try row["carrier"], shipments: try row["shipments"], delivered: try row["delivered"], deliveredWithPromise: 0,
                onTime: 0, damaged: try row["damaged"], lost: try row["lost"])
        }.sorted { $0.carrier < $1.carrier }
        // Pages walk ids from just before the window's first one: nothing older is read.
        // (`id + 0`: SQLite's MIN(id) would walk the table by id until a row is in the window.)
        let first = try db.scalar(Int64.self, sql: "SELECT MIN(id + 0) FROM shipments WHERE created_at >= ?", arguments: [since])
        guard let first else { return figures }
        var promised: [String: (judged: Int, onTime: Int)] = [:]
        var after = first - 1
        while true {
            // No GROUP BY: the first delivery is a subquery, so a page stops at its LIMIT.
            let page = try db.fetchAll(
                sql: """
                    SELECT s.id AS id, s.carrier AS carrier, \(promise) AS promised_date,
                           (SELECT MIN(e.time) FROM events e WHERE e.shipment_id = s.id AND e.status = 'delivered') AS delivered_at
                    FROM shipments s JOIN orders o ON o.id = s.order_id
                    WHERE s.created_at >= ? AND s.id > ? AND \(promise) IS NOT NULL
                      AND EXISTS (SELECT 1 FROM events e WHERE e.shipment_id = s.id AND e.status = 'delivered')
                    ORDER BY s.id LIMIT ?
                    """, arguments: [since, after, reportPageSize])
            for row in page {
                let deliveredAt = try row.date("delivered_at")
                guard let onTime = ReportBuilder.isOnTime(deliveredAt: deliveredAt, promisedDate: try row["promised_date"], in: timeZone) else { continue }
                let carrier: String = try row["carrier"]
                var tally = promised[carrier] ?? (0, 0)
                tally.judged += 1
                if onTime { tally.onTime += 1 }
                promised[carrier] = tally
            }
            guard page.count == reportPageSize, let last = page.last else { break }
            after = try last["id"]
        }
        // Not delivered and still owed, with the promised day over: late too. `YYYY-MM-DD`
        // text sorts as the days do, so the database drops the promises not yet due; each one
        // left is read again as a day, which drops the unreadable ones.
        let today = CivilDate(now, in: timeZone).description
        var overdue: [String: Int] = [:]
        after = first - 1
        while true {
            let page = try db.fetchAll(
                sql: """
                    SELECT s.id AS id, s.carrier AS carrier, \(promise) AS promised_date
                    FROM shipments s JOIN orders o ON o.id = s.order_id
                    WHERE s.created_at >= ? AND s.id > ? AND \(promise) < ? AND \(stillOwed)
                    ORDER BY s.id LIMIT ?
                    """, arguments: [since, after, today, reportPageSize])
            for row in page where ReportBuilder.isOverdue(promisedDate: try row["promised_date"], now: now, in: timeZone) == true {
                overdue[try row["carrier"] as String, default: 0] += 1
            }
            guard page.count == reportPageSize, let last = page.last else { break }
            after = try last["id"]
        }
        for index in figures.indices {
            let tally = promised[figures[index].carrier] ?? (0, 0)
            figures[index].deliveredWithPromise = tally.judged
            figures[index].onTime = tally.onTime
            figures[index].lateUndelivered = overdue[figures[index].carrier] ?? 0
        }
        return figures
    }

    /// The promise a parcel is judged by: its own (a replacement's), else its order's; a
    /// replacement without one of its own has none.
    static let promise = "COALESCE(s.promised_date, CASE WHEN s.replaces_shipment_id IS NULL THEN o.promised_date END)"

    /// A parcel the customer is still owed: never delivered, its order not cancelled, not on its
    /// way back or returned to the sender, and not settled instead (its order refunded, or this
    /// parcel reshipped: requested, under way or done).
    static let stillOwed = """
        NOT EXISTS (SELECT 1 FROM events e WHERE e.shipment_id = s.id AND e.status = 'delivered')
        AND o.cancelled_at IS NULL AND s.status NOT IN ('returning', 'returned')
        AND NOT EXISTS (SELECT 1 FROM incidents i CROSS JOIN actions a
                        WHERE i.order_id = s.order_id AND a.incident_id = i.id AND a.kind = 'refund' AND a.state IN ('pending', 'sending', 'done'))
        AND NOT EXISTS (SELECT 1 FROM incidents i CROSS JOIN actions a
                        WHERE i.shipment_id = s.id AND a.incident_id = i.id AND a.kind = 'reship' AND a.state IN ('pending', 'sending', 'done'))
        """

    // MARK: Cases

    static func incidentCounts(_ db: any SQLConnection, since: Double) throws -> [ShopReport.IncidentCount] {
        try db.fetchAll(
            sql: """
                SELECT kind, COUNT(*) AS opened, SUM(CASE WHEN closed_at IS NULL THEN 1 ELSE 0 END) AS still_open
                FROM incidents WHERE opened_at >= ? GROUP BY kind
                """, arguments: [since]
        ).map { ShopReport.IncidentCount(kind: try $0["kind"], opened: try $0["opened"], stillOpen: try $0["still_open"]) }
            .sorted { $0.kind < $1.kind }
    }

    static func firstNotice(_ db: any SQLConnection, since: Double) throws -> ShopReport.FirstNotice {
        let counts = try db.fetchOne(
            sql: """
                SELECT COUNT(*) AS cases, SUM(CASE WHEN notified_at IS NOT NULL THEN 1 ELSE 0 END) AS notified
                FROM incidents WHERE customer_facing = 1 AND opened_at >= ?
                """, arguments: [since])
        // SUM over no cases is NULL: none notified.
        let notified: Int = try counts?.optional("notified") ?? 0
        var median: Double?
        if let rows = ReportBuilder.medianRows(count: notified) {
            let middle = try db.scalars(
                Double.self,
                sql: """
                    SELECT notified_at - opened_at AS delay FROM incidents
                    WHERE customer_facing = 1 AND opened_at >= ? AND notified_at IS NOT NULL
                    ORDER BY delay LIMIT ? OFFSET ?
                    """, arguments: [since, rows.limit, rows.offset])
            median = ReportBuilder.median(middle: middle)
        }
        return ShopReport.FirstNotice(customerFacing: try counts?["cases"] ?? 0, notified: notified, medianSeconds: median)
    }

    /// Breached: escalated, met after the deadline, or unmet while open when the deadline passed.
    static func breach(clock: SLAClock, due: String, met: String) -> String {
        """
        EXISTS (SELECT 1 FROM escalations x WHERE x.incident_id = i.id AND x.clock = '\(EscalationEntry.breach(clock).stored)')
        OR (\(met) IS NOT NULL AND \(met) > \(due))
        OR (\(met) IS NULL AND \(due) < ? AND (i.closed_at IS NULL OR i.closed_at > \(due)))
        """
    }

    static func clockCompliance(_ db: any SQLConnection, since: Double, now: Double) throws -> [ShopReport.ClockCompliance] {
        let row = try db.fetchOne(
            sql: """
                SELECT SUM(CASE WHEN i.notice_due IS NOT NULL THEN 1 ELSE 0 END) AS notice_cases,
                       SUM(CASE WHEN i.notice_due IS NOT NULL AND (\(breach(clock: .notice, due: "i.notice_due", met: "i.notified_at"))) THEN 1 ELSE 0 END)
                           AS notice_breached,
                       SUM(CASE WHEN i.first_touch_due IS NOT NULL THEN 1 ELSE 0 END) AS touch_cases,
                       SUM(CASE WHEN i.first_touch_due IS NOT NULL AND (\(breach(clock: .firstTouch, due: "i.first_touch_due", met: "i.first_touched_at")))
                           THEN 1 ELSE 0 END) AS touch_breached,
                       SUM(CASE WHEN i.resolution_due IS NOT NULL THEN 1 ELSE 0 END) AS resolution_cases,
                       SUM(CASE WHEN i.resolution_due IS NOT NULL AND (\(breach(clock: .resolution, due: "i.resolution_due", met: "i.closed_at")))
                           THEN 1 ELSE 0 END) AS resolution_breached
                FROM incidents i WHERE i.opened_at >= ?
                """, arguments: [now, now, now, since])
        // SUMs over no cases are NULL: none.
        func clock(_ clock: SLAClock, _ prefix: String) throws -> ShopReport.ClockCompliance {
            ShopReport.ClockCompliance(clock: clock, cases: try row?.optional(prefix + "_cases") ?? 0, breached: try row?.optional(prefix + "_breached") ?? 0)
        }
        return [try clock(.notice, "notice"), try clock(.firstTouch, "touch"), try clock(.resolution, "resolution")]
    }

    // MARK: Money

    static func currencyTotals(_ db: any SQLConnection, since: Double) throws -> [ShopReport.CurrencyTotals] {
        // A reship is worth the order sent again; a refund or voucher its recorded amount (the
        // order's value when none was recorded). Sums are cast so PostgreSQL answers bigint.
        let rows = try db.fetchAll(
            sql: """
                SELECT kind, currency, COUNT(*) AS actions, CAST(SUM(minor) AS BIGINT) AS total FROM (
                    SELECT a.kind AS kind,
                           CASE WHEN a.kind = 'reship' OR a.amount_minor IS NULL THEN o.currency ELSE a.currency END AS currency,
                           CASE WHEN a.kind = 'reship' OR a.amount_minor IS NULL THEN o.value_minor ELSE a.amount_minor END AS minor
                    FROM incidents i CROSS JOIN actions a LEFT JOIN orders o ON o.id = i.order_id
                    WHERE a.incident_id = i.id AND a.state = 'done' AND a.kind IN ('refund', 'compensate', 'reship') AND i.opened_at >= ?
                ) done_actions GROUP BY kind, currency
                """, arguments: [since])
        var totals: [String: ShopReport.CurrencyTotals] = [:]
        for row in rows {
            guard let currency: String = try row.optional("currency") else { continue }
            var entry = totals[currency] ?? ShopReport.CurrencyTotals(currency: currency)
            let count: Int = try row["actions"]
            let sum: Int64 = try row["total"]
            switch try row["kind"] as String {
            case ActionKind.refund.rawValue: (entry.refunds, entry.refundedMinor) = (count, sum)
            case ActionKind.compensate.rawValue: (entry.compensations, entry.compensatedMinor) = (count, sum)
            default: (entry.reships, entry.reshippedValueMinor) = (count, sum)
            }
            totals[currency] = entry
        }
        return totals.values.sorted { $0.currency < $1.currency }
    }
}
