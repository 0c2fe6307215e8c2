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
                let connection = PostgresSQLConnection(slot.connection)
                do {
                    try connection.execute(sql: readOnly ? "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY" : "BEGIN")
                    // One lock number for the whole store: serialized writes queue here, as in SQLite.
                    if serialized { try connection.execute(sql: "SELECT pg_advisory_xact_lock(7300917)") }
                    let outcome = try body(connection)
                    try connection.execute(sql: outcome.commit ? "COMMIT" : "ROLLBACK")
                    continuation.resume(returning: .success(outcome.value))
                } catch {
                    try? connection.execute(sql: "ROLLBACK")
                    continuation.resume(returning: .failure(error))
                }
            }
        }
        await pool.checkin(slot)
        return try result.get()
    }

    func describe(_ error: any Error) -> String {
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
/// each statement waits for its answer on the calling (never an event loop) thread.
private final class PostgresSQLConnection: SQLConnection {
    private let connection: PostgresConnection
    private(set) var changesCount = 0
    private let logger = Logger(label: "parcelwatch.postgres")

    init(_ connection: PostgresConnection) { self.connection = connection }

    var dialect: SQLDialect { .postgres }

    func execute(sql: String, arguments: SQLArguments) throws {
        changesCount = try run(sql, arguments).metadata.rows ?? 0
    }

    func fetchAll(sql: String, arguments: SQLArguments) throws -> [SQLRow] {
        let result = try run(sql, arguments)
        guard let first = result.rows.first else { return [] }
        let positions = SQLRow.positions(first.map(\.columnName))
        return try result.rows.map { row in
            SQLRow(positions: positions, values: try row.map(Self.value))
        }
    }

    private func run(_ sql: String, _ arguments: SQLArguments) throws -> PostgresQueryResult {
        var bindings = PostgresBindings(capacity: arguments.values.count)
        for value in arguments.values {
            switch value {
            case .null: bindings.appendNull()
            case .integer(let number): bindings.append(number)
            case .real(let number): bindings.append(number)
            case .text(let text): bindings.append(text)
            }
        }
        return try connection.query(PostgresQuery(unsafeSQL: Self.numberedPlaceholders(sql), binds: bindings), logger: logger).wait()
    }

    private static func value(_ cell: PostgresCell) throws -> SQLValue {
        guard cell.bytes != nil else { return .null }
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

    /// `?` outside quoted text becomes `$1`, `$2`, … in order.
    static func numberedPlaceholders(_ sql: String) -> String {
        var result = ""
        result.reserveCapacity(sql.utf8.count + 16)
        var number = 0
        var quoted = false
        for character in sql {
            if character == "'" { quoted.toggle() }
            if character == "?", !quoted {
                number += 1
                result += "$\(number)"
            } else {
                result.append(character)
            }
        }
        return result
    }
}
