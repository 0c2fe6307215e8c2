import Foundation
import ParcelCore
import ParcelOps
import ParcelStore
import TestSupport
import Testing

/// The listings write as they read (issue 17): `shipments`, `incidents`, `notices`, `audit` and
/// `customer export` page through the store, stay one JSON document, and with `--limit` print
/// `next: CURSOR` on standard error, which `--after` takes to give exactly the next rows.
@Suite struct ListingCLITests {
    /// `count` orders `L-0001`… with one parcel each, SEUR and UPS by turns; the first five are
    /// Ewa's. Staff member anna.
    static func store(count: Int) async throws -> (db: String, store: Store) {
        let db = try temporaryDirectory("cli-listing") + "/p.sqlite"
        let store = try await Store.sqlite(path: db)
        let rows = (1...count).map { index in
            ImportRow(
                line: index + 1,
                order: order(String(format: "L-%04d", index), email: index <= 5 ? "ewa@example.com" : "c\(index)@example.com"),
                carrier: index % 2 == 0 ? "ups" : "seur", trackingNumber: String(format: "2000000%07d", index))
        }
        _ = try await store.write { try $0.shipments.importRows(rows, dryRun: false, actor: "setup", at: fixtureNow) }
        try await store.write { try $0.console.addStaff(StaffMember(name: "anna", displayName: "Anna"), actor: "setup", at: fixtureNow) }
        return (db, store)
    }

    /// The JSON elements a run printed (the array itself, or the `orders` of an export), each as
    /// sorted-key JSON so they compare whole.
    static func elements(_ run: CLIRun, field: String? = nil) throws -> [String] {
        let document = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8))
        let value: Any? = if let field { (document as? [String: Any])?[field] } else { document }
        let array = try #require(value as? [Any], "\(run.stdout.prefix(300))")
        return try array.map { String(decoding: try JSONSerialization.data(withJSONObject: $0, options: [.sortedKeys]), as: UTF8.self) }
    }

    /// The cursor a run printed on standard error, if any.
    static func next(_ run: CLIRun) -> String? {
        run.stderr.split(separator: "\n").first { $0.hasPrefix("next: ") }.map { String($0.dropFirst("next: ".count)) }
    }

    /// Runs `arguments` with `--limit limit`, then again `--after` each cursor printed, until none
    /// is: the elements of every run in turn, and how many runs it took.
    static func paged(_ arguments: [String], limit: Int, field: String? = nil) async throws -> (elements: [String], runs: Int) {
        var collected: [String] = []
        var cursor: String?
        var runs = 0
        repeat {
            let run = try await CLIRun.run(arguments + ["--limit", String(limit)] + (cursor.map { ["--after", $0] } ?? []))
            #expect(run.status == 0, "\(arguments) after \(cursor ?? "-"): \(run.stderr)")
            let page = try Self.elements(run, field: field)
            #expect(page.count <= limit)
            collected += page
            cursor = next(run)
            runs += 1
            if cursor != nil { #expect(page.count == limit, "a run that says more remain gave all it was asked for") }
        } while cursor != nil && runs < 50
        return (collected, runs)
    }

    @Test func shipmentsStreamEveryRowOnceInOrderAcrossStorePagesAndCursors() async throws {
        let (db, store) = try await Self.store(count: 2_500)
        let stored = try await store.read { try $0.shipments.shipments(ShipmentFilter()) }

        // More than two store pages in one run: one valid document, every shipment once, by id.
        let whole = try await CLIRun.run(["shipments", "--db", db, "--json"])
        #expect(whole.status == 0, "\(whole.stderr)")
        let all = try Self.elements(whole)
        #expect(all.count == 2_500 && Self.next(whole) == nil)
        let numbers = try #require(try JSONSerialization.jsonObject(with: Data(whole.stdout.utf8)) as? [[String: Any]]).map { $0["trackingNumber"] as? String }
        #expect(numbers == stored.map(\.trackingNumber))
        #expect(whole.stdout.hasPrefix("[\n  {\n") && whole.stdout.hasSuffix("\n  }\n]\n"))

        // --limit 1200 three times over, each --after the last: the same rows, each once.
        let paged = try await Self.paged(["shipments", "--db", db, "--json"], limit: 1_200)
        #expect(paged.elements == all && paged.runs == 3)
        let first = try await CLIRun.run(["shipments", "--db", db, "--json", "--limit", "1200"])
        #expect(Self.next(first) == "shipments:\(stored[1_199].id)")

        // A filter holds across pages and cursors.
        let ups = try await Self.paged(["shipments", "--db", db, "--json", "--carrier", "ups"], limit: 500)
        let upsWhole = try Self.elements(try await CLIRun.run(["shipments", "--db", db, "--json", "--carrier", "ups"]))
        #expect(ups.elements == upsWhole && upsWhole.count == 1_250 && ups.runs == 3)

        // The table pages too: header, rows, count; the cursor on standard error.
        let table = try await CLIRun.run(["shipments", "--db", db, "--limit", "3"])
        let lines = table.stdout.split(separator: "\n")
        #expect(lines.count == 5 && lines[0].hasPrefix("ORDER") && lines[1].hasPrefix("L-0001") && lines[4].hasPrefix("3 shipment(s)"), "\(table.stdout)")
        #expect(Self.next(table) == "shipments:\(stored[2].id)")
        let longTable = try await CLIRun.run(["shipments", "--db", db])
        #expect(longTable.stdout.split(separator: "\n").count == 2_502 && longTable.stdout.contains("\n2500 shipment(s) in "))

        // A cursor of another listing, or none at all, is a usage error (exit 2) that says what to pass.
        for bad in ["audit:3", "12x", "shipments:abc", "queue:1,2,3"] {
            let refused = try await CLIRun.run(["shipments", "--db", db, "--json", "--after", bad])
            #expect(refused.status == 2 && refused.stdout.isEmpty, "\(bad): \(refused.stdout)")
            #expect(refused.stderr.contains("--after '\(bad)' is not a cursor of the shipments listing"), "\(refused.stderr)")
        }
        #expect(try await CLIRun.run(["shipments", "--db", db, "--limit", "0"]).status == 2)
        // Past the end: an empty list, no cursor.
        let past = try await CLIRun.run(["shipments", "--db", db, "--json", "--after", "shipments:\(stored[2_499].id)"])
        let pastElements = try Self.elements(past)
        #expect(past.status == 0 && pastElements.isEmpty && Self.next(past) == nil)
    }

    @Test func incidentsNoticesAuditAndExportsPageWithTheirOwnCursors() async throws {
        let (db, store) = try await Self.store(count: 8)
        // Seven cases with a notice each, deadlines and priorities mixed (ties included); one dismissed.
        let planner = IncidentPlanner(config: .defaults)
        for index in 1...7 {
            let parcel = try #require(
                try await store.read { try $0.shipments.shipments(ShipmentFilter(orderId: String(format: "L-%04d", index))) }.first)
            var plan = planner.plan(kind: .damagedOrLost, value: nil, now: fixtureNow)
            (plan.customerFacing, plan.noticeDue) = (true, nil)
            plan.firstTouchDue = fixtureNow.addingTimeInterval(Double([5, 5, 2, 9, 5, 1, 3][index - 1]) * 3600)
            plan.priority = [1, 3, 0, 2, 3, 1, 1][index - 1]
            let trigger = IncidentTrigger(
                kind: .damagedOrLost,
                subject: .shipment(id: parcel.id, orderId: parcel.orderId, carrier: parcel.carrier, trackingNumber: parcel.trackingNumber),
                evidence: "status:exception:damagedOrLost", summary: "parcel \(index)")
            let notice = NoticeDraft(
                dedupeKey: "listing-\(index)", channel: "email", recipient: index <= 5 ? "ewa@example.com" : "c\(index)@example.com",
                subject: "Parcel \(index)", body: "About parcel \(index)", language: "en", template: "damagedOrLost", dueAt: fixtureNow)
            _ = try await store.write { [plan] in try $0.cases.raise(trigger, plan: plan, notice: notice, at: fixtureNow) }
        }
        let open = try await store.read { try $0.cases.incidents(IncidentFilter()) }
        _ = try await store.write { [id = open[3].id] in try $0.cases.act(.dismiss(reason: "found"), on: id, actor: "anna", at: fixtureNow) }
        let now = ["--db", db, "--now", ISOTime.utc(fixtureNow.addingTimeInterval(3600))]

        // The queue: by deadline then priority then id, page after page.
        let queue = try await CLIRun.run(["incidents", "--json"] + now)
        let queueIds = try #require(try JSONSerialization.jsonObject(with: Data(queue.stdout.utf8)) as? [[String: Any]]).compactMap { $0["id"] as? Int }
        #expect(queueIds == [open[5], open[2], open[6], open[1], open[4], open[0]].map { Int($0.id) }, "\(queue.stdout.prefix(200))")
        let queueElements = try Self.elements(queue)
        for limit in [1, 2, 4] {
            let paged = try await Self.paged(["incidents", "--json"] + now, limit: limit)
            #expect(paged.elements == queueElements, "pages of \(limit)")
        }
        let later = ["incidents", "--json", "--overdue", "--db", db, "--now", ISOTime.utc(fixtureNow.addingTimeInterval(4 * 3600))]
        let overdue = try await CLIRun.run(later)
        let overduePaged = try await Self.paged(later, limit: 1)
        let overdueElements = try Self.elements(overdue)
        #expect(overduePaged.elements == overdueElements)
        #expect(overdueElements.count == 3, "the 1h, 2h and 3h cases")

        // --all: every case by id, the dismissed one too; a queue cursor is not its cursor.
        let every = try await CLIRun.run(["incidents", "--all", "--json"] + now)
        let everyIds = try #require(try JSONSerialization.jsonObject(with: Data(every.stdout.utf8)) as? [[String: Any]]).compactMap { $0["id"] as? Int }
        #expect(everyIds == open.map { Int($0.id) })
        let everyPaged = try await Self.paged(["incidents", "--all", "--json"] + now, limit: 3)
        let everyElements = try Self.elements(every)
        #expect(everyPaged.elements == everyElements && everyPaged.runs == 3)
        let queueCursor = try #require(Self.next(try await CLIRun.run(["incidents", "--json", "--limit", "1"] + now)))
        #expect(queueCursor.hasPrefix("queue:"))
        let mixed = try await CLIRun.run(["incidents", "--all", "--json", "--after", queueCursor] + now)
        #expect(mixed.status == 2 && mixed.stderr.contains("continues the queue listing"), "\(mixed.stderr)")

        // Notices and the audit log: newest first, page after page.
        let notices = try await CLIRun.run(["notices", "--all", "--json"] + now)
        let noticeElements = try Self.elements(notices)
        let noticesPaged = try await Self.paged(["notices", "--all", "--json"] + now, limit: 2)
        #expect(noticeElements.count == 7 && noticesPaged.elements == noticeElements)
        #expect(Self.next(try await CLIRun.run(["notices", "--all", "--json", "--limit", "7"] + now)) == nil, "exactly the last one: nothing remains")
        let audit = try await CLIRun.run(["audit", "--json", "--limit", "1000"] + now)
        let entries = try Self.elements(audit)
        #expect(entries.count >= 10, "import, staff, seven cases opened, a dismissal")
        let auditPaged = try await Self.paged(["audit", "--json"] + now, limit: 3)
        #expect(auditPaged.elements == entries)
        #expect(Self.next(try await CLIRun.run(["audit", "--json", "--limit", "3"] + now))?.hasPrefix("audit:") == true)

        // A customer's export: orders by id, each run one document.
        let staff = ["--as", "anna"] + now
        let export = try await CLIRun.run(["customer", "export", "ewa@example.com"] + staff)
        #expect(export.status == 0, "\(export.stderr)")
        let orders = try Self.elements(export, field: "orders")
        #expect(orders.count == 5 && Self.next(export) == nil)
        let exportPaged = try await Self.paged(["customer", "export", "ewa@example.com"] + staff, limit: 2, field: "orders")
        #expect(exportPaged.elements == orders && exportPaged.runs == 3)
        let refused = try await CLIRun.run(["customer", "export", "ewa@example.com", "--after", "shipments:1"] + staff)
        #expect(refused.status == 2 && refused.stderr.contains("not a cursor of the orders listing"))
        #expect(try await CLIRun.run(["customer", "export", "nobody@example.com"] + staff).status == 1)
    }
}
