import Foundation
import ParcelCore

/// One value crossing into or out of SQL: the common ground of SQLite and PostgreSQL, so the
/// store's statements are written once for both (times are seconds since 1970 as `real`,
/// flags are `integer` 0 or 1).
public enum SQLValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
}

/// A Swift value that can be bound to a statement's `?`.
public protocol SQLBindable {
    /// The value as SQL sees it.
    var sqlValue: SQLValue { get }
}

extension String: SQLBindable {
    public var sqlValue: SQLValue { .text(self) }
}

extension Int: SQLBindable {
    public var sqlValue: SQLValue { .integer(Int64(self)) }
}

extension Int64: SQLBindable {
    public var sqlValue: SQLValue { .integer(self) }
}

extension Double: SQLBindable {
    public var sqlValue: SQLValue { .real(self) }
}

extension Bool: SQLBindable {
    public var sqlValue: SQLValue { .integer(self ? 1 : 0) }
}

extension Optional: SQLBindable where Wrapped: SQLBindable {
    public var sqlValue: SQLValue { self?.sqlValue ?? .null }
}

/// The values bound to a statement's `?` placeholders, in order; written as an array literal
/// (`[id, name, nil]`) like GRDB's `StatementArguments`.
public struct SQLArguments: Sendable, ExpressibleByArrayLiteral {
    /// The values, in placeholder order.
    public var values: [SQLValue]

    /// Arguments from a literal list, `nil` meaning SQL `NULL`.
    public init(arrayLiteral elements: (any SQLBindable)?...) {
        values = elements.map { $0?.sqlValue ?? .null }
    }

    /// Arguments from a built-up list, `nil` meaning SQL `NULL`.
    public init(_ elements: [(any SQLBindable)?]) {
        values = elements.map { $0?.sqlValue ?? .null }
    }

    /// Arguments from a list of one type (`IN (?, ?, ?)`).
    public init<S: Sequence>(_ elements: S) where S.Element: SQLBindable {
        values = elements.map(\.sqlValue)
    }
}

/// A Swift value a result column can be read as, strictly: text only as `String`, whole
/// numbers as integers (a real only when it is whole), numbers as `Double`, 0 and 1 as `Bool`.
public protocol SQLColumnDecodable {
    /// The value, or nil when the non-NULL `value` cannot be read as one (another kind, out of range).
    static func decode(_ value: SQLValue) -> Self?
}

extension SQLValue {
    /// The value's kind and, shortened, the value itself, for errors: `text 'abc'`, `real 1.5`.
    var kindDescription: String {
        switch self {
        case .null: "NULL"
        case .integer(let number): "integer \(number)"
        case .real(let number): "real \(number)"
        case .text(let text): "text '\(text.count > 40 ? text.prefix(40) + "…" : text)'"
        }
    }
}

extension String: SQLColumnDecodable {
    public static func decode(_ value: SQLValue) -> String? {
        if case .text(let text) = value { text } else { nil }
    }
}

extension Int64: SQLColumnDecodable {
    public static func decode(_ value: SQLValue) -> Int64? {
        switch value {
        case .integer(let number): number
        case .real(let number): Int64(exactly: number)
        case .text, .null: nil
        }
    }
}

extension Int: SQLColumnDecodable {
    public static func decode(_ value: SQLValue) -> Int? { Int64.decode(value).flatMap { Int(exactly: $0) } }
}

extension Double: SQLColumnDecodable {
    public static func decode(_ value: SQLValue) -> Double? {
        switch value {
        case .real(let number): number
        case .integer(let number): Double(number)
        case .text, .null: nil
        }
    }
}

extension Bool: SQLColumnDecodable {
    public static func decode(_ value: SQLValue) -> Bool? {
        switch Int64.decode(value) {
        case 0: false
        case 1: true
        default: nil
        }
    }
}
