import ParcelCore
import Synchronization

/// The SQL spoken by one backend, where SQLite and PostgreSQL differ.
public enum SQLDialect: Sendable {
    case sqlite
    case postgres

    /// The row-locking suffix of a claiming `SELECT`: PostgreSQL skips rows another worker has
    /// locked; SQLite has one writer at a time and needs none.
    var skipLocked: String {
        switch self {
        case .sqlite: ""
        case .postgres: " FOR UPDATE SKIP LOCKED"
        }
    }

    /// The smallest of several values in one row: SQLite's many-argument `MIN`, PostgreSQL's `LEAST`.
    var least: String {
        switch self {
        case .sqlite: "MIN"
        case .postgres: "LEAST"
        }
    }
}

/// One connection inside one transaction, as the store's statements see it: synchronous, `?`
/// placeholders, values as ``SQLValue``. The SQLite and PostgreSQL backends each provide one,
/// so every statement of the store is written once.
public protocol SQLConnection: AnyObject {
    /// The backend's dialect, for the few statements that differ.
    var dialect: SQLDialect { get }
    /// Rows changed by the last ``execute(sql:arguments:)``.
    var changesCount: Int { get }
    /// Runs a statement that returns no rows.
    func execute(sql: String, arguments: SQLArguments) throws
    /// Runs a query and returns every row.
    func fetchAll(sql: String, arguments: SQLArguments) throws -> [SQLRow]
}

extension SQLConnection {
    /// Runs a statement without arguments.
    public func execute(sql: String) throws {
        try execute(sql: sql, arguments: [])
    }

    /// Every row of a query without arguments.
    public func fetchAll(sql: String) throws -> [SQLRow] {
        try fetchAll(sql: sql, arguments: [])
    }

    /// The first row, if any.
    public func fetchOne(sql: String, arguments: SQLArguments = []) throws -> SQLRow? {
        try fetchAll(sql: sql, arguments: arguments).first
    }

    /// The first column of the first row, nil when there is no row or it is NULL.
    /// - Throws: ``SQLDecodingError`` when the value is of another type.
    public func scalar<T: SQLColumnDecodable>(_ type: T.Type, sql: String, arguments: SQLArguments = []) throws -> T? {
        try fetchAll(sql: sql, arguments: arguments).first.flatMap { try Self.firstColumn($0, as: T.self) }
    }

    /// The first column of every row, NULLs left out.
    /// - Throws: ``SQLDecodingError`` when a value is of another type.
    public func scalars<T: SQLColumnDecodable>(_ type: T.Type, sql: String, arguments: SQLArguments = []) throws -> [T] {
        try fetchAll(sql: sql, arguments: arguments).compactMap { try Self.firstColumn($0, as: T.self) }
    }

    /// A row's first column, nil for NULL.
    private static func firstColumn<T: SQLColumnDecodable>(_ row: SQLRow, as type: T.Type) throws(SQLDecodingError) -> T? {
        let name = row.positions.first { $0.value == 0 }?.key ?? "1"
        guard let value = row.values.first else { throw SQLDecodingError(column: name, problem: .missingColumn(available: [])) }
        if value == .null { return nil }
        guard let decoded = T.decode(value) else {
            throw SQLDecodingError(column: name, problem: .wrongType(expected: "\(T.self)", found: value.kindDescription))
        }
        return decoded
    }

    /// Runs an `INSERT` and returns the new row's `id` (both dialects know `RETURNING`).
    public func insertReturningID(sql: String, arguments: SQLArguments) throws -> Int64 {
        guard let id = try scalar(Int64.self, sql: sql + " RETURNING id", arguments: arguments) else {
            throw SQLFailure(message: "the insert returned no id")
        }
        return id
    }

    /// Runs `body` in a savepoint, kept when it returns true and rolled back when it returns
    /// false or throws.
    public func inSavepoint(_ body: () throws -> Bool) throws {
        try execute(sql: "SAVEPOINT parcelwatch_row")
        let keep: Bool
        do {
            keep = try body()
        } catch {
            try execute(sql: "ROLLBACK TO SAVEPOINT parcelwatch_row")
            try execute(sql: "RELEASE SAVEPOINT parcelwatch_row")
            throw error
        }
        if !keep { try execute(sql: "ROLLBACK TO SAVEPOINT parcelwatch_row") }
        try execute(sql: "RELEASE SAVEPOINT parcelwatch_row")
    }
}

/// A backend's own failure, in words (the store turns it into ``StoreError``).
public struct SQLFailure: Error, CustomStringConvertible {
    /// What went wrong.
    public var message: String
    public var description: String { message }
}

/// Counts the statements the store runs while it is set as ``Store/statementCounter``, so a
/// test can hold a read to a number of queries (no N+1 reads).
package final class SQLStatementCounter: Sendable {
    private let count = Mutex(0)

    package init() {}

    /// Statements run so far.
    package var statements: Int { count.withLock { $0 } }

    fileprivate func add() { count.withLock { $0 += 1 } }
}

/// `base`, counting every statement into `counter`.
final class CountingConnection: SQLConnection {
    private let base: any SQLConnection
    private let counter: SQLStatementCounter

    init(_ base: any SQLConnection, counter: SQLStatementCounter) {
        self.base = base
        self.counter = counter
    }

    var dialect: SQLDialect { base.dialect }
    var changesCount: Int { base.changesCount }

    func execute(sql: String, arguments: SQLArguments) throws {
        counter.add()
        try base.execute(sql: sql, arguments: arguments)
    }

    func fetchAll(sql: String, arguments: SQLArguments) throws -> [SQLRow] {
        counter.add()
        return try base.fetchAll(sql: sql, arguments: arguments)
    }
}
