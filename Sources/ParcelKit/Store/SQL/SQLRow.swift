/// One result row, read by column name (`row["tracking_number"]`) as the type the context asks
/// for; `row["phone"] as String?` reads NULL as nil.
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

    /// The raw value of `column`, NULL when there is no such column.
    public func value(_ column: String) -> SQLValue {
        positions[column].map { values[$0] } ?? .null
    }

    /// The column's value, or nil for NULL.
    public subscript<T: SQLColumnDecodable>(_ column: String) -> T? {
        T.decode(value(column))
    }

    /// The column's value; a NULL reads as the type's ``SQLColumnDecodable/absent`` value.
    public subscript<T: SQLColumnDecodable>(_ column: String) -> T {
        T.decode(value(column)) ?? T.absent
    }
}
