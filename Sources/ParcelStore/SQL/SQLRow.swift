import Foundation
import ParcelCore

/// One result row, read strictly by column name: `try row["tracking_number"]` as the type the
/// context asks for, `try row.optional("phone")` for a nullable column (NULL reads as nil), and
/// `try row.decode("kind", in: "actions")` for a stored enumeration. A missing column, an
/// unexpected NULL, a value of another type or an unknown enumeration value throws
/// ``SQLDecodingError``: nothing reads as `""` or `0` by default.
public struct SQLRow: Sendable {
    /// Column positions by name, shared by every row of one result.
    let positions: [String: Int]
    /// The row's values, in column order.
    public let values: [SQLValue]

    /// A row of `values` whose columns are at `positions`.
    init(positions: [String: Int], values: [SQLValue]) {
        self.positions = positions
        self.values = values
    }

    /// Column positions for `names`; a repeated name keeps its first position, as `SELECT s.*, o.id AS o_id` needs.
    static func positions(_ names: [String]) -> [String: Int] {
        var positions: [String: Int] = [:]
        for (index, name) in names.enumerated() where positions[name] == nil { positions[name] = index }
        return positions
    }

    /// A row of `values` in the columns `names` (the backends build rows with
    /// ``init(positions:values:)``; this one is for tests and tools).
    public init(columns names: [String], values: [SQLValue]) {
        self.init(positions: Self.positions(names), values: values)
    }

    /// The raw value of `column`.
    /// - Throws: ``SQLDecodingError`` when the result has no such column (a misspelled name, a
    ///   column the query does not select).
    public func value(_ column: String) throws(SQLDecodingError) -> SQLValue {
        guard let position = positions[column], values.indices.contains(position) else {
            throw SQLDecodingError(column: column, problem: .missingColumn(available: positions.keys.sorted()))
        }
        return values[position]
    }

    /// The value of a column that is never NULL, as the type the context asks for: `try row["id"]`.
    /// - Throws: ``SQLDecodingError`` for a missing column, a NULL, or a value of another type.
    public subscript<T: SQLColumnDecodable>(_ column: String) -> T {
        get throws(SQLDecodingError) {
            guard let value = try optional(column, as: T.self) else {
                throw SQLDecodingError(column: column, problem: .unexpectedNull(expected: "\(T.self)"))
            }
            return value
        }
    }

    /// The value of a nullable column, nil for NULL: `try row.optional("phone")`.
    /// - Throws: ``SQLDecodingError`` for a missing column or a value of another type.
    public func optional<T: SQLColumnDecodable>(_ column: String, as type: T.Type = T.self) throws(SQLDecodingError) -> T? {
        let value = try value(column)
        if value == .null { return nil }
        guard let decoded = T.decode(value) else {
            throw SQLDecodingError(column: column, problem: .wrongType(expected: "\(T.self)", found: value.kindDescription))
        }
        return decoded
    }

    /// A never-NULL time, stored as seconds since 1970.
    /// - Throws: ``SQLDecodingError`` as ``subscript(_:)`` does.
    public func date(_ column: String) throws(SQLDecodingError) -> Date {
        Date(timeIntervalSince1970: try self[column])
    }

    /// A nullable time, stored as seconds since 1970; nil for NULL.
    /// - Throws: ``SQLDecodingError`` as ``optional(_:as:)`` does.
    public func optionalDate(_ column: String) throws(SQLDecodingError) -> Date? {
        try optional(column, as: Double.self).map(Date.init(timeIntervalSince1970:))
    }

    /// A stored enumeration value (a kind, a state) of `table`'s never-NULL `column`:
    /// `try row.decode("kind", in: "actions")`.
    /// - Throws: ``SQLDecodingError`` as ``subscript(_:)`` does, and for a value this version of
    ///   Parcelwatch does not know (written by a newer one, or by hand), naming table, column and value.
    public func decode<E: RawRepresentable>(_ column: String, in table: String, as type: E.Type = E.self) throws(SQLDecodingError) -> E
    where E.RawValue == String {
        guard let value = try decodeIfPresent(column, in: table, as: E.self) else {
            throw SQLDecodingError(column: column, problem: .unexpectedNull(expected: "\(E.self)"), table: table)
        }
        return value
    }

    /// A stored enumeration value of `table`'s nullable `column`, nil for NULL.
    /// - Throws: ``SQLDecodingError`` as ``decode(_:in:as:)`` does.
    public func decodeIfPresent<E: RawRepresentable>(_ column: String, in table: String, as type: E.Type = E.self) throws(SQLDecodingError) -> E?
    where E.RawValue == String {
        let text: String?
        do {
            text = try optional(column, as: String.self)
        } catch {
            throw SQLDecodingError(column: column, problem: error.problem, table: table)
        }
        guard let text else { return nil }
        guard let value = E(rawValue: text) else {
            throw SQLDecodingError(column: column, problem: .unknownValue(text), table: table)
        }
        return value
    }
}

/// A stored value the store cannot read as asked: a missing column, an unexpected NULL, a value
/// of another type, or an enumeration value this version does not know. The store reports it as
/// ``StoreError/failed(operation:detail:)``, naming what it was doing.
public struct SQLDecodingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong with a column.
    public enum Problem: Sendable, Equatable {
        /// The result has no such column (a misspelled name, a column the query does not select).
        case missingColumn(available: [String])
        /// NULL where the reader expects a value of type `expected`.
        case unexpectedNull(expected: String)
        /// A value of another kind (`found`: `text 'abc'`, `real 1.5`).
        case wrongType(expected: String, found: String)
        /// An enumeration value this version of Parcelwatch does not know.
        case unknownValue(String)
    }

    /// The column read.
    public var column: String
    /// What is wrong with it.
    public var problem: Problem
    /// The table the column belongs to, when the reader named it.
    public var table: String?

    /// A failure reading `column` (of `table`, when known).
    public init(column: String, problem: Problem, table: String? = nil) {
        self.column = column
        self.problem = problem
        self.table = table
    }

    /// `actions.kind holds 'teleport', which this version of Parcelwatch does not know …`, or
    /// `column id: expected Int64, found NULL`.
    public var description: String {
        let place = table.map { "\($0).\(column)" } ?? "column \(column)"
        switch problem {
        case .missingColumn(let available):
            return "\(place): the result has no such column (it has \(available.joined(separator: ", ")))"
        case .unexpectedNull(let expected):
            return "\(place): expected \(expected), found NULL"
        case .wrongType(let expected, let found):
            return "\(place): expected \(expected), found \(found)"
        case .unknownValue(let value):
            return "\(place) holds '\(value)', which this version of Parcelwatch does not know (upgrade Parcelwatch, or correct the row)"
        }
    }
}
