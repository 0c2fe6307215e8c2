import Foundation
import HTTPTypes
import Hummingbird
import ParcelCore
import ParcelOps
import ParcelStore

/// `/staff/report`: the shop report of `parcelwatch report` (``Store/report(since:now:timeZone:)``)
/// as tables, with totals over the carriers.
extension StaffConsole {
    /// `GET /staff/report[?since=YYYY-MM-DD]`: the window starts at that day's midnight in the
    /// shop's time zone (or a duration such as `30d`), 30 days back by default; a day in the
    /// future or anything else is a 400 saying what is accepted.
    func report(_ request: Request, _ session: StaffSession) async throws -> Response {
        let now = options.clock.now, zone = options.config.timeZone
        let sinceText = Self.given(try RequestText.query(request)["since"].map { String($0.prefix(40)) })
        var values = common(session, title: "Shop report", section: "report")
        guard let start = sinceText.map({ ReportBuilder.since($0, now: now, zone: zone) }) ?? now.addingTimeInterval(-30 * 86_400) else {
            values["since"] = sinceText ?? ""
            values["error"] = "since '\(sinceText ?? "")' is not a day such as 2026-11-01 (at most today) or a duration such as 30d, 2w or 12h"
            return page(.badRequest, "report", values)
        }
        let report = try await store.read { try $0.reports.report(since: start, now: now, timeZone: zone) }
        let view = view
        values["since"] = CivilDate(start, in: zone).description
        values["window"] = ["from": view.stamp(report.since) ?? [:], "to": view.stamp(report.generatedAt) ?? [:], "zone": report.timeZone]
        values["carriers"] = report.carriers.map { carrier -> [String: Any] in
            [
                "carrier": options.carrierNames[carrier.carrier] ?? carrier.carrier, "shipments": String(carrier.shipments),
                "delivered": String(carrier.delivered), "onTime": Self.percent(carrier.onTimeRate) + " (\(carrier.onTime)/\(carrier.judged))",
                "deliveredLate": String(carrier.deliveredLate), "lateUndelivered": String(carrier.lateUndelivered),
                "damaged": Self.percent(carrier.damageRate) + " (\(carrier.damaged))", "lost": Self.percent(carrier.lossRate) + " (\(carrier.lost))",
            ]
        }
        values["hasCarriers"] = !report.carriers.isEmpty
        values["total"] = Self.total(report.carriers)
        values["incidents"] = report.incidents.map { ["kind": $0.kind, "opened": String($0.opened), "stillOpen": String($0.stillOpen)] }
        values["hasIncidents"] = !report.incidents.isEmpty
        let notice = report.firstNotice
        values["notice"] = [
            "customerFacing": String(notice.customerFacing), "notified": String(notice.notified),
            "median": notice.medianSeconds.map { Self.duration($0) } ?? "—",
        ]
        values["sla"] = report.sla.map {
            ["clock": StaffView.clockName($0.clock), "cases": String($0.cases), "breached": String($0.breached), "kept": Self.percent($0.compliance)]
        }
        values["money"] = report.money.map {
            [
                "currency": $0.currency, "refunded": Money(minorUnits: $0.refundedMinor, currency: $0.currency).description + " (\($0.refunds))",
                "compensated": Money(minorUnits: $0.compensatedMinor, currency: $0.currency).description + " (\($0.compensations))",
                "reshipped": Money(minorUnits: $0.reshippedValueMinor, currency: $0.currency).description + " (\($0.reships))",
            ]
        }
        values["hasMoney"] = !report.money.isEmpty
        return page(.ok, "report", values)
    }

    /// The carriers' figures added up, with the rates of the sums.
    private static func total(_ carriers: [ShopReport.CarrierFigures]) -> [String: Any] {
        let sum = carriers.reduce(ShopReport.CarrierFigures(carrier: "", shipments: 0, delivered: 0, deliveredWithPromise: 0, onTime: 0, damaged: 0, lost: 0)) {
            ShopReport.CarrierFigures(
                carrier: "", shipments: $0.shipments + $1.shipments, delivered: $0.delivered + $1.delivered,
                deliveredWithPromise: $0.deliveredWithPromise + $1.deliveredWithPromise, onTime: $0.onTime + $1.onTime,
                lateUndelivered: $0.lateUndelivered + $1.lateUndelivered,
                damaged: $0.damaged + $1.damaged, lost: $0.lost + $1.lost)
        }
        return [
            "shipments": String(sum.shipments), "delivered": String(sum.delivered),
            "onTime": percent(sum.onTimeRate) + " (\(sum.onTime)/\(sum.judged))",
            "deliveredLate": String(sum.deliveredLate), "lateUndelivered": String(sum.lateUndelivered),
            "damaged": percent(sum.damageRate) + " (\(sum.damaged))", "lost": percent(sum.lossRate) + " (\(sum.lost))",
        ]
    }

    /// `93.5%`, or `—` for a rate of nothing.
    static func percent(_ rate: Double?) -> String {
        rate.map { String(format: "%.1f%%", $0 * 100) } ?? "—"
    }

    /// `45s`, `35m`, `2h 5m`, `3d 4h`.
    static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "—" }
        let whole = Int(max(0, min(seconds, 1e12)).rounded())
        if whole < 60 { return "\(whole)s" }
        let minutes = whole / 60
        if minutes < 60 { return "\(minutes)m" }
        if minutes < 24 * 60 { return "\(minutes / 60)h \(minutes % 60)m" }
        return "\(minutes / 1440)d \(minutes % 1440 / 60)h"
    }
}
