import Foundation
import ParcelCore
import ParcelOps
import ParcelStore
import TestSupport
import Testing

/// Reading a row is strict: a missing column, an unexpected NULL, a value of another type or a
/// stored enumeration value this version does not know is an error, never `""`, `0` or a
/// default case.
@Suite struct StrictRowTests {
    static let row = SQLRow(
        columns: ["id", "name", "phone", "ratio", "flag", "kind"],
        values: [.integer(7), .text("anna"), .null, .real(1.5), .integer(2), .text("teleport")])

    enum Kind: String { case refund, reship }

    @Test func valuesOfTheRightTypeRead() throws {
        #expect(try Self.row["id"] as Int64 == 7)
        #expect(try Self.row["id"] as Double == 7)
        #expect(try Self.row["name"] as String == "anna")
        #expect(try Self.row.optional("phone", as: String.self) == nil)
        #expect(try Self.row.optional("name", as: String.self) == "anna")
        #expect(try Self.row["ratio"] as Double == 1.5)
        #expect(try SQLRow(columns: ["at"], values: [.real(3600)]).date("at") == Date(timeIntervalSince1970: 3600))
        #expect(try SQLRow(columns: ["kind"], values: [.text("reship")]).decode("kind", in: "actions") == Kind.reship)
        #expect(try SQLRow(columns: ["kind"], values: [.null]).decodeIfPresent("kind", in: "actions", as: Kind.self) == nil)
    }

    @Test func aMissingColumnThrows() {
        #expect(throws: SQLDecodingError(column: "nmae", problem: .missingColumn(available: ["flag", "id", "kind", "name", "phone", "ratio"]))) {
            try Self.row["nmae"] as String
        }
        #expect(throws: SQLDecodingError.self) { try Self.row.optional("nmae", as: String.self) }
    }

    @Test func anUnexpectedNullThrows() throws {
        let error = #expect(throws: SQLDecodingError.self) { try Self.row["phone"] as String }
        #expect(error?.description == "column phone: expected String, found NULL")
        #expect(throws: SQLDecodingError.self) { try Self.row.date("phone") }
    }

    @Test func aValueOfAnotherTypeThrows() {
        #expect(throws: SQLDecodingError(column: "id", problem: .wrongType(expected: "String", found: "integer 7"))) { try Self.row["id"] as String }
        #expect(throws: SQLDecodingError(column: "name", problem: .wrongType(expected: "Int64", found: "text 'anna'"))) { try Self.row["name"] as Int64 }
        // A real is an integer only when it is whole: 1.5 is not 1.
        #expect(throws: SQLDecodingError.self) { try Self.row["ratio"] as Int }
        // A flag is 0 or 1.
        #expect(throws: SQLDecodingError.self) { try Self.row["flag"] as Bool }
        #expect(throws: SQLDecodingError.self) { try Self.row.optional("name", as: Double.self) }
    }

    @Test func anUnknownEnumerationValueNamesTableColumnAndValue() {
        let error = #expect(throws: SQLDecodingError.self) { try Self.row.decode("kind", in: "actions", as: Kind.self) }
        #expect(error?.description.hasPrefix("actions.kind holds 'teleport', which this version of Parcelwatch does not know") == true)
        #expect(throws: SQLDecodingError.self) { try Self.row.decodeIfPresent("kind", in: "actions", as: Kind.self) }
    }
}

/// The store refuses what it cannot read, naming what it was doing, the table, the column and
/// the value; and reads the breaches of any number of cases in one query.
@Suite struct StrictStoreTests {
    /// The store's error for `read`, which must fail.
    static func failure<T>(_ read: () async throws -> T) async -> String? {
        do {
            _ = try await read()
            return nil
        } catch {
            return "\(error)"
        }
    }

    static let unknown = "which this version of Parcelwatch does not know"

    @Test(arguments: StoreKind.all) func unknownStoredValuesAreErrorsNamingTableColumnAndValue(kind: StoreKind) async throws {
        let store = try await EscalationDigestTests.store(kind, staff: ["anna"])
        let incident = try await EscalationDigestTests.open(store, parcel: 1, firstTouch: 1, resolution: 48)
        let sql = store
        let shipmentID = try #require(incident.shipmentId)
        _ = try await store.write {
            try $0.actions.requestAction(incidentId: incident.id, kind: .refund, amount: nil, state: .pending, actor: "anna", at: EscalationDigestTests.start)
        }
        #expect(try await store.read { try $0.actions.actions(incidentId: incident.id, states: []) }.map(\.kind) == [.refund])

        // An action kind from a newer version is no refund.
        try await sql.unchecked { db in try db.execute(sql: "UPDATE actions SET kind = 'teleport'") }
        let action = await Self.failure { try await store.read { try $0.actions.actions(incidentId: incident.id, states: []) } }
        #expect(action == "database error while listing actions: actions.kind holds 'teleport', \(Self.unknown) (upgrade Parcelwatch, or correct the row)")
        #expect(
            await Self.failure {
                try await store.write(serialized: false) { try $0.actions.claimActions(now: EscalationDigestTests.hours(1), lease: 60, limit: 10) }
            }?
            .contains("actions.kind holds 'teleport'") == true)
        try await sql.unchecked { db in try db.execute(sql: "UPDATE actions SET kind = 'refund', state = 'beamed'") }
        #expect(
            await Self.failure { try await store.read { try $0.actions.actions(incidentId: incident.id, states: []) } }?.contains(
                "actions.state holds 'beamed'") == true)
        try await sql.unchecked { db in try db.execute(sql: "DELETE FROM actions") }

        // A case kind or state: never a stalled or open case.
        try await sql.unchecked { db in try db.execute(sql: "UPDATE incidents SET kind = 'meteor'") }
        #expect(
            await Self.failure { try await store.read { try $0.cases.incidents(IncidentFilter()) } }?.contains("incidents.kind holds 'meteor', \(Self.unknown)")
                == true)
        #expect(await Self.failure { try await store.read { try $0.cases.incident(id: incident.id) } }?.contains("incidents.kind holds 'meteor'") == true)
        try await sql.unchecked { db in try db.execute(sql: "UPDATE incidents SET kind = 'damagedOrLost', state = 'pondering'") }
        #expect(await Self.failure { try await store.read { try $0.cases.incidents(IncidentFilter()) } }?.contains("incidents.state holds 'pondering'") == true)
        try await sql.unchecked { db in try db.execute(sql: "UPDATE incidents SET state = 'open'") }
        #expect(try await store.read { try $0.cases.incidents(IncidentFilter()) }.map(\.id) == [incident.id])

        // A parcel's status or reason, and an event's: never pending or unknown.
        try await sql.unchecked { db in try db.execute(sql: "UPDATE shipments SET status = 'teleported' WHERE id = ?", arguments: [shipmentID]) }
        #expect(
            await Self.failure { try await store.read { try $0.shipments.shipments(ShipmentFilter()) } }?.contains(
                "shipments.status holds 'teleported', \(Self.unknown)") == true)
        try await sql.unchecked { db in
            try db.execute(sql: "UPDATE shipments SET status = 'exception', reason = 'gremlins' WHERE id = ?", arguments: [shipmentID])
        }
        #expect(
            await Self.failure { try await store.read { try $0.shipments.shipments(ShipmentFilter()) } }?.contains("shipments.reason holds 'gremlins'") == true)
        try await sql.unchecked { db in try db.execute(sql: "UPDATE shipments SET reason = 'damaged' WHERE id = ?", arguments: [shipmentID]) }
        try await sql.unchecked { db in
            try db.execute(
                sql: """
                    INSERT INTO events (shipment_id, fingerprint, time, offset_seconds, raw_status, status, seen_at) VALUES (?, 'f1', 0, 0, 'Beamed up', 'beamed', 0)
                    """, arguments: [shipmentID])
        }
        #expect(
            await Self.failure { try await store.read { try $0.shipments.events(shipmentID: shipmentID) } }?.contains(
                "events.status holds 'beamed', \(Self.unknown)") == true)
    }

    @Test func aWrongTypeOrANullIsAnErrorNotZeroOrEmpty() async throws {
        // SQLite keeps what it is given: a text in an integer column, a NULL in a text key.
        let store = try await EscalationDigestTests.store(StoreKind.all[0], staff: ["anna"])
        let sql = store
        try await store.write {
            try $0.outbox.enqueue(
                NoticeDraft(
                    dedupeKey: "k1", channel: "email", recipient: "jan@example.com", subject: "s", body: "b",
                    language: "en", template: "t", dueAt: EscalationDigestTests.start), incidentId: nil)
        }
        try await sql.unchecked { db in try db.execute(sql: "UPDATE outbox SET attempts = 'soon'") }
        #expect(
            await Self.failure { try await store.read { try $0.outbox.notices(.all, limit: 10) } }
                == "database error while listing notices: column attempts: expected Int, found text 'soon'")
        try await sql.unchecked { db in try db.execute(sql: "INSERT INTO api_tokens (name, token_hash, created_at, created_by) VALUES (NULL, 'h', 0, 'anna')") }
        #expect(
            await Self.failure { try await store.read { try $0.console.tokens() } }
                == "database error while listing API tokens: column name: expected String, found NULL")
    }

    @Test(arguments: StoreKind.all) func aNumericAnswerReadsAsANumber(kind: StoreKind) async throws {
        // PostgreSQL's SUM of bigints is numeric: whole, it is an integer; else a real, as in SQLite.
        let sql = try await kind.open()
        let (sum, half) = try await sql.unchecked { db in
            (
                try db.scalar(Int64.self, sql: "SELECT SUM(v) FROM (SELECT CAST(2 AS BIGINT) AS v UNION ALL SELECT CAST(3 AS BIGINT) AS v) t"),
                try db.scalar(Double.self, sql: "SELECT CAST(1.5 AS NUMERIC)")
            )
        }
        #expect(sum == 5 && half == 1.5)
    }

    @Test(arguments: StoreKind.all) func theQueueReadsEveryCaseWithItsBreachesInTwoQueries(kind: StoreKind) async throws {
        let store = try await EscalationDigestTests.store(kind, staff: ["anna", "marek"])
        var opened: [Incident] = []
        for parcel in 1...6 {
            opened.append(try await EscalationDigestTests.open(store, parcel: parcel, firstTouch: 1, resolution: Double(10 * parcel)))
        }
        _ = try await store.write { try $0.cases.escalate(now: EscalationDigestTests.hours(2), policy: EscalationDigestTests.policy) }
        _ = try await store.write { try $0.cases.escalate(now: EscalationDigestTests.hours(35), policy: EscalationDigestTests.policy) }

        let counter = SQLStatementCounter()
        let listed = try await Store.$statementCounter.withValue(counter) { try await store.read { try $0.cases.incidents(IncidentFilter()) } }
        #expect(counter.statements == 2)
        #expect(listed.map(\.id) == opened.map(\.id))
        #expect(
            listed.map(\.breaches) == [
                [.firstTouch, .resolution], [.firstTouch, .resolution], [.firstTouch, .resolution],
                [.firstTouch], [.firstTouch], [.firstTouch],
            ])
        // One case at a time reads the same.
        for incident in listed { #expect(try await store.read { try $0.cases.incident(id: incident.id) } == incident) }
        // A filter applies to the breaches' query too.
        let annas = try await Store.$statementCounter.withValue(SQLStatementCounter()) {
            try await store.read { try $0.cases.incidents(IncidentFilter(owner: "anna")) }
        }
        #expect(annas == listed.filter { $0.owner == "anna" })
        // And the search, with at most 50 orders, also reads breaches in one query (after the
        // exact probes and the name search: two).
        let search = SQLStatementCounter()
        let found = try await Store.$statementCounter.withValue(search) { try await store.read { try $0.cases.find("anna@example.com") } }
        #expect(found.incidents == listed)
        #expect(search.statements == 5)
    }
}

/// SQLite and PostgreSQL reach the same schema: tables, columns (kind of type, NOT NULL),
/// unique constraints and indexes (keys, expressions, conditions), read from each database's
/// own catalog, so drift between the two migration lists fails here.
@Suite struct SchemaDriftTests {
    /// One database's schema, by name.
    struct Schema: Equatable, CustomStringConvertible {
        /// `table.column` → `integer|real|text` plus ` not null`.
        var columns: [String: String] = [:]
        /// `table(key, …)` of every primary key and unique constraint.
        var uniqueKeys: Set<String> = []
        /// Index name → `[unique ]table(keys)[ where condition]`, normalized.
        var indexes: [String: String] = [:]

        var tables: Set<String> { Set(columns.keys.compactMap { $0.split(separator: ".").first.map(String.init) }) }

        var description: String {
            (columns.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" } + uniqueKeys.sorted()
                + indexes.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }).joined(separator: "\n")
        }

        /// What differs from `other`, one line each.
        func differences(from other: Schema) -> [String] {
            var lines: [String] = []
            for key in Set(columns.keys).union(other.columns.keys).sorted() where columns[key] != other.columns[key] {
                lines.append("column \(key): \(columns[key] ?? "missing") vs \(other.columns[key] ?? "missing")")
            }
            for key in uniqueKeys.symmetricDifference(other.uniqueKeys).sorted() {
                lines.append("unique \(key) only in \(uniqueKeys.contains(key) ? "the first" : "the second")")
            }
            for key in Set(indexes.keys).union(other.indexes.keys).sorted() where indexes[key] != other.indexes[key] {
                lines.append("index \(key): \(indexes[key] ?? "missing") vs \(other.indexes[key] ?? "missing")")
            }
            return lines
        }
    }

    /// `INTEGER`, `BIGINT`, `DOUBLE PRECISION`, `REAL`, `TEXT`, `character varying` → the kind
    /// both stores read (SQLite's affinity rules).
    static func typeKind(_ declared: String) -> String {
        let type = declared.uppercased()
        if type.contains("INT") { return "integer" }
        if type.contains("CHAR") || type.contains("TEXT") || type.contains("CLOB") { return "text" }
        if type.contains("REAL") || type.contains("FLOA") || type.contains("DOUB") { return "real" }
        return "other(\(declared))"
    }

    /// An index's keys and condition without spacing, quoting, casts or extra parentheses.
    static func normalized(_ text: String) -> String {
        var text = text.lowercased().replacingOccurrences(of: "::text", with: "").replacingOccurrences(of: "\"", with: "")
        text.removeAll { $0 == " " || $0 == "\n" }
        while text.hasPrefix("("), text.hasSuffix(")"), balanced(String(text.dropFirst().dropLast())) { text = String(text.dropFirst().dropLast()) }
        return text
    }

    static func balanced(_ text: String) -> Bool {
        var depth = 0
        for character in text {
            if character == "(" { depth += 1 }
            if character == ")" { depth -= 1; if depth < 0 { return false } }
        }
        return depth == 0
    }

    /// `CREATE [UNIQUE] INDEX name ON [public.]table [USING btree] (keys) [WHERE condition]` →
    /// `[unique ]table(keys)[ where condition]`.
    static func indexShape(_ definition: String) throws -> String {
        let text = definition.replacingOccurrences(of: "\n", with: " ")
        let unique = text.uppercased().hasPrefix("CREATE UNIQUE")
        let afterOn = try #require(text.range(of: " ON ")).upperBound
        let open = try #require(text[afterOn...].firstIndex(of: "("))
        var table = text[afterOn..<open].trimmingCharacters(in: .whitespaces)
        if let using = table.range(of: " USING ") { table = String(table[..<using.lowerBound]) }
        table = table.replacingOccurrences(of: "public.", with: "").replacingOccurrences(of: "\"", with: "")
        var depth = 0
        var close = open
        for index in text[open...].indices {
            if text[index] == "(" { depth += 1 }
            if text[index] == ")" { depth -= 1 }
            if depth == 0 { close = index; break }
        }
        let keys = normalized(String(text[text.index(after: open)..<close]))
        let rest = text[text.index(after: close)...].trimmingCharacters(in: .whitespaces)
        let condition = rest.uppercased().hasPrefix("WHERE ") ? " where " + normalized(String(rest.dropFirst(6))) : ""
        return (unique ? "unique " : "") + "\(table)(\(keys))" + condition
    }

    static func sqliteSchema(_ store: Store) async throws -> Schema {
        let rows = try await store.unchecked { db -> (columns: [SQLRow], indexes: [SQLRow], unique: [SQLRow]) in
            // Plain tables only: FTS5's virtual table and its shadow tables are SQLite's form of
            // PostgreSQL's trigram index (see ``backendSpecificIndexes``).
            let tables = """
                SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'grdb_migrations'
                """
            return (
                try db.fetchAll(
                    sql: """
                        SELECT t.name AS table_name, c.name AS column_name, c.type AS type, c."notnull" AS not_null, c.pk AS pk
                        FROM (\(tables)) t, pragma_table_info(t.name) c
                        """),
                try db.fetchAll(sql: "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"),
                try db.fetchAll(
                    sql: """
                        SELECT t.name AS table_name, l.name AS index_name, i.name AS column_name FROM (\(tables)) t, pragma_index_list(t.name) l,
                        pragma_index_info(l.name) i WHERE l.origin IN ('pk', 'u') ORDER BY t.name, l.name, i.seqno
                        """)
            )
        }
        var schema = Schema()
        var primaryKeys: [String: [(Int, String)]] = [:]
        for row in rows.columns {
            let table: String = try row["table_name"], column: String = try row["column_name"]
            let pk: Int = try row["pk"]
            // A primary key is never NULL in PostgreSQL; the store never writes one in SQLite.
            let notNull = try row["not_null"] as Bool || pk > 0
            schema.columns["\(table).\(column)"] = typeKind(try row["type"]) + (notNull ? " not null" : "")
            if pk > 0 { primaryKeys[table, default: []].append((pk, column)) }
        }
        for (table, keys) in primaryKeys { schema.uniqueKeys.insert("\(table)(\(keys.sorted { $0.0 < $1.0 }.map(\.1).joined(separator: ",")))") }
        var uniqueIndexes: [String: (table: String, columns: [String])] = [:]
        for row in rows.unique {
            let table: String = try row["table_name"]
            uniqueIndexes[try row["index_name"], default: (table, [])].columns.append(try row["column_name"])
        }
        for (_, index) in uniqueIndexes { schema.uniqueKeys.insert("\(index.table)(\(index.columns.joined(separator: ",")))") }
        for row in rows.indexes { schema.indexes[try row["name"]] = try indexShape(try row["sql"]) }
        return schema
    }

    /// Indexes one store has in its own form only: PostgreSQL's trigram index on
    /// `order_search.name` is SQLite's FTS5 table `order_search_fts`; both are checked to exist.
    static let backendSpecificIndexes = ["order_search_name_trigrams"]

    static func postgresSchema(_ store: Store) async throws -> Schema {
        let rows = try await store.unchecked { db -> (columns: [SQLRow], indexes: [SQLRow], unique: [SQLRow]) in
            (
                try db.fetchAll(
                    sql: """
                        SELECT c.table_name::text AS table_name, c.column_name::text AS column_name, c.data_type::text AS type,
                               c.is_nullable::text AS nullable
                        FROM information_schema.columns c JOIN information_schema.tables t
                          ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
                        WHERE c.table_schema = current_schema() AND c.table_name <> 'parcelwatch_migrations'
                        """),
                try db.fetchAll(
                    sql: """
                        SELECT indexname::text AS name, indexdef AS sql FROM pg_indexes
                        WHERE schemaname = current_schema() AND tablename <> 'parcelwatch_migrations'
                          AND indexname NOT IN (SELECT conname FROM pg_constraint)
                        """),
                try db.fetchAll(
                    sql: """
                        SELECT k.table_name::text AS table_name, k.constraint_name::text AS index_name, k.column_name::text AS column_name
                        FROM information_schema.table_constraints c JOIN information_schema.key_column_usage k
                          ON k.constraint_schema = c.constraint_schema AND k.constraint_name = c.constraint_name
                        WHERE c.table_schema = current_schema() AND c.constraint_type IN ('PRIMARY KEY', 'UNIQUE')
                          AND c.table_name <> 'parcelwatch_migrations'
                        ORDER BY k.table_name, k.constraint_name, k.ordinal_position
                        """)
            )
        }
        var schema = Schema()
        for row in rows.columns {
            let table: String = try row["table_name"], column: String = try row["column_name"]
            schema.columns["\(table).\(column)"] = typeKind(try row["type"]) + (try row["nullable"] as String == "NO" ? " not null" : "")
        }
        var uniqueIndexes: [String: (table: String, columns: [String])] = [:]
        for row in rows.unique {
            let table: String = try row["table_name"]
            uniqueIndexes[try row["index_name"], default: (table, [])].columns.append(try row["column_name"])
        }
        for (_, index) in uniqueIndexes { schema.uniqueKeys.insert("\(index.table)(\(index.columns.joined(separator: ",")))") }
        for row in rows.indexes where !backendSpecificIndexes.contains(try row["name"]) {
            schema.indexes[try row["name"]] = try indexShape(try row["sql"])
        }
        return schema
    }

    static func sqlite() async throws -> Store {
        try await Store.sqlite(path: try temporaryDirectory("schema") + "/parcelwatch.sqlite")
    }

    @Test func sqliteDeclaresItsOwnTypes() async throws {
        let store = try await Self.sqlite()
        let types = try await store.unchecked { db in
            try db.scalars(
                String.self,
                sql: """
                    SELECT DISTINCT m.name || '.' || c.name || ' ' || c.type FROM pragma_table_list m, pragma_table_info(m.name) c
                    WHERE m.schema = 'main' AND m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND c.type NOT IN ('TEXT', 'INTEGER', 'REAL')
                    """)
        }
        #expect(types == [], "columns declared in PostgreSQL's types rather than SQLite's")
    }

    @Test func sqliteLooksUpEmailsThroughTheLowercaseIndex() async throws {
        let store = try await Self.sqlite()
        let plan = try await store.unchecked { db in
            try db.fetchAll(sql: "EXPLAIN QUERY PLAN SELECT * FROM orders WHERE lower(email) = lower(?)", arguments: ["Anna@Example.com"])
                .map { row throws -> String in try row["detail"] }
        }
        #expect(plan.contains { $0.contains("USING INDEX orders_email") }, "\(plan)")
    }

    @Test(.enabled(if: PostgresTestServer.isAvailable)) func sqliteAndPostgresReachTheSameSchema() async throws {
        let sqlite = try await Self.sqliteSchema(try await Self.sqlite())
        let postgres = try await Self.postgresSchema(try await Store.postgres(try await PostgresTestServer.freshDatabase("schema")))
        #expect(sqlite.tables.count >= 15 && sqlite.tables == postgres.tables)
        #expect(sqlite.indexes["orders_email"] == "orders(lower(email))")
        #expect(sqlite.tables.contains("order_search") && !sqlite.tables.contains("order_search_fts"))
        // The name search's own index in each store.
        let fts = try await Self.sqlite().unchecked { db in
            try db.scalar(String.self, sql: "SELECT sql FROM sqlite_master WHERE name = 'order_search_fts'")
        }
        #expect(fts?.contains("tokenize='trigram case_sensitive 1'") == true)
        let trigrams = try await Store.postgres(try await PostgresTestServer.freshDatabase("trigrams")).unchecked { db in
            try db.scalar(String.self, sql: "SELECT indexdef FROM pg_indexes WHERE indexname = 'order_search_name_trigrams'")
        }
        #expect(trigrams?.contains("gin (name gin_trgm_ops)") == true)
        let differences = sqlite.differences(from: postgres)
        #expect(differences == [], "SQLite vs PostgreSQL:\n\(differences.joined(separator: "\n"))")
    }
}
