import Foundation
import ParcelCore

@testable import ParcelStore

/// The shop report exactly as main computed it before issue 17 (commit 7a901b1's
/// Store+Reports.swift, only renamed): the straightforward reading of every row in the window
/// that ``ReportAggregateTests`` holds the indexed statements to. Kept verbatim on purpose; do not
/// "improve" it, it is the definition the fast path must agree with.
extension LegacyReport {
    /// The report as the old statements answer it, inside one read.
    static func report(_ db: any SQLConnection, since: Date, now: Date, timeZone: TimeZone) throws -> ShopReport {
        let start = since.timeIntervalSince1970
        return ShopReport(
            since: since, generatedAt: now, timeZone: timeZone.identifier,
            carriers: try carrierFigures(db, since: start, now: now, timeZone: timeZone),
            incidents: try incidentCounts(db, since: start),
            firstNotice: try firstNotice(db, since: start),
            sla: try clockCompliance(db, since: start, now: now.timeIntervalSince1970),
            money: try currencyTotals(db, since: start))
    }
}

enum LegacyReport {
    /// Rows per page when judging on-time deliveries.
    static let pageSize = 1000

    // MARK: Carriers

    /// A parcel counts as damaged: a damage reason from the carrier, or a damage case (a
    /// customer's "damaged on arrival" included) not dismissed as a false alarm.
    static let damagedCondition = """
        EXISTS (SELECT 1 FROM events e WHERE e.shipment_id = s.id AND e.reason IN ('damaged', 'damagedOrLost'))
        OR s.id IN (SELECT shipment_id FROM incidents WHERE shipment_id IS NOT NULL AND state <> 'dismissed'
                    AND (kind IN ('damaged', 'damagedOrLost') OR (kind = 'customerReport' AND evidence LIKE 'report:damagedOnArrival:%')))
        """

    /// A parcel counts as lost: the carrier said lost, or a `lost` case (said or presumed) not
    /// dismissed; and it was never delivered after all.
    static let lostCondition = """
        (EXISTS (SELECT 1 FROM events e WHERE e.shipment_id = s.id AND e.reason = 'lost')
         OR s.id IN (SELECT shipment_id FROM incidents WHERE shipment_id IS NOT NULL AND state <> 'dismissed' AND kind = 'lost'))
        AND NOT EXISTS (SELECT 1 FROM events e WHERE e.shipment_id = s.id AND e.status = 'delivered')
        """

    static func carrierFigures(_ db: any SQLConnection, since: Double, now: Date, timeZone: TimeZone) throws -> [ShopReport.CarrierFigures] {
        var figures = try db.fetchAll(
            sql: """
                SELECT s.carrier AS carrier, COUNT(*) AS shipments,
                       SUM(CASE WHEN EXISTS (SELECT 1 FROM events e WHERE e.shipment_id = s.id AND e.status = 'delivered') THEN 1 ELSE 0 END) AS delivered,
                       SUM(CASE WHEN \(damagedCondition) THEN 1 ELSE 0 END) AS damaged,
                       SUM(CASE WHEN \(lostCondition) THEN 1 ELSE 0 END) AS lost
                FROM shipments s WHERE s.created_at >= ? GROUP BY s.carrier
                """, arguments: [since]
        ).map { row in
            ShopReport.CarrierFigures(
                carrier: try row["carrier"], shipments: try row["shipments"], delivered: try row["delivered"], deliveredWithPromise: 0,
                onTime: 0, damaged: try row["damaged"], lost: try row["lost"])
        }.sorted { $0.carrier < $1.carrier }
        var promised: [String: (judged: Int, onTime: Int)] = [:]
        var after: Int64 = 0
        while true {
            let page = try db.fetchAll(
                sql: """
                    SELECT s.id AS id, s.carrier AS carrier, \(promise) AS promised_date, MIN(e.time) AS delivered_at
                    FROM shipments s JOIN orders o ON o.id = s.order_id JOIN events e ON e.shipment_id = s.id AND e.status = 'delivered'
                    WHERE s.created_at >= ? AND s.id > ? AND \(promise) IS NOT NULL
                    GROUP BY s.id, s.carrier, s.promised_date, s.replaces_shipment_id, o.promised_date ORDER BY s.id LIMIT ?
                    """, arguments: [since, after, pageSize])
            for row in page {
                let deliveredAt = try row.date("delivered_at")
                guard let onTime = ReportBuilder.isOnTime(deliveredAt: deliveredAt, promisedDate: try row["promised_date"], in: timeZone) else { continue }
                let carrier: String = try row["carrier"]
                var tally = promised[carrier] ?? (0, 0)
                tally.judged += 1
                if onTime { tally.onTime += 1 }
                promised[carrier] = tally
            }
            guard page.count == pageSize, let last = page.last else { break }
            after = try last["id"]
        }
        // Not delivered and still owed, with the promised day over: late too. `YYYY-MM-DD`
        // text sorts as the days do, so the database drops the promises not yet due; each one
        // left is read again as a day, which drops the unreadable ones.
        let today = CivilDate(now, in: timeZone).description
        var overdue: [String: Int] = [:]
        after = 0
        while true {
            let page = try db.fetchAll(
                sql: """
                    SELECT s.id AS id, s.carrier AS carrier, \(promise) AS promised_date
                    FROM shipments s JOIN orders o ON o.id = s.order_id
                    WHERE s.created_at >= ? AND s.id > ? AND \(promise) < ? AND \(stillOwed)
                    ORDER BY s.id LIMIT ?
                    """, arguments: [since, after, today, pageSize])
            for row in page where ReportBuilder.isOverdue(promisedDate: try row["promised_date"], now: now, in: timeZone) == true {
                overdue[try row["carrier"] as String, default: 0] += 1
            }
            guard page.count == pageSize, let last = page.last else { break }
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
        AND NOT EXISTS (SELECT 1 FROM actions a JOIN incidents i ON i.id = a.incident_id
                        WHERE a.state IN ('pending', 'sending', 'done')
                          AND ((a.kind = 'refund' AND i.order_id = s.order_id) OR (a.kind = 'reship' AND i.shipment_id = s.id)))
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
                    FROM actions a JOIN incidents i ON i.id = a.incident_id LEFT JOIN orders o ON o.id = i.order_id
                    WHERE a.state = 'done' AND a.kind IN ('refund', 'compensate', 'reship') AND i.opened_at >= ?
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
