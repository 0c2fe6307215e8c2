import ArgumentParser
import Foundation
import ParcelCore
import ParcelOps
import ParcelStore

/// `parcelwatch report [--since DATE] [--json|--csv]`: the shop's figures for a window.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Shop report: carriers' on-time, damage and loss rates, cases, notice times, SLA compliance and money paid out.",
        discussion: """
            The window is every shipment and case created at or after --since: a day
            (YYYY-MM-DD, from midnight in the shop's shop.timezone) or a duration
            before now (30d, 2w, 12h); default 30d. Now is --now, else the real time.

            Examples:
              parcelwatch report                               the last 30 days, as tables
              parcelwatch report --since 2026-11-01 --json     November so far, for scripts
              parcelwatch report --since 7d --csv > week.csv   last week, for a spreadsheet
              parcelwatch report --since 2026-10-01 --now 2026-11-01T00:00:00Z

            Definitions:
              promise   the parcel's own promised date (a replacement's), else its
                        order's; a replacement without its own is never judged.
                        Days are local days in shop.timezone; today is now's day
              on time   first `delivered` event's local date on or before the
                        promised date; delivered late: after it
              late, not delivered
                        no `delivered` event and the promised day is before today
                        (a promise for today is not late yet), for a parcel still
                        owed: its order not cancelled, not returning or returned
                        to the sender, and neither its order refunded nor the
                        parcel reshipped (requested, under way or done); those
                        are counted by their cases, loss, damage and money
              judged    on time + delivered late + late, not delivered: the
                        on-time rate is onTime / judged; late = deliveredLate +
                        lateUndelivered
              damaged   a carrier event with reason damaged or damagedOrLost, or a
                        damaged / damagedOrLost case or a customer's
                        damagedOnArrival report, not dismissed; damagedOrLost
                        counts as damage only. Rate: share of the shipments
              lost      a carrier event with reason lost, or a lost case (said, or
                        presumed after days without a scan) not dismissed, unless
                        the parcel was delivered after all. Rate: share of shipments
              notice    median seconds from opening a customer-facing case to the
                        customer's first notice, over the cases notified so far
              SLA       per clock (notice, firstTouch, resolution): the share of the
                        window's cases not breached. Breached: escalated, met after
                        the deadline, or unmet with the deadline passed
              money     done actions of the window's cases, per currency: refunds
                        and compensation at their amount, reships at the value of
                        the order sent again (carrier claims are left out)

            --json: one object, every key always present (null where a rate or
            median is undefined), times ISO-8601 UTC, money in minor units:
              since, generatedAt, timeZone,
              carriers[]: carrier, shipments, delivered, deliveredWithPromise,
                          onTime, deliveredLate, lateUndelivered, judged, late,
                          onTimeRate, damaged, damageRate, lost, lossRate
              incidents[]: kind, opened, stillOpen
              firstNotice: customerFacing, notified, medianSeconds
              sla[]: clock, cases, breached, compliance
              money[]: currency, refunds, refundedMinor, compensations,
                       compensatedMinor, reships, reshippedValueMinor

            --csv: RFC 4180 (CRLF, quoted where needed). One header line, then the
            same \(Self.csvHeader.count) columns on every row; a section leaves the others empty:
              section, key        always: the section and what the row is about
              carrier  (key: carrier id)  shipments, delivered,
                       delivered_with_promise, on_time, delivered_late,
                       late_undelivered, judged, late, on_time_rate, damaged,
                       damage_rate, lost, loss_rate
              incidents (key: kind)       opened, still_open
              notice   (key: firstNotice) customer_facing, notified,
                       median_notice_seconds
              sla      (key: clock)       cases, breached, compliance
              money    (key: currency)    refunds, refunded, compensations,
                       compensated, reships, reshipped_value (decimal amounts)
            The columns are in that order. Rates are shares 0-1 with four decimals;
            an undefined rate or median is an empty cell.

            Exit codes: 0 success, 2 bad --since or options, 4 database unusable.
            """)

    @OptionGroup var store: StoreOptions
    @OptionGroup var output: OutputOptions
    @Flag(help: "Print CSV (RFC 4180) for spreadsheets instead of tables.") var csv = false
    @Option(help: "Start of the window: YYYY-MM-DD (midnight in shop.timezone) or a duration before now such as 30d, 2w, 12h (default: 30d).")
    var since: String?

    func validate() throws {
        if output.json && csv { throw ValidationError("--json and --csv cannot be combined; choose one") }
    }

    func run() async throws {
        let config = try store.shopConfig()
        let now = try store.clock().now
        let start = try window(now: now, zone: config.timeZone)
        let database = try await store.openStore(.readOnly)
        let report: ShopReport
        do { report = try await database.read { try $0.reports.report(since: start, now: now, timeZone: config.timeZone) } } catch { throw fail(.store(error)) }
        if output.json { return try printJSON(report) }
        if csv {
            FileHandle.standardOutput.write(Data(Self.csv(report).utf8))
            return
        }
        print(Self.text(report))
    }

    /// The start of the window from `--since`; otherwise exit 2 with what is accepted.
    private func window(now: Date, zone: TimeZone) throws -> Date {
        guard let since else { return now.addingTimeInterval(-30 * 86_400) }
        if let start = ReportBuilder.since(since, now: now, zone: zone) { return start }
        let reason =
            CivilDate(since.trimmingCharacters(in: .whitespaces)) != nil
            ? "--since \(since) is after now (\(ISOTime.utc(now))); the window must start in the past"
            : "--since '\(since)' is not a day such as 2026-11-01 or a duration such as 30d, 2w or 12h"
        FileHandle.standardError.write(Data("error: \(reason)\n".utf8))
        throw ExitCode(2)
    }
}

// MARK: CSV

extension ReportCommand {
    /// Every CSV column, in order.
    static let csvHeader = [
        "section", "key", "shipments", "delivered", "delivered_with_promise", "on_time", "delivered_late", "late_undelivered", "judged", "late",
        "on_time_rate", "damaged", "damage_rate", "lost", "loss_rate", "opened", "still_open", "customer_facing", "notified", "median_notice_seconds", "cases",
        "breached", "compliance",
        "refunds", "refunded", "compensations", "compensated", "reships", "reshipped_value",
    ]

    /// The report as RFC 4180 CSV.
    static func csv(_ report: ShopReport) -> String {
        var lines = [csvLine(csvHeader)]
        func row(_ section: String, _ key: String, _ cells: [String: String]) {
            var values = csvHeader.map { cells[$0] ?? "" }
            values[0] = section
            values[1] = key
            lines.append(csvLine(values))
        }
        for carrier in report.carriers {
            row(
                "carrier", carrier.carrier,
                [
                    "shipments": String(carrier.shipments), "delivered": String(carrier.delivered),
                    "delivered_with_promise": String(carrier.deliveredWithPromise), "on_time": String(carrier.onTime),
                    "delivered_late": String(carrier.deliveredLate), "late_undelivered": String(carrier.lateUndelivered),
                    "judged": String(carrier.judged), "late": String(carrier.late),
                    "on_time_rate": share(carrier.onTimeRate), "damaged": String(carrier.damaged), "damage_rate": share(carrier.damageRate),
                    "lost": String(carrier.lost), "loss_rate": share(carrier.lossRate),
                ])
        }
        for kind in report.incidents {
            row("incidents", kind.kind, ["opened": String(kind.opened), "still_open": String(kind.stillOpen)])
        }
        let notice = report.firstNotice
        row(
            "notice", "firstNotice",
            [
                "customer_facing": String(notice.customerFacing), "notified": String(notice.notified),
                "median_notice_seconds": notice.medianSeconds.map(seconds) ?? "",
            ])
        for clock in report.sla {
            row("sla", clock.clock.rawValue, ["cases": String(clock.cases), "breached": String(clock.breached), "compliance": share(clock.compliance)])
        }
        for money in report.money {
            row(
                "money", money.currency,
                [
                    "refunds": String(money.refunds), "refunded": decimal(money.refundedMinor, money.currency),
                    "compensations": String(money.compensations), "compensated": decimal(money.compensatedMinor, money.currency),
                    "reships": String(money.reships), "reshipped_value": decimal(money.reshippedValueMinor, money.currency),
                ])
        }
        return lines.joined()
    }

    /// One record: fields with a comma, quote, CR or LF quoted, quotes doubled, CRLF at the end.
    static func csvLine(_ fields: [String]) -> String {
        fields.map { field in
            field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" })
                ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
        }.joined(separator: ",") + "\r\n"
    }

    private static func share(_ rate: Double?) -> String {
        rate.map { String(format: "%.4f", $0) } ?? ""
    }

    private static func seconds(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(format: "%.1f", value)
    }

    private static func decimal(_ minor: Int64, _ currency: String) -> String {
        Money(minorUnits: minor, currency: currency).decimalText
    }
}

// MARK: Tables

extension ReportCommand {
    /// The report as tables for people.
    static func text(_ report: ShopReport) -> String {
        var out: [String] = []
        out.append(
            Terminal.bold("Shop report") + " since \(When.short(report.since)) UTC, as of \(When.short(report.generatedAt)) UTC "
                + Terminal.dim("(delivery days in \(report.timeZone))"))

        out.append("\n" + Terminal.bold("Carriers") + Terminal.dim(" · shipments created in the window"))
        if report.carriers.isEmpty {
            out.append(Terminal.dim("no shipments"))
        } else {
            out.append(
                Terminal.table(
                    ["CARRIER", "SHIPMENTS", "DELIVERED", "ON TIME", "LATE", "DAMAGED", "LOST"],
                    report.carriers.map {
                        [
                            $0.carrier, String($0.shipments), String($0.delivered), percent($0.onTimeRate) + Terminal.dim(" (\($0.onTime)/\($0.judged))"),
                            String($0.late) + Terminal.dim(" (\($0.deliveredLate) delivered late, \($0.lateUndelivered) not delivered)"),
                            percent($0.damageRate) + Terminal.dim(" (\($0.damaged))"), percent($0.lossRate) + Terminal.dim(" (\($0.lost))"),
                        ]
                    }))
            out.append(
                Terminal.dim(
                    "On time: delivered by the promised day, of the parcels judged (delivered, or still owed with the day over);\n"
                        + "late: delivered after it, or not delivered with it over (see --help)."))
        }

        out.append("\n" + Terminal.bold("Incidents") + Terminal.dim(" · opened in the window"))
        if report.incidents.isEmpty {
            out.append(Terminal.dim("no incidents"))
        } else {
            out.append(
                Terminal.table(
                    ["KIND", "OPENED", "STILL OPEN"],
                    report.incidents.map {
                        [$0.kind, String($0.opened), $0.stillOpen > 0 ? Terminal.paint(String($0.stillOpen), "33") : "0"]
                    }))
        }

        let notice = report.firstNotice
        let waiting = notice.customerFacing - notice.notified
        out.append(
            "\n" + Terminal.bold("First customer notice") + ": "
                + (notice.medianSeconds.map { "median \(duration($0)) over \(notice.notified) notified case(s)" } ?? "no customer notified yet")
                + (waiting > 0 ? Terminal.paint(" · \(waiting) not notified yet", "33") : ""))

        out.append("\n" + Terminal.bold("SLA") + Terminal.dim(" · clocks of the cases opened in the window"))
        out.append(
            Terminal.table(
                ["CLOCK", "CASES", "BREACHED", "KEPT"],
                report.sla.map {
                    [$0.clock.rawValue, String($0.cases), $0.breached > 0 ? Terminal.paint(String($0.breached), "31") : "0", percent($0.compliance)]
                }))

        out.append("\n" + Terminal.bold("Money") + Terminal.dim(" · done actions of the window's cases"))
        if report.money.isEmpty {
            out.append(Terminal.dim("no refunds, compensation or reships"))
        } else {
            out.append(
                Terminal.table(
                    ["CURRENCY", "REFUNDED", "COMPENSATED", "RESHIPPED (ORDER VALUE)"],
                    report.money.map {
                        [
                            $0.currency, amount($0.refundedMinor, count: $0.refunds), amount($0.compensatedMinor, count: $0.compensations),
                            amount($0.reshippedValueMinor, count: $0.reships),
                        ]
                    }))
        }
        return out.joined(separator: "\n")
    }

    private static func percent(_ rate: Double?) -> String {
        rate.map { String(format: "%.1f%%", $0 * 100) } ?? "—"
    }

    private static func amount(_ minor: Int64, count: Int) -> String {
        Money(minorUnits: minor, currency: "").decimalText + Terminal.dim(" (\(count))")
    }

    /// `45s`, `35m`, `2h 5m`, `3d 4h`.
    private static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "—" }
        let whole = Int(max(0, min(seconds, 1e12)).rounded())
        if whole < 60 { return "\(whole)s" }
        return When.age(TimeInterval(whole))
    }
}
