import Foundation
import ParcelCore
import ParcelOps
import ParcelStore
import TestSupport
import Testing

/// `parcelwatch orders`: one line per order over a small store built from the command line.
@Suite struct OrdersCLITests {
    @Test func eachOrderInOneLineWithParcelsMessagesCasesAndWhatTheShopDid() async throws {
        let directory = try temporaryDirectory("cli-orders")
        let db = directory + "/p.sqlite"
        let csv = directory + "/orders.csv"
        try Data(
            """
            order_id,customer_name,email,phone,language,postcode,value,currency,promised_date,paid_at,carrier,tracking_number
            O-1,Lucía Romero,lucia@example.es,,es,28045,129.99,EUR,2026-11-24,2026-11-17T10:00:00+01:00,seur,08215690051372
            O-2,"Nowak, Anna",anna.nowak@example.com,,pl,00-950,59.00,PLN,2026-11-23,2026-11-16T09:00:00+01:00,,
            O-3,Emma Brown,emma@example.org,,en,SW1A 1AA,25.00,GBP,2026-11-27,2026-11-19T12:00:00Z,ups,1Z8V2E390412753017
            """.utf8
        ).write(to: URL(fileURLWithPath: csv))
        let now = ["--db", db, "--now", "2026-11-20T12:00:00Z"]
        // No carrier is asked: every fetch is refused before it leaves the machine.
        let offline = ["PARCELWATCH_LOOPBACK_ONLY": "1"]
        #expect(try await CLIRun.run(["import", csv] + now).status == 0)
        #expect(try await CLIRun.run(["staff", "add", "anna"] + now).status == 0)
        // O-1: the customer reports it missing, staff send a replacement; the sweep finds O-1 and O-2
        // without a carrier scan (notDispatched, refund proposed); staff refund O-2 and dismiss O-1's.
        let report = try await CLIRun.run(["report-problem", "08215690051372", "--postcode", "28045", "--kind", "notReceived"] + now)
        #expect(report.status == 0, "\(report.stderr)")
        #expect(try await CLIRun.run(["incident", "reship", "1", "--carrier", "seur", "--tracking", "08215690051489", "--as", "anna"] + now).status == 0)
        #expect(try await CLIRun.run(["sweep"] + now, environment: offline).status == 0)
        let queue = try await CLIRun.run(["incidents", "--json"] + now)
        let cases = (try? JSONSerialization.jsonObject(with: Data(queue.stdout.utf8))) as? [[String: Any]] ?? []
        let unshipped = try #require(cases.first { $0["kind"] as? String == "notDispatched" && $0["orderId"] as? String == "O-2" }?["id"] as? Int)
        let labelOnly = try #require(cases.first { $0["kind"] as? String == "notDispatched" && $0["orderId"] as? String == "O-1" }?["id"] as? Int)
        #expect(try await CLIRun.run(["incident", "refund", String(unshipped), "--as", "anna"] + now).status == 0)
        #expect(try await CLIRun.run(["incident", "dismiss", String(labelOnly), "--reason", "handed to SEUR today", "--as", "anna"] + now).status == 0)
        #expect(try await CLIRun.run(["notices", "deliver"] + now).status == 0)

        let listed = try await CLIRun.run(["orders", "--json"] + now)
        #expect(listed.status == 0, "\(listed.stderr)")
        let orders = try #require(try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]])
        #expect(orders.map { $0["orderId"] as? String } == ["O-1", "O-2", "O-3"])
        let first = orders[0], second = orders[1], third = orders[2]
        #expect(first["paidAt"] as? String == "2026-11-17T09:00:00Z", "times are ISO-8601 UTC")
        #expect(first["value"] as? String == "129.99 EUR")

        let parcels = first["parcels"] as? [[String: Any]] ?? []
        #expect(parcels.map { $0["trackingNumber"] as? String } == ["08215690051372", "08215690051489"])
        #expect(parcels.first?["replaces"] == nil && parcels.last?["replaces"] as? String == "08215690051372")
        #expect(parcels.allSatisfy { $0["carrier"] as? String == "seur" && $0["status"] as? String == "pending" })
        let messages = first["messages"] as? [String: Any] ?? [:]
        #expect(messages["sentByTemplate"] as? [String: Int] == ["customerReport": 1, "notDispatched": 1, "reshipSent": 1])
        #expect(messages["sent"] as? Int == 3 && messages["waiting"] as? Int == 0)
        let firstCases = first["cases"] as? [String: Any] ?? [:]
        #expect(firstCases["opened"] as? Int == 2 && firstCases["closed"] as? Int == 1)
        #expect(firstCases["openedByKind"] as? [String: Int] == ["customerReport": 1, "notDispatched": 1])
        #expect(firstCases["closedByKind"] as? [String: Int] == ["notDispatched": 1])
        let firstShop = first["shop"] as? [[String: Any]] ?? []
        let reship = try #require(firstShop.first { $0["kind"] as? String == "reship" })
        #expect(reship["replacementCarrier"] as? String == "seur" && reship["replacementNumber"] as? String == "08215690051489")
        #expect(reship["amount"] == nil && reship["requestedAt"] as? String == "2026-11-20T12:00:00Z")

        #expect((second["parcels"] as? [Any])?.isEmpty == true)
        #expect((second["messages"] as? [String: Any])?["sentByTemplate"] as? [String: Int] == ["notDispatched": 1])
        let refund = try #require((second["shop"] as? [[String: Any]])?.first)
        #expect(refund["kind"] as? String == "refund" && refund["amount"] as? String == "59.00 PLN" && refund["incidentId"] as? Int == unshipped)

        #expect((third["parcels"] as? [[String: Any]])?.map { $0["carrier"] as? String } == ["ups"])
        #expect((third["messages"] as? [String: Any])?["sent"] as? Int == 0)
        #expect((third["cases"] as? [String: Any])?["opened"] as? Int == 0)
        #expect((third["shop"] as? [Any])?.isEmpty == true)

        // One line per order, the same facts.
        let table = try await CLIRun.run(["orders"] + now)
        let lines = table.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 5, "header, three orders, the count: \(table.stdout)")
        let line = try #require(lines.first { $0.hasPrefix("O-1") })
        #expect(line.contains("seur 08215690051372 pending; replacement of 08215690051372: seur 08215690051489 pending"))
        #expect(line.contains("3: customerReport, notDispatched, reshipSent"))
        #expect(line.contains("2 opened (customerReport, notDispatched), 1 closed (notDispatched)"))
        #expect(line.contains("reship pending → seur 08215690051489"))
        #expect(lines.first { $0.hasPrefix("O-2") }?.contains("not shipped") == true)
        #expect(lines.first { $0.hasPrefix("O-2") }?.contains("refund pending 59.00 PLN") == true)
        #expect(lines.last?.contains("3 order(s)") == true)

        let one = try await CLIRun.run(["orders", "--order", "O-2", "--json"] + now)
        #expect((try JSONSerialization.jsonObject(with: Data(one.stdout.utf8)) as? [[String: Any]])?.map { $0["orderId"] as? String } == ["O-2"])
        let missing = try await CLIRun.run(["orders", "--order", "NOPE"] + now)
        #expect(missing.status == 1 && missing.stdout.contains("no order NOPE"))
        let help = try await CLIRun.run(["orders", "--help"])
        #expect(help.stdout.contains("replacement") && help.stdout.contains("--json") && help.stdout.contains("parcelwatch orders --order PW-1034"))
    }
}
