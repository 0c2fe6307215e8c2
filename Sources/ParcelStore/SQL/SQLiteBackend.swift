import Foundation
import GRDB
import ParcelCore

/// The embedded backend: one SQLite file in WAL mode, migrated on open, no server to run.
///
/// Readers never block the writer; every write is one `IMMEDIATE` transaction on GRDB's serial
/// writer, so every write is serialized and concurrent sweep tasks hand in updates safely.
final class SQLiteBackend: SQLBackend {
    private let pool: DatabasePool
    private let path: String

    /// Opens the database at `path`: with ``StoreAccess/readWrite``, creating it when missing
    /// and migrating it; with ``StoreAccess/readOnly``, as ``openReadOnly(path:)`` describes.
    init(path: String, access: StoreAccess = .readWrite) throws(StoreError) {
        self.path = path
        if access == .readOnly {
            pool = try Self.openReadOnly(path: path)
            return
        }
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            try SQLiteSchema.migrator.migrate(pool)
        } catch let error as DatabaseError where error.resultCode.primaryResultCode == .SQLITE_READONLY {
            throw .cannotOpen(
                location: path,
                detail: "\(Self.describe(error)): the file or its directory is read-only for this user, and this command writes "
                    + "(commands that only read, such as `parcelwatch shipments` or `parcelwatch report`, open it read-only)")
        } catch {
            throw .cannotOpen(location: path, detail: Self.describe(error))
        }
    }

    var displayName: String { "sqlite:\(path)" }

    func read<T: Sendable>(_ body: @escaping @Sendable (any SQLConnection) throws -> T) async throws -> T {
        try await pool.read { db in try body(GRDBConnection(db)) }
    }

    func write<T: Sendable>(serialized: Bool, _ body: @escaping @Sendable (any SQLConnection) throws -> (value: T, commit: Bool)) async throws -> T {
        try await pool.writeWithoutTransaction { db in
            var result: T?
            try db.inTransaction(.immediate) {
                let outcome = try body(GRDBConnection(db))
                result = outcome.value
                return outcome.commit ? .commit : .rollback
            }
            guard let result else { throw SQLFailure(message: "the transaction produced no result") }
            return result
        }
    }

    func describe(_ error: any Error) -> String { Self.describe(error) }

    static func describe(_ error: any Error) -> String {
        if let database = error as? DatabaseError { return database.message ?? database.description }
        return "\(error)"
    }
}

/// A GRDB `Database` as the store's ``SQLConnection``; lives only inside one GRDB closure (a
/// unit of work's or a migration's).
final class GRDBConnection: SQLConnection {
    private let db: Database

    init(_ db: Database) { self.db = db }

    var dialect: SQLDialect { .sqlite }
    var changesCount: Int { db.changesCount }

    func execute(sql: String, arguments: SQLArguments) throws {
        try db.cachedStatement(sql: sql).execute(arguments: Self.bind(arguments))
    }

    func fetchAll(sql: String, arguments: SQLArguments) throws -> [SQLRow] {
        let statement = try db.cachedStatement(sql: sql)
        let positions = SQLRow.positions(statement.columnNames)
        var rows: [SQLRow] = []
        let cursor = try Row.fetchCursor(statement, arguments: Self.bind(arguments))
        while let row = try cursor.next() {
            rows.append(
                SQLRow(
                    positions: positions,
                    values: row.databaseValues.map { value in
                        switch value.storage {
                        case .null: .null
                        case .int64(let number): .integer(number)
                        case .double(let number): .real(number)
                        case .string(let text): .text(text)
                        case .blob(let data): .text(String(decoding: data, as: UTF8.self))
                        }
                    }))
        }
        return rows
    }

    private static func bind(_ arguments: SQLArguments) -> StatementArguments {
        StatementArguments(
            arguments.values.map { value -> (any DatabaseValueConvertible)? in
                switch value {
                case .null: nil
                case .integer(let number): number
                case .real(let number): number
                case .text(let text): text
                }
            })
    }
}
