import Curl
import Foundation
import ParcelCore
import ParcelOps
import ParcelStore
import TestSupport
import Testing

/// `parcelwatch report` from the command line: the JSON and CSV shapes, and bad windows.
@Suite struct ReportCLITests {
    /// A SQLite shop with two delivered parcels (one on time), a damaged one with a notified case
    /// and a done refund, and a config in Europe/Warsaw.
    static func shop() async throws -> (db: String, config: String) {
        let directory = try temporaryDirectory("cli-report")
        let db = directory + "/p.sqlite"
        let config = directory + "/parcelwatch.yaml"
        try Data("shop: { name: Report test, timezone: Europe/Warsaw }\n".utf8).write(to: URL(fileURLWithPath: config))
        let store = try await Store.sqlite(path: db)
        let created = fixtureNow.addingTimeInterval(-10 * 86_400)
        var rows: [ImportRow] = []
        for (id, carrier, number) in [("R-1", "seur", "R1"), ("R-2", "seur", "R2"), ("R-3", "inpost", "R3")] {
            var theOrder = order(id, email: "\(id.lowercased())@example.com", value: 4550)
            theOrder.promisedDate = "2026-11-18"
            rows.append(ImportRow(line: rows.count + 2, order: theOrder, carrier: carrier, trackingNumber: number))
        }
        _ = try await store.write { [rows] tx in try tx.shipments.importRows(rows, dryRun: false, actor: "t", at: created) }
        func scan(_ carrier: String, _ number: String, _ at: Date, _ status: TrackingStatus, _ reason: ExceptionReason? = nil) async throws -> Shipment {
            guard let parcel = try await store.read({ try $0.shipments.shipment(carrier: carrier, trackingNumber: number) }) else {
                throw StoreError.rejected("no parcel \(number)")
            }
            _ = try await store.write(serialized: false) {
                try $0.shipments.apply(
                    TrackingUpdate(
                        shipmentID: parcel.id,
                        events: [
                            TrackingEvent(
                                carrier: carrier, trackingNumber: number, time: CarrierTime(date: at, offsetSeconds: 3600), rawStatus: status.rawValue,
                                rawCode: nil, status: status, reason: reason, location: nil)
                        ],
                        estimatedDelivery: nil, checkedAt: fixtureNow, schedule: .standard))
            }
            return parcel
        }
        let promisedDay = fixtureNow.addingTimeInterval(-2 * 86_400)  // 2026-11-18 12:00 UTC
        _ = try await scan("seur", "R1", promisedDay, .delivered)
        _ = try await scan("seur", "R2", promisedDay.addingTimeInterval(86_400), .delivered)
        let damaged = try await scan("inpost", "R3", promisedDay, .exception, .damaged)
        try await store.write { try $0.console.addStaff(StaffMember(name: "anna", displayName: "Anna"), actor: "t", at: created) }
        let opened = promisedDay.addingTimeInterval(-3 * 3600)  // 09:00 UTC
        let trigger = IncidentTrigger(
            kind: .damaged, subject: .shipment(id: damaged.id, orderId: damaged.orderId, carrier: "inpost", trackingNumber: "R3"),
            evidence: "damaged", summary: "damaged")
        guard
            case .opened(let incident) = try await store.write({
                try $0.cases.raise(
                    trigger, plan: IncidentPlanner(config: .defaults).plan(kind: .damaged, value: nil, now: opened),
                    notice: NoticeDraft(
                        dedupeKey: "r3", channel: "email", recipient: "r-3@example.com", subject: "s", body: "b", language: "pl",
                        template: "damaged", dueAt: opened), at: opened)
            })
        else { throw StoreError.rejected("no case opened") }
        let notice = try #require(try await store.read { try $0.outbox.notices(.pending, limit: 10) }.first)
        try await store.write(serialized: false) { try $0.outbox.markNoticeSent(id: notice.id, at: opened.addingTimeInterval(1500)) }
        let refund = try await store.write {
            try $0.actions.requestAction(
                incidentId: incident.id, kind: .refund, amount: Money(minorUnits: 4550, currency: "PLN"),
                state: .pending, actor: "policy", at: opened)
        }
        try await store.write { try $0.actions.completeAction(id: refund.id, result: "ok", notice: nil, at: opened.addingTimeInterval(1800)) }
        return (db, config)
    }

    @Test func jsonHasTheDocumentedShapeAndFigures() async throws {
        let (db, config) = try await Self.shop()
        let run = try await CLIRun.run(["report", "--json", "--db", db, "--config", config, "--now", "2026-11-20T12:00:00Z"])
        #expect(run.status == 0, "\(run.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect(Set(object.keys) == ["since", "generatedAt", "timeZone", "carriers", "incidents", "firstNotice", "sla", "money"])
        #expect(object["since"] as? String == "2026-10-21T12:00:00Z" && object["timeZone"] as? String == "Europe/Warsaw")
        let carriers = try #require(object["carriers"] as? [[String: Any]])
        #expect(carriers.map { $0["carrier"] as? String } == ["inpost", "seur"])
        #expect(carriers.last?["onTimeRate"] as? Double == 0.5 && carriers.last?["onTime"] as? Int == 1)
        #expect(carriers.first?["damageRate"] as? Double == 1 && carriers.first?["onTimeRate"] is NSNull)
        #expect((object["firstNotice"] as? [String: Any])?["medianSeconds"] as? Double == 1500)
        #expect((object["sla"] as? [[String: Any]])?.map { $0["clock"] as? String } == ["notice", "firstTouch", "resolution"])
        let money = try #require((object["money"] as? [[String: Any]])?.first)
        #expect(money["currency"] as? String == "PLN" && money["refundedMinor"] as? Int == 4550 && money["refunds"] as? Int == 1)

        // Once a sweep has kept the per-day summaries in the shop's zone, the same report, byte for byte.
        let folded = try await Store.sqlite(path: db).refreshReportSummaries(timeZone: try #require(TimeZone(identifier: "Europe/Warsaw")))
        #expect(folded == 3)
        let summarized = try await CLIRun.run(["report", "--json", "--db", db, "--config", config, "--now", "2026-11-20T12:00:00Z"])
        #expect(summarized.status == 0 && summarized.stdout == run.stdout, "\(summarized.stderr)")

        // A day is midnight in the shop's zone.
        let november = try await CLIRun.run([
            "report", "--json", "--since", "2026-11-01", "--db", db, "--config", config,
            "--now", "2026-11-20T12:00:00Z",
        ])
        #expect(november.status == 0 && november.stdout.contains("\"since\" : \"2026-10-31T23:00:00Z\""), "\(november.stderr)")
    }

    @Test func csvIsOneRectangleWithASectionColumn() async throws {
        let (db, config) = try await Self.shop()
        let run = try await CLIRun.run(["report", "--csv", "--since", "30d", "--db", db, "--config", config, "--now", "2026-11-20T12:00:00Z"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.hasSuffix("\r\n"))
        let lines = run.stdout.components(separatedBy: "\r\n").dropLast()
        let rows = lines.map { $0.components(separatedBy: ",") }
        let header = try #require(rows.first)
        #expect(header.prefix(3) == ["section", "key", "shipments"] && header.contains("on_time_rate") && header.contains("refunded"))
        #expect(rows.allSatisfy { $0.count == header.count })
        #expect(
            rows.dropFirst().map { "\($0[0]):\($0[1])" } == [
                "carrier:inpost", "carrier:seur", "incidents:damaged", "notice:firstNotice", "sla:notice", "sla:firstTouch", "sla:resolution", "money:PLN",
            ])
        func cell(_ section: String, _ key: String, _ column: String) -> String? {
            guard let row = rows.first(where: { $0[0] == section && $0[1] == key }), let index = header.firstIndex(of: column) else { return nil }
            return row[index]
        }
        #expect(cell("carrier", "seur", "on_time_rate") == "0.5000" && cell("carrier", "seur", "shipments") == "2")
        #expect(cell("carrier", "inpost", "on_time_rate") == "" && cell("carrier", "inpost", "damage_rate") == "1.0000")
        #expect(cell("notice", "firstNotice", "median_notice_seconds") == "1500")
        #expect(cell("incidents", "damaged", "still_open") == "1")
        #expect(cell("money", "PLN", "refunded") == "45.50" && cell("money", "PLN", "shipments") == "")
    }

    @Test func aBadWindowOrTwoFormatsExitTwo() async throws {
        let db = try temporaryDirectory("cli-report-bad") + "/p.sqlite"
        for since in ["2026-02-30", "last month", "30x", "2099-01-01"] {
            let run = try await CLIRun.run(["report", "--since", since, "--db", db, "--now", "2026-11-20T12:00:00Z"])
            #expect(run.status == 2 && run.stderr.contains("--since"), "\(since): \(run.stderr)")
        }
        let both = try await CLIRun.run(["report", "--json", "--csv", "--db", db])
        #expect(both.status == 2 && both.stderr.contains("--json and --csv"))
    }
}
