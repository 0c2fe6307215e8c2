import Foundation
import ParcelCore
import TestSupport
import Testing

@testable import ParcelStore

/// `find` (issue 17): every way of naming an order answers the same on SQLite and PostgreSQL,
/// names are matched folded (no case, no accents), erased names are gone from the index, and
/// every probe is an index lookup, never a scan of orders or shipments.
@Suite struct FindTests {
    /// Customers with Polish, Lithuanian and German names, one parcel each but the last.
    static let customers: [(id: String, name: String, email: String, phone: String?, number: String?)] = [
        ("PW-1", "Żaneta Wiśniewska", "Zaneta.W@Example.com", "+48601000001", "CP123456789PL"),
        ("PW-2", "Łukasz Kowalski", "lukasz@example.com", "+48601000002", "00340434161094042557"),
        ("PW-3", "Jürgen Müller", "jm@example.de", nil, "1Z999AA10123456784"),
        ("PW-4", "Rūta Jankauskienė", "ruta@example.lt", "+37060000004", "LT4000"),
        ("PW-5", "Žygimantas Šimkus", "zs@example.lt", "+37060000005", "LT5000"),
        ("PW-6", "Anna Nowak", "anna.erase@example.com", "+48601000006", "AN6000"),
        ("PW-7", "ANNA MARIA Groß", "am@example.com", "+48601000007", nil),
    ]

    /// The queries and the orders each finds once PW-6's customer is erased.
    static let expectations: [(query: String, orders: [String])] = [
        ("PW-3", ["PW-3"]),  // order id
        ("cp-123 456 789 pl", ["PW-1"]),  // number in another case, with spaces and dashes
        ("0034 0434-1610 9404 2557", ["PW-2"]),
        ("ZANETA.w@example.COM", ["PW-1"]),  // e-mail in another case
        ("+48 601 000 002", ["PW-2"]),  // phone with spaces
        ("+370-600-00005", ["PW-5"]),
        ("wiśniew", ["PW-1"]),  // name substring
        ("WISNIEW", ["PW-1"]),  // without accents, other case
        ("Żaneta", ["PW-1"]), ("zaneta", ["PW-1"]), ("ŻANETA", ["PW-1"]),
        ("Łukasz", ["PW-2"]), ("lukasz k", ["PW-2"]),
        ("Müller", ["PW-3"]), ("MULLER", ["PW-3"]), ("gross", ["PW-7"]), ("groß", ["PW-7"]),
        ("Jankauskienė", ["PW-4"]), ("jankauskiene", ["PW-4"]), ("šimk", ["PW-5"]), ("ZYGIMANTAS", ["PW-5"]),
        ("kus", ["PW-5"]),  // three characters: the shortest name search
        ("anna", ["PW-7"]),  // PW-6's Anna was erased
        ("nowak", []),  // erased: not found by name
        ("anna.erase@example.com", []),  // nor by e-mail
        ("+48 601 000 006", []),  // nor by phone
        ("AN6000", ["PW-6"]),  // the parcel is still there, under the marker
        ("ka", []),  // under three characters: exact probes only
        ("nobody", []), ("%", []), ("_", []), ("\"kus\"", []), ("Robert'); DROP", []),
    ]

    static func store(_ kind: StoreKind) async throws -> Store {
        let store = try await kind.open()
        let rows = customers.enumerated().map { index, customer in
            var theOrder = order(customer.id, email: customer.email)
            theOrder.customerName = customer.name
            theOrder.phone = customer.phone
            return ImportRow(line: index + 2, order: theOrder, carrier: customer.number == nil ? nil : "seur", trackingNumber: customer.number)
        }
        _ = try await store.write { try $0.shipments.importRows(rows, dryRun: false, actor: "test", at: fixtureNow) }
        #expect(try await store.write { try $0.customers.eraseCustomer(email: "Anna.Erase@example.com", actor: "test", at: fixtureNow) } == 1)
        return store
    }

    static func answers(_ store: Store) async throws -> [String: [String]] {
        var found: [String: [String]] = [:]
        for (query, _) in expectations { found[query] = try await store.read { try $0.cases.find(query) }.orders.map(\.id) }
        return found
    }

    @Test(arguments: StoreKind.all) func everyWayOfNamingAnOrderFindsIt(kind: StoreKind) async throws {
        let found = try await Self.answers(try await Self.store(kind))
        for (query, orders) in Self.expectations { #expect(found[query] == orders, "find '\(query)'") }
    }

    @Test(.enabled(if: PostgresTestServer.isAvailable)) func sqliteAndPostgresFindTheSameOrders() async throws {
        let sqlite = try await Self.answers(try await Self.store(StoreKind.all[0]))
        let postgres = try await Self.answers(try await Self.store(StoreKind.all[1]))
        #expect(sqlite == postgres)
    }

    /// A renamed customer is found by the new name only; a purged order not at all.
    @Test(arguments: StoreKind.all) func theNameIndexFollowsRenamesAndPurges(kind: StoreKind) async throws {
        let store = try await Self.store(kind)
        var renamed = order("PW-1", email: "Zaneta.W@Example.com")
        renamed.customerName = "Żaneta Zielińska"
        renamed.phone = "+48601000001"
        _ = try await store.write { [renamed] in
            try $0.shipments.importRows(
                [ImportRow(line: 2, order: renamed, carrier: "seur", trackingNumber: "CP123456789PL")], dryRun: false, actor: "test", at: fixtureNow)
        }
        #expect(try await store.read { try $0.cases.find("wisniewska") }.orders.isEmpty)
        #expect(try await store.read { try $0.cases.find("zielinska") }.orders.map(\.id) == ["PW-1"])
        // Every parcel delivered long ago: PW-3 is purged, and its name with it.
        try await store.unchecked { db in
            try db.execute(sql: "UPDATE shipments SET status = 'delivered', last_event_at = 0, created_at = 0")
            try db.execute(sql: "UPDATE orders SET updated_at = 0")
        }
        #expect(try await store.write { try $0.customers.purge(before: fixtureNow, actor: "test", at: fixtureNow) } == 6)
        #expect(try await store.read { try $0.cases.find("muller") }.orders.isEmpty)
        #expect(try await store.unchecked { try $0.scalar(Int.self, sql: "SELECT COUNT(*) FROM order_search") } == 1)
    }

    /// More than 50 matches: the first 50 by id, the same on both stores, as bytes.
    @Test(arguments: StoreKind.all) func manyMatchesAreTheFirstFiftyByID(kind: StoreKind) async throws {
        let store = try await kind.open()
        let ids = (1...60).map { "Q-\($0)" } + ["q-1", "Q-Ä"]
        let rows = ids.enumerated().map { index, id in
            var theOrder = order(id, email: "same@example.com")
            theOrder.customerName = "Ola Kowalczyk \(index)"
            return ImportRow(line: index + 2, order: theOrder, carrier: nil, trackingNumber: nil)
        }
        _ = try await store.write { try $0.shipments.importRows(rows, dryRun: false, actor: "test", at: fixtureNow) }
        let expected = Array(ids.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }.prefix(50))
        #expect(try await store.read { try $0.cases.find("kowalczyk") }.orders.map(\.id) == expected)
        #expect(try await store.read { try $0.cases.find("same@example.com") }.orders.map(\.id) == expected)
    }

    /// The migration's backfill indexes orders stored before the index existed.
    @Test(arguments: StoreKind.all) func theBackfillIndexesStoredOrders(kind: StoreKind) async throws {
        let store = try await Self.store(kind)
        try await store.unchecked { db in try db.execute(sql: "DELETE FROM order_search") }
        #expect(try await store.read { try $0.cases.find("muller") }.orders.isEmpty)
        try await store.unchecked { db in try Store.backfillOrderSearch(db) }
        let found = try await Self.answers(store)
        for (query, orders) in Self.expectations { #expect(found[query] == orders, "find '\(query)'") }
    }

    @Test func namesFoldWithoutCaseOrAccents() {
        #expect(NameSearchKey.fold("Żaneta ŁUKASZ Müller Jankauskienė Groß Søren") == "zaneta lukasz muller jankauskiene gross soren")
        #expect(NameSearchKey.query(" ab ") == nil)
        #expect(NameSearchKey.query("Żan") == "zan")
    }

    /// Each probe, as `find` runs it, reads through an index (or the FTS5 table), never a scan.
    @Test func sqliteProbesAreIndexLookups() async throws {
        let store = try await Self.store(StoreKind.all[0])
        let exact = Store.exactStatement("+48 601 000 002", dialect: .sqlite)
        let name = Store.nameStatement("wisniew", dialect: .sqlite)
        let plans = try await store.unchecked { db in
            try [exact, name].map { statement in
                try db.fetchAll(sql: "EXPLAIN QUERY PLAN " + statement.sql, arguments: statement.arguments).map { row throws -> String in try row["detail"] }
            }
        }
        let joined = plans.joined().joined(separator: "\n")
        for probe in [
            "SEARCH orders USING COVERING INDEX sqlite_autoindex_orders_1 (id=?)", "SEARCH orders USING INDEX orders_email (<expr>=?)",
            "SEARCH shipments USING COVERING INDEX shipments_tracking_number (tracking_number=?)", "SEARCH orders USING INDEX orders_phone (phone=?)",
            "SCAN order_search_fts VIRTUAL TABLE", "SEARCH n USING INTEGER PRIMARY KEY (rowid=?)",
        ] {
            #expect(joined.contains(probe), "\(probe) not in\n\(joined)")
        }
        let scans = plans.joined().filter { $0.hasPrefix("SCAN") && !$0.contains("VIRTUAL TABLE") }
        #expect(scans.isEmpty, "\(scans)")
        #expect(!joined.contains("TEMP B-TREE"), "\(joined)")
    }

    /// With sequential scans off, PostgreSQL still answers each probe: an index serves it.
    @Test(.enabled(if: PostgresTestServer.isAvailable)) func postgresProbesCanUseIndexes() async throws {
        let store = try await Self.store(StoreKind.all[1])
        let exact = Store.exactStatement("+48 601 000 002", dialect: .postgres)
        let name = Store.nameStatement("wisniew", dialect: .postgres)
        let plans = try await store.unchecked { db in
            try db.execute(sql: "SET LOCAL enable_seqscan = off")
            return try [exact, name].map { statement in
                try db.scalars(String.self, sql: "EXPLAIN " + statement.sql, arguments: statement.arguments).joined(separator: "\n")
            }
        }
        for plan in plans { #expect(!plan.contains("Seq Scan"), "\(plan)") }
        for index in ["orders_email", "orders_phone", "shipments_tracking_number", "orders_pkey"] { #expect(plans[0].contains(index), "\(plans[0])") }
        #expect(plans[1].contains("order_search_name_trigrams"), "\(plans[1])")
    }
}
