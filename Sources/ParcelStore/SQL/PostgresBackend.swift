import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import ParcelCore
import PostgresNIO

/// The shared backend: a PostgreSQL database that sweep workers on several machines use at once.
///
/// The store's statements are synchronous (they are shared with SQLite), so each pooled
/// connection has a serial queue of its own on which a transaction runs and waits for the
/// server; neither NIO's event loop nor Swift's cooperative threads are ever blocked.
final class PostgresBackend: SQLBackend {
    private let location: PostgresLocation
    private let pool: PostgresPool

    /// Connects, then brings the schema up to date (under an advisory lock, so workers starting
    /// together migrate once); with ``StoreAccess/readOnly``, only checks it is this binary's.
    init(location text: String, connections: Int = 4, access: StoreAccess = .readWrite) async throws(StoreError) {
        location = try PostgresLocation(text)
        let tls: PostgresConnection.Configuration.TLS
        do {
            switch location.sslMode {
            case "disable": tls = .disable
            case "require": tls = .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
            default: tls = .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
            }
        } catch {
            throw .cannotOpen(location: location.displayName, detail: "TLS: \(error)")
        }
        let configuration = PostgresConnection.Configuration(
            host: location.host, port: location.port, username: location.username,
            password: location.password, database: location.database, tls: tls)
        pool = PostgresPool(configuration: configuration, size: max(1, connections))
        if access == .readOnly {
            let applied: [String]
            do {
                applied = try await read { connection in
                    try connection.scalars(String.self, sql: "SELECT name FROM parcelwatch_migrations")
                }
            } catch {
                let detail = describe(error)
                // 42P01: no migrations table, a database no writing command has opened yet.
                let hint = detail.contains("42P01") ? " (no parcelwatch schema yet, and a read-only open never creates it)" : ""
                throw .cannotOpen(location: location.displayName, detail: detail + hint)
            }
            if let mismatch = SchemaVersion.mismatch(applied: Set(applied), known: PostgresSchema.migrations.map(\.name)) {
                throw .schemaVersion(location: location.displayName, found: mismatch.found, expected: mismatch.expected)
            }
            return
        }
        do {
            try await run(serialized: true) { connection in
                (try PostgresSchema.migrate(connection), true)
            }
        } catch {
            throw .cannotOpen(location: location.displayName, detail: describe(error))
        }
    }

    var displayName: String { location.displayName }

    func read<T: Sendable>(_ body: @escaping @Sendable (any SQLConnection) throws -> T) async throws -> T {
        try await run(serialized: false, readOnly: true) { connection in (try body(connection), true) }
    }

    func write<T: Sendable>(serialized: Bool, _ body: @escaping @Sendable (any SQLConnection) throws -> (value: T, commit: Bool)) async throws -> T {
        try await run(serialized: serialized, body)
    }

    /// Closes every pooled connection.
    func close() async { await pool.close() }

    private func run<T: Sendable>(
        serialized: Bool, readOnly: Bool = false,
        _ body: @escaping @Sendable (any SQLConnection) throws -> (value: T, commit: Bool)
    ) async throws -> T {
        let slot = try await pool.checkout()
        let result: Result<T, any Error> = await withCheckedContinuation { continuation in
            slot.queue.async {
                let connection = PostgresSQLConnection(slot)
                do {
                    // Sent, not waited for: their answers come before the first statement's, and
                    // are checked then (one wake-up of this thread fewer per transaction).
                    connection.send(sql: readOnly ? "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY" : "BEGIN")
                    // One lock number for the whole store: serialized writes queue here, as in SQLite.
                    if serialized { connection.send(sql: "SELECT pg_advisory_xact_lock(7300917)") }
                    let outcome = try body(connection)
                    try connection.execute(sql: outcome.commit ? "COMMIT" : "ROLLBACK")
                    continuation.resume(returning: .success(outcome.value))
                } catch {
                    connection.settleQuietly()
                    try? connection.execute(sql: "ROLLBACK")
                    continuation.resume(returning: .failure(error))
                }
            }
        }
        await pool.checkin(slot)
        return try result.get()
    }

    func describe(_ error: any Error) -> String {
        // A prepared statement's error comes through postgres-nio's older API.
        if case .server(let message)? = error as? PostgresError, let text = message.fields[.message] {
            let state = message.fields[.sqlState].map { " (SQLSTATE \($0))" } ?? ""
            let detail = message.fields[.detail].map { ": \($0)" } ?? ""
            return text + detail + state
        }
        if case .connectionClosed? = error as? PostgresError { return "the connection to \(location.displayName) closed" }
        guard let error = error as? PSQLError else { return "\(error)" }
        if let message = error.serverInfo?[.message] {
            let state = error.serverInfo?[.sqlState].map { " (SQLSTATE \($0))" } ?? ""
            let detail = error.serverInfo?[.detail].map { ": \($0)" } ?? ""
            return message + detail + state
        }
        let underlying = error.underlying.map { ": \($0)" } ?? ""
        switch error.code {
        case .connectionError: return "cannot connect to \(location.displayName)\(underlying)"
        case .serverClosedConnection, .clientClosedConnection: return "the connection to \(location.displayName) closed\(underlying)"
        default: return "PostgreSQL error \(error.code)\(underlying)"
        }
    }
}

/// One pooled connection and the serial queue its transactions run on.
final class PostgresSlot: Sendable {
    let connection: PostgresConnection
    let queue: DispatchQueue
    /// The statements prepared on `connection`.
    let statements = PostgresStatementCache()

    init(connection: PostgresConnection, number: Int) {
        self.connection = connection
        queue = DispatchQueue(label: "parcelwatch.postgres.\(number)")
    }
}

/// Up to `size` connections, opened when first needed; a closed one is replaced.
actor PostgresPool {
    private let configuration: PostgresConnection.Configuration
    private let size: Int
    private var idle: [PostgresSlot] = []
    private var open = 0
    private var opened = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []
    private let logger: Logger = {
        var logger = Logger(label: "parcelwatch.postgres")
        logger.logLevel = .critical
        return logger
    }()

    init(configuration: PostgresConnection.Configuration, size: Int) {
        self.configuration = configuration
        self.size = size
    }

    deinit {
        // A connection must be closed before it goes; the closing queue keeps each alive until then.
        let connections = idle.map(\.connection)
        guard !connections.isEmpty else { return }
        DispatchQueue.global().async {
            for connection in connections { try? connection.close().wait() }
        }
    }

    /// A connection for one transaction; waits while all `size` are in use.
    func checkout() async throws -> PostgresSlot {
        while true {
            while let slot = idle.popLast() {
                if !slot.connection.isClosed { return slot }
                open -= 1
            }
            if open < size {
                open += 1
                opened += 1
                do {
                    let connection = try await PostgresConnection.connect(
                        on: MultiThreadedEventLoopGroup.singleton.any(), configuration: configuration,
                        id: opened, logger: logger
                    ).get()
                    return PostgresSlot(connection: connection, number: opened)
                } catch {
                    open -= 1
                    wakeOne()
                    throw error
                }
            }
            await withCheckedContinuation { waiting.append($0) }
        }
    }

    /// Returns a connection after its transaction.
    func checkin(_ slot: PostgresSlot) {
        if slot.connection.isClosed {
            open -= 1
        } else {
            idle.append(slot)
        }
        wakeOne()
    }

    /// Closes every idle connection.
    func close() async {
        for slot in idle { try? await slot.connection.close() }
        open -= idle.count
        idle = []
    }

    private func wakeOne() {
        if !waiting.isEmpty { waiting.removeFirst().resume() }
    }
}

/// A PostgreSQL connection as the store's ``SQLConnection``: `?` placeholders become `$1…`, and
/// each statement waits for its answer on the calling (never an event loop) thread. The store's
/// statements run as named prepared statements of the connection (``PostgresStatementCache``);
/// others (transaction control, schema changes) and those past the cache's capacity run unnamed.
private final class PostgresSQLConnection: SQLConnection {
    private let connection: PostgresConnection
    private let statements: PostgresStatementCache
    private(set) var changesCount = 0
    private let logger = Logger(label: "parcelwatch.postgres")

    /// Statements sent whose answers nobody waited for yet, oldest first.
    private var unanswered: [EventLoopFuture<PostgresQueryResult>] = []

    init(_ slot: PostgresSlot) {
        connection = slot.connection
        statements = slot.statements
    }

    var dialect: SQLDialect { .postgres }

    /// Sends a statement without waiting for its answer. The connection answers in order, so it
    /// has come by the time the next statement's has; an error in it is thrown there.
    func send(sql: String) {
        unanswered.append(connection.query(PostgresQuery(unsafeSQL: sql), logger: logger))
    }

    /// Waits for every unanswered statement, ignoring their errors: before a rollback.
    func settleQuietly() {
        let pending = unanswered
        unanswered = []
        for answer in pending { _ = try? answer.wait() }
    }

    func execute(sql: String, arguments: SQLArguments) throws {
        // A prepared statement's answer carries no count of changed rows: the rows it returns
        // (`RETURNING 1`, one per changed row) are the count.
        if Self.changesRows(sql), let rows = try runPrepared(sql.contains("RETURNING") ? sql : sql + " RETURNING 1", arguments) {
            changesCount = rows.count
            return
        }
        changesCount = try runUnnamed(sql, arguments).metadata.rows ?? 0
    }

    func fetchAll(sql: String, arguments: SQLArguments) throws -> [SQLRow] {
        let rows: [PostgresRow]
        if Self.isQuery(sql) || Self.changesRows(sql), let prepared = try runPrepared(sql, arguments) {
            rows = prepared
        } else {
            rows = try runUnnamed(sql, arguments).rows
        }
        guard let first = rows.first else { return [] }
        let positions = SQLRow.positions(first.map(\.columnName))
        return try rows.map { row in
            SQLRow(positions: positions, values: try row.map(Self.value))
        }
    }

    /// Runs `sql` as this connection's prepared statement (preparing it the first time), nil when
    /// the cache is full and the statement is not in it.
    private func runPrepared(_ sql: String, _ arguments: SQLArguments) throws -> [PostgresRow]? {
        // The text says each value's type, as an unnamed statement's Parse message does: one
        // statement per text and types.
        let text = Self.numberedPlaceholders(sql, typed: arguments.values)
        try settle()
        do {
            let statement: PreparedQuery
            if let kept = statements.statement(for: text) {
                statement = kept
            } else {
                guard statements.hasRoom else { return nil }
                statement = try connection.prepare(query: text).wait()
                statements.keep(statement, for: text)
            }
            return try statement.execute(arguments.values.map(Self.data)).wait()
        } catch {
            // 26000: the server has no such statement; 0A000: a `SELECT *` whose table changed.
            if let state = Self.sqlState(error), state == "26000" || state == "0A000" { statements.removeAll() }
            throw error
        }
    }

    private func runUnnamed(_ sql: String, _ arguments: SQLArguments) throws -> PostgresQueryResult {
        var bindings = PostgresBindings(capacity: arguments.values.count)
        for value in arguments.values {
            switch value {
            case .null: bindings.appendNull()
            case .integer(let number): bindings.append(number)
            case .real(let number): bindings.append(number)
            case .text(let text): bindings.append(text)
            }
        }
        let answer = connection.query(PostgresQuery(unsafeSQL: Self.numberedPlaceholders(sql), binds: bindings), logger: logger)
        try settle()
        return try answer.wait()
    }

    /// Waits for the statements sent before; an earlier statement's error comes first, as it is
    /// why a later one may have failed too.
    private func settle() throws {
        let pending = unanswered
        unanswered = []
        for earlier in pending { _ = try earlier.wait() }
    }

    /// A value as a prepared statement's argument, in the type its placeholder was cast to.
    private static func data(_ value: SQLValue) -> PostgresData {
        switch value {
        case .null: PostgresData.null
        case .integer(let number): PostgresData(int64: number)
        case .real(let number): PostgresData(double: number)
        case .text(let text): PostgresData(string: text)
        }
    }

    /// The server's SQLSTATE of an error from either of postgres-nio's APIs.
    static func sqlState(_ error: any Error) -> String? {
        if let error = error as? PSQLError { return error.serverInfo?[.sqlState] }
        if case .server(let message)? = error as? PostgresError { return message.fields[.sqlState] }
        return nil
    }

    /// A statement that changes rows and may return them (`RETURNING`).
    private static func changesRows(_ sql: String) -> Bool {
        let verb = firstWord(sql)
        return verb == "INSERT" || verb == "UPDATE" || verb == "DELETE"
    }

    /// A query (`SELECT`, `WITH`).
    private static func isQuery(_ sql: String) -> Bool {
        let verb = firstWord(sql)
        return verb == "SELECT" || verb == "WITH"
    }

    private static func firstWord(_ sql: String) -> Substring {
        let trimmed = sql.drop { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "(" }
        return trimmed.prefix { $0.isLetter }.uppercased()[...]
    }

    private static func value(_ answered: PostgresCell) throws -> SQLValue {
        guard answered.bytes != nil else { return .null }
        // postgres-nio asks for every result in binary, but a prepared statement's cells carry
        // the format its Describe answered (text): binary is what they hold.
        var cell = answered
        cell.format = .binary
        switch cell.dataType {
        case .int2, .int4, .int8: return .integer(try cell.decode(Int64.self))
        case .float4, .float8: return .real(try cell.decode(Double.self))
        case .bool: return .integer(try cell.decode(Bool.self) ? 1 : 0)
        case .numeric:
            // `SUM(bigint)` and friends answer numeric: a whole one is an integer, as in SQLite.
            let text = "\(try cell.decode(Decimal.self))"
            if let whole = Int64(text) { return .integer(whole) }
            guard let number = Double(text) else { throw SQLFailure(message: "column \(cell.columnName): cannot read the numeric \(text)") }
            return .real(number)
        case .void: return .null
        default: return .text(try cell.decode(String.self))
        }
    }

    /// `?` outside quoted text becomes `$1`, `$2`, … in order; with `typed`, each also says the
    /// type of its value (`$1::int8`), which a prepared statement's placeholders have no other
    /// way to learn (a NULL's is left to the server, as for an unnamed statement).
    static func numberedPlaceholders(_ sql: String, typed values: [SQLValue]? = nil) -> String {
        var result = ""
        result.reserveCapacity(sql.utf8.count + 16)
        var number = 0
        var quoted = false
        for character in sql {
            if character == "'" { quoted.toggle() }
            if character == "?", !quoted {
                number += 1
                result += "$\(number)"
                if let values, number <= values.count {
                    switch values[number - 1] {
                    case .null: break
                    case .integer: result += "::int8"
                    case .real: result += "::float8"
                    case .text: result += "::text"
                    }
                }
            } else {
                result.append(character)
            }
        }
        return result
    }
}
