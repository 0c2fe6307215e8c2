import Foundation
import ParcelCore

/// `find` in the SQL store: every way of naming an order is an index probe, so a search costs the
/// same at a million orders as at a hundred.
///
/// What matches, on both stores alike:
/// - the order id, exactly;
/// - a tracking number of one of its parcels, written with any case, spaces or dashes;
/// - its e-mail, in any (ASCII) case;
/// - its phone, written with or without spaces and dashes (`+48 601 234 567`);
/// - its customer's name containing the query, both folded by ``NameSearchKey`` (no case, no
///   accents), once the query has at least ``NameSearchKey/minimumLength`` characters.
///
/// The exact probes share one statement, each branch meeting its own index; the name search is a
/// second one, through SQLite's FTS5 trigram table or PostgreSQL's `pg_trgm` index on
/// `order_search`. The two answers are merged here, ordered by order id as bytes (SQLite's
/// `BINARY`; PostgreSQL is told `COLLATE "C"`), and cut at ``findLimit``.
extension Store.Cases {
    /// Orders, shipments and cases matching an order id, tracking number, e-mail, phone or name.
    public func find(_ query: String) throws -> FindResult {
        try tx.step("searching", .read)
        let trimmed = query.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { return FindResult(orders: [], shipments: [], incidents: []) }
        var found: [String: Order] = [:]
        for order in try Store.exactMatches(trimmed, db: db) { found[order.id] = order }
        if let name = NameSearchKey.query(trimmed) {
            for order in try Store.nameMatches(name, db: db) { found[order.id] = order }
        }
        let orders = Array(found.values.sorted { $0.id.utf8.lexicographicallyPrecedes($1.id.utf8) }.prefix(Store.findLimit))
        guard !orders.isEmpty else { return FindResult(orders: [], shipments: [], incidents: []) }
        let ids = orders.map(\.id)
        let placeholders = ids.map { _ in "?" }.joined(separator: ", ")
        let shipments = try db.fetchAll(
            sql: "SELECT * FROM shipments WHERE order_id IN (\(placeholders)) ORDER BY id",
            arguments: SQLArguments(ids)
        ).map(Store.decodeShipment)
        let incidents = try Store.decodeIncidents(
            db.fetchAll(
                sql: "SELECT * FROM incidents WHERE order_id IN (\(placeholders)) ORDER BY id",
                arguments: SQLArguments(ids)), db: db)
        return FindResult(orders: orders, shipments: shipments, incidents: incidents)
    }
}

extension Store {
    /// The most orders one search answers.
    static let findLimit = 50

    /// `ORDER BY` on the order id as bytes, the same in both stores whatever PostgreSQL's locale.
    static func byOrderID(_ column: String, _ dialect: SQLDialect) -> String {
        dialect == .postgres ? "\(column) COLLATE \"C\"" : column
    }

    /// The orders `query` names exactly, the first ``findLimit`` by id.
    static func exactMatches(_ query: String, db: any SQLConnection) throws -> [Order] {
        let statement = exactStatement(query, dialect: db.dialect)
        return try db.fetchAll(sql: statement.sql, arguments: statement.arguments).map(decodeOrder)
    }

    /// The exact probes as one statement, each `UNION ALL` branch meeting its own index: order
    /// id (primary key), e-mail (`orders_email`), tracking number (`shipments_tracking_number`,
    /// covering) and, when the query has digits, phone (`orders_phone`). The number is compared
    /// uppercased without spaces and dashes, the phone as its digits and `+`, as imports store them.
    static func exactStatement(_ query: String, dialect: SQLDialect) -> (sql: String, arguments: SQLArguments) {
        let number = query.uppercased().filter { !$0.isWhitespace && $0 != "-" }
        let phone = query.filter { $0.isNumber || $0 == "+" }
        var arguments: [(any SQLBindable)?] = [query, query, number]
        var probes = """
            SELECT id FROM orders WHERE id = ?
            UNION ALL SELECT id FROM orders WHERE lower(email) = lower(?)
            UNION ALL SELECT order_id FROM shipments WHERE tracking_number = ?
            """
        if !phone.isEmpty {
            probes += "\nUNION ALL SELECT id FROM orders WHERE phone = ?"
            arguments.append(phone)
        }
        return (
            "SELECT o.* FROM orders o WHERE o.id IN (\(probes)) ORDER BY \(byOrderID("o.id", dialect)) LIMIT \(findLimit)",
            SQLArguments(arguments)
        )
    }

    /// The first ``findLimit`` orders by id whose folded name contains `folded` (already folded
    /// and long enough).
    static func nameMatches(_ folded: String, db: any SQLConnection) throws -> [Order] {
        let statement = nameStatement(folded, dialect: db.dialect)
        return try db.fetchAll(sql: statement.sql, arguments: statement.arguments).map(decodeOrder)
    }

    /// The name search as one statement, through the trigram index of each store.
    static func nameStatement(_ folded: String, dialect: SQLDialect) -> (sql: String, arguments: SQLArguments) {
        (
            "SELECT o.* FROM orders o WHERE o.id IN (\(nameProbe(dialect))) ORDER BY \(byOrderID("o.id", dialect)) LIMIT \(findLimit)",
            [nameArgument(folded, dialect)]
        )
    }

    /// The ids of orders whose folded name contains the argument (``nameArgument(_:_:)``).
    static func nameProbe(_ dialect: SQLDialect) -> String {
        switch dialect {
        case .sqlite:
            "SELECT n.order_id FROM order_search n WHERE n.id IN (SELECT rowid FROM order_search_fts WHERE order_search_fts MATCH ?)"
        case .postgres: "SELECT n.order_id FROM order_search n WHERE n.name LIKE ? ESCAPE '\\'"
        }
    }

    /// `folded` as the name probe takes it: an FTS5 phrase (a substring, with the trigram
    /// tokenizer) or a `LIKE` pattern with its wildcards escaped.
    static func nameArgument(_ folded: String, _ dialect: SQLDialect) -> String {
        switch dialect {
        case .sqlite: "\"" + folded.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        case .postgres:
            "%"
                + folded.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
                .replacingOccurrences(of: "_", with: "\\_") + "%"
        }
    }

    // MARK: Keeping the name index

    /// Records (or replaces) the searchable form of order `id`'s customer name; on SQLite the
    /// table's triggers carry it into the FTS5 index in the same transaction.
    static func indexOrderName(id: String, name: String, db: any SQLConnection) throws {
        try db.execute(
            sql: """
                INSERT INTO order_search (order_id, name) VALUES (?, ?)
                ON CONFLICT (order_id) DO UPDATE SET name = excluded.name
                """, arguments: [id, NameSearchKey.fold(name)])
    }

    /// Fills `order_search` from the orders already stored (the migration that creates it),
    /// 1,000 orders a statement.
    static func backfillOrderSearch(_ db: any SQLConnection) throws {
        var after = ""
        while true {
            let page = try db.fetchAll(
                sql: "SELECT id, customer_name FROM orders WHERE id > ? ORDER BY id LIMIT 1000", arguments: [after])
            guard let last = page.last else { return }
            var arguments: [(any SQLBindable)?] = []
            for row in page {
                arguments.append(try row["id"] as String)
                arguments.append(NameSearchKey.fold(try row["customer_name"]))
            }
            try db.execute(
                sql: "INSERT INTO order_search (order_id, name) VALUES " + page.map { _ in "(?, ?)" }.joined(separator: ", "),
                arguments: SQLArguments(arguments))
            after = try last["id"]
        }
    }
}
