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
    public func scalar<T: SQLColumnDecodable>(_ type: T.Type, sql: String, arguments: SQLArguments = []) throws -> T? {
        try fetchAll(sql: sql, arguments: arguments).first.flatMap { $0.values.first }.flatMap(T.decode)
    }

    /// The first column of every row, NULLs left out.
    public func scalars<T: SQLColumnDecodable>(_ type: T.Type, sql: String, arguments: SQLArguments = []) throws -> [T] {
        try fetchAll(sql: sql, arguments: arguments).compactMap { $0.values.first.flatMap(T.decode) }
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
