import Foundation
import ParcelCore
import ParcelOps
import ParcelStore
import TestSupport
import Testing

/// Listings read a page at a time (issue 17): across pages of any size every row comes exactly
/// once and in the order of one long read, filters hold on every page, a cursor continues where
/// the last row was, and a page is written before the next is read.
@Suite struct ListingPagingTests {
    /// Seven orders with one parcel each, SEUR and UPS by turns; orders 1, 3 and 5 are Ewa's.
    static func store(_ kind: StoreKind) async throws -> Store {
        let store = try await kind.open()
        let rows = (1...7).map { index in
            ImportRow(
                line: index + 1, order: order("O-\(index)", email: index % 2 == 1 && index < 6 ? "ewa@example.com" : "jan\(index)@example.com"),
                carrier: index % 2 == 0 ? "ups" : "seur", trackingNumber: EscalationDigestTests.number(index))
        }
        _ = try await store.write { try $0.shipments.importRows(rows, dryRun: false, actor: "setup", at: fixtureNow) }
        return store
    }

    /// What a pager of `limit` rows, `pageSize` a read, writes after `start`, page by page, what
    /// it returns as the next key, and its reads and writes in the order they happened.
    static func pages<Row, Key>(
        limit: Int?, pageSize: Int, after start: Key?, read: (Key?, Int) async throws -> [Row], key: (Row) -> Key
    ) async throws -> (pages: [[Row]], next: Key?, log: [String]) {
        var pages: [[Row]] = []
        var events: [String] = []
        let next = try await ListingPager(limit: limit, pageSize: pageSize).run(
            after: start,
            read: { (after: Key?, count: Int) -> [Row] in
                let rows = try await read(after, count)
                events.append("read \(rows.count)")
                return rows
            }, key: key,
            write: { (page: [Row]) in
                events.append("write \(page.count)")
                pages.append(page)
            })
        return (pages, next, events)
    }

    @Test(arguments: StoreKind.all) func shipmentsComeOnceInIdOrderAcrossPagesOneReadEachWrittenBeforeTheNext(kind: StoreKind) async throws {
        let store = try await Self.store(kind)
        let all = try await store.read { try $0.shipments.shipments(ShipmentFilter()) }
        #expect(all.count == 7 && all.map(\.id) == all.map(\.id).sorted())
        func read(_ filter: ShipmentFilter) -> (Int64?, Int) async throws -> [Shipment] {
            { after, count in
                var page = filter
                (page.after, page.limit) = (after, count)
                return try await store.read { [page] in try $0.shipments.shipments(page) }
            }
        }

        // Pages of 3: one statement each, never more than the page and the one row that says more remain,
        // and each page is written before the next is read.
        let counter = SQLStatementCounter()
        let paged = try await Store.$statementCounter.withValue(counter) {
            try await Self.pages(limit: nil, pageSize: 3, after: nil, read: read(ShipmentFilter()), key: \.id)
        }
        #expect(paged.pages.flatMap { $0 } == all)
        #expect(paged.pages.map(\.count) == [3, 3, 1] && paged.next == nil)
        #expect(paged.log == ["read 4", "write 3", "read 4", "write 3", "read 1", "write 1"])
        #expect(counter.statements == 3)

        // A filter holds on every page.
        let ups = try await Self.pages(limit: nil, pageSize: 2, after: nil, read: read(ShipmentFilter(carrier: "ups")), key: \.id)
        #expect(ups.pages.flatMap { $0 } == all.filter { $0.carrier == "ups" } && ups.pages.count == 2)

        // --limit 4, then --after the cursor it gave: exactly the next rows, then the end.
        let first = try await Self.pages(limit: 4, pageSize: 3, after: nil, read: read(ShipmentFilter()), key: \.id)
        #expect(first.pages.flatMap { $0 } == Array(all.prefix(4)) && first.next == all[3].id)
        let second = try await Self.pages(limit: 4, pageSize: 3, after: first.next, read: read(ShipmentFilter()), key: \.id)
        #expect(second.pages.flatMap { $0 } == Array(all.suffix(3)) && second.next == nil)
        // A limit that ends exactly at the last row says nothing remains.
        let exact = try await Self.pages(limit: 7, pageSize: 3, after: nil, read: read(ShipmentFilter()), key: \.id)
        #expect(exact.pages.flatMap { $0 } == all && exact.next == nil)
    }

    /// Opens a case on `parcel` with the given first-touch and resolution hours and priority (no
    /// notice deadline), and a notice queued for the customer.
    static func open(_ store: Store, parcel: Int, firstTouch: Double, resolution: Double, priority: Int) async throws -> Incident {
        var plan = IncidentPlanner(config: .defaults).plan(kind: .damagedOrLost, value: nil, now: EscalationDigestTests.start)
        plan.customerFacing = true
        plan.noticeDue = nil
        plan.firstTouchDue = EscalationDigestTests.hours(firstTouch)
        plan.resolutionDue = EscalationDigestTests.hours(resolution)
        plan.priority = priority
        let notice = NoticeDraft(
            dedupeKey: "paging-\(parcel)", channel: "email", recipient: "ewa@example.com", subject: "Parcel \(parcel)", body: "About parcel \(parcel)",
            language: "en", template: "damagedOrLost", dueAt: EscalationDigestTests.start)
        let number = EscalationDigestTests.number(parcel)
        let shipment = try #require(try await store.read { try $0.shipments.shipments(ShipmentFilter(trackingNumber: number)) }.first)
        let trigger = IncidentTrigger(
            kind: .damagedOrLost,
            subject: .shipment(id: shipment.id, orderId: shipment.orderId, carrier: shipment.carrier, trackingNumber: number),
            evidence: "status:exception:damagedOrLost", summary: "\(shipment.carrier) \(number): damaged or lost")
        let outcome = try await store.write { [plan] tx in try tx.cases.raise(trigger, plan: plan, notice: notice, at: EscalationDigestTests.start) }
        guard case .opened(let incident) = outcome else { throw EscalationDigestTests.NotOpened(outcome: outcome) }
        return incident
    }

    @Test(arguments: StoreKind.all) func theQueuePagesByDeadlineThenPriorityEveryCaseByIdAndNoticesNewestFirst(kind: StoreKind) async throws {
        let store = try await Self.store(kind)
        try await EscalationDigestTests.addStaff(store, "anna")
        // Ties on the deadline (parcels 1-3), and on deadline and priority (2 and 3): the id decides.
        let hours: [(touch: Double, priority: Int)] = [(5, 1), (5, 3), (5, 3), (2, 0), (9, 2), (1, 1)]
        for (index, plan) in hours.enumerated() {
            _ = try await Self.open(store, parcel: index + 1, firstTouch: plan.touch, resolution: 48, priority: plan.priority)
        }
        // A touched case counts from its resolution deadline; a closed one is only in --all.
        let cases = try await store.read { try $0.cases.incidents(IncidentFilter()) }
        _ = try await store.write { [id = cases[5].id] in try $0.cases.act(.note("looked"), on: id, actor: "anna", at: EscalationDigestTests.hours(0.5)) }
        _ = try await store.write { [id = cases[4].id] in
            try $0.cases.act(.dismiss(reason: "found"), on: id, actor: "anna", at: EscalationDigestTests.hours(0.5))
        }

        let open = try await store.read { try $0.cases.incidents(IncidentFilter()) }
        let queue = try await store.read { try $0.cases.incidents(IncidentFilter(order: .queue)) }
        #expect(queue == open.sorted { ($0.nextDeadline, -$0.priority, $0.id) < ($1.nextDeadline, -$1.priority, $1.id) })
        #expect(queue.map(\.id) == [cases[3].id, cases[1].id, cases[2].id, cases[0].id, cases[5].id])

        func read(_ filter: IncidentFilter) -> (IncidentPosition?, Int) async throws -> [Incident] {
            { after, count in
                var page = filter
                (page.after, page.limit) = (after, count)
                return try await store.read { [page] in try $0.cases.incidents(page) }
            }
        }
        for size in [1, 2, 4] {
            let paged = try await Self.pages(limit: nil, pageSize: size, after: nil, read: read(IncidentFilter(order: .queue)), key: \.queuePosition)
            #expect(paged.pages.flatMap { $0 } == queue, "pages of \(size)")
        }
        let firstTwo = try await Self.pages(limit: 2, pageSize: 2, after: nil, read: read(IncidentFilter(order: .queue)), key: \.queuePosition)
        #expect(firstTwo.next == queue[1].queuePosition)
        let rest = try await Self.pages(limit: nil, pageSize: 2, after: firstTwo.next, read: read(IncidentFilter(order: .queue)), key: \.queuePosition)
        #expect(rest.pages.flatMap { $0 } == Array(queue.dropFirst(2)))

        // --all: every case, closed too, by id.
        let every = try await store.read { try $0.cases.incidents(IncidentFilter(openOnly: false)) }
        #expect(every.count == 6 && every.map(\.id) == cases.map(\.id))
        let everyPaged = try await Self.pages(
            limit: nil, pageSize: 4, after: nil, read: read(IncidentFilter(openOnly: false)), key: \.queuePosition)
        #expect(everyPaged.pages.flatMap { $0 } == every && everyPaged.pages.count == 2)

        // --overdue in SQL is overdueClocks(at:) not empty, page by page.
        for at in [1.5, 3.0, 6.0, 60.0].map(EscalationDigestTests.hours) {
            let overdue = try await Self.pages(
                limit: nil, pageSize: 2, after: nil, read: read(IncidentFilter(overdueAt: at, order: .queue)), key: \.queuePosition)
            #expect(overdue.pages.flatMap { $0 } == queue.filter { !$0.overdueClocks(at: at).isEmpty }, "at \(at)")
        }

        // Notices: newest first, one page after another; the state holds on every page.
        let notices = try await store.read { try $0.outbox.notices(.all, limit: 100) }
        #expect(notices.count == 6 && notices.map(\.id) == notices.map(\.id).sorted(by: >))
        let noticePages = try await Self.pages(
            limit: nil, pageSize: 4, after: nil, read: { after, count in try await store.read { try $0.outbox.notices(.all, limit: count, after: after) } },
            key: \.id)
        #expect(noticePages.pages.flatMap { $0 } == notices && noticePages.pages.map(\.count) == [4, 2])
        let pending = try await store.read { try $0.outbox.notices(.pending, limit: 100) }
        let pendingPages = try await Self.pages(
            limit: nil, pageSize: 1, after: nil,
            read: { after, count in try await store.read { try $0.outbox.notices(.pending, limit: count, after: after) } }, key: \.id)
        #expect(pendingPages.pages.flatMap { $0 } == pending && pendingPages.pages.count == pending.count)
    }

    @Test(arguments: StoreKind.all) func theAuditLogPagesNewestFirstWithItsSubject(kind: StoreKind) async throws {
        let store = try await Self.store(kind)
        for index in 1...9 {
            try await store.write {
                try $0.console.audit(
                    AuditEntry(
                        at: fixtureNow.addingTimeInterval(Double(index)), actor: "t", action: "step", subject: index % 3 == 0 ? "incident:9" : "x",
                        detail: "\(index)"))
            }
        }
        let all = try await store.read { try $0.console.auditLog(limit: 100) }
        #expect(all.count == 10 && all.compactMap(\.id) == all.compactMap(\.id).sorted(by: >), "the import's entry and nine")
        for subject in [nil, "incident:9"] {
            let expected = all.filter { subject == nil || $0.subject == subject }
            let paged = try await Self.pages(
                limit: nil, pageSize: 2, after: nil,
                read: { after, count in try await store.read { try $0.console.auditLog(limit: count, subject: subject, after: after) } },
                key: { $0.id ?? -1 })
            #expect(paged.pages.flatMap { $0 } == expected && paged.pages.allSatisfy { $0.count <= 2 })
        }
        // The id is the cursor's, not the JSON's: the entry prints as before.
        let json = try #require(String(data: try JSONOutput.data(all[0]), encoding: .utf8))
        #expect(!json.contains("\"id\"") && json.contains("\"detail\" : \"9\""))
    }

    @Test(arguments: StoreKind.all) func aCustomersExportPagesByOrderAndStreamsTheSameDocument(kind: StoreKind) async throws {
        let store = try await Self.store(kind)
        let whole = try await store.read { try $0.customers.customerData(email: "EWA@example.com") }
        #expect(whole.orders.map(\.order.id) == ["O-1", "O-3", "O-5"])
        let paged = try await Self.pages(
            limit: nil, pageSize: 2, after: nil,
            read: { after, count in try await store.read { try $0.customers.customerData(email: "EWA@example.com", after: after, limit: count) }.orders },
            key: \.order.id)
        #expect(paged.pages.flatMap { $0 } == whole.orders && paged.pages.map(\.count) == [2, 1])

        // Written a page at a time, the export is byte for byte the whole document.
        var stream = try CustomerExport.stream(email: "EWA@example.com")
        var bytes = Data()
        for page in paged.pages { bytes.append(try stream.next(page)) }
        bytes.append(stream.end())
        #expect(bytes == (try JSONOutput.data(whole)))
        let nobody = try await store.read { try $0.customers.customerData(email: "nobody@example.com") }
        #expect(try CustomerExport.stream(email: "nobody@example.com").end() == (try JSONOutput.data(nobody)))
    }

    /// Values with nested arrays, optionals, dates and strings with newlines and slashes.
    struct Sample: Encodable {
        var id: Int
        var name: String
        var at: Date
        var tags: [String]
        var nested: [[String: Int]]
        var missing: String?
    }

    @Test func aStreamedArrayIsByteForByteTheWholeArray() throws {
        let samples = (0..<5).map { index in
            Sample(
                id: index, name: "line \(index)\nnext/\"quoted\"", at: fixtureNow.addingTimeInterval(Double(index)), tags: index == 0 ? [] : ["a", "b"],
                nested: [["x": index]], missing: index % 2 == 0 ? nil : "here")
        }
        for count in [0, 1, 2, 5] {
            for pageSize in [1, 2, 3] {
                var stream = try JSONArrayStream()
                var bytes = Data()
                for start in stride(from: 0, to: count, by: pageSize) { bytes.append(try stream.next(Array(samples[start..<min(count, start + pageSize)]))) }
                bytes.append(stream.end())
                #expect(bytes == (try JSONOutput.data(Array(samples.prefix(count)))), "\(count) in pages of \(pageSize)")
                #expect(stream.count == count)
            }
        }
    }

    @Test func cursorsReadBackWhatTheyPrintAndRefuseAnythingElse() throws {
        let cursors: [ListingCursor] = [
            .shipments(after: 1042), .incidents(after: 7), .notices(after: 0), .audit(after: 99),
            .queue(after: IncidentPosition(deadline: 1_795_176_000.123_456, priority: -3, id: 12)),
            .queue(after: IncidentPosition(deadline: fixtureNow.timeIntervalSince1970, priority: 2, id: 1)),
            .orders(after: "Zamówienie:1,2 / ☃"),
        ]
        for cursor in cursors { #expect(try ListingCursor(cursor.description, for: cursor.listing) == cursor, "\(cursor)") }
        #expect(ListingCursor.shipments(after: 1042).description == "shipments:1042")

        func refusal(_ text: String, _ listing: ListingCursor.Listing) -> String? {
            do {
                _ = try ListingCursor(text, for: listing)
                return nil
            } catch { return error.description }
        }
        #expect(refusal("audit:5", .shipments)?.contains("continues the audit listing") == true)
        #expect(refusal("incidents:5", .queue)?.contains("continues the incidents listing") == true)
        for (text, listing) in [
            ("", ListingCursor.Listing.shipments), ("shipments", .shipments), ("shipments:", .shipments), ("shipments:-1", .shipments),
            ("shipments:1.5", .shipments), ("nonsense:1", .shipments), ("queue:1,2", .queue), ("queue:x,1,2", .queue), ("queue:inf,1,2", .queue),
            ("orders:", .orders), ("orders:abc", .orders), ("orders:zz", .orders), ("orders:ff", .orders),
        ] {
            let message = refusal(text, listing)
            #expect(message?.contains("'\(text)' is not a cursor of the \(listing.rawValue) listing") == true, "\(text): \(message ?? "accepted")")
        }
    }
}
