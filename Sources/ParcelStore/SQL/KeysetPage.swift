/// One page of keyset paging over an index on (`key`, `id`): the rows after the position
/// (`after.key`, `after.id`) in that order, up to `limit`.
///
/// `(key, id) > (?, ?)` reads naturally but SQLite (3.40) turns it into a range on `key` alone and
/// checks `id` row by row, so when many rows share a key (a hundred thousand labels imported at
/// once, all due at the same instant; every parcel whose facts just changed, all due at 0) each
/// page read again every row before it: the last page of a million cost 180 ms against 20 ms for
/// the first. Asked as two index ranges instead, the rest of the current key by id and then the
/// keys after it, a page costs the same wherever it is. PostgreSQL plans both forms as a range;
/// the second statement runs only when the first did not fill the page.
///
/// `fetch` runs the caller's statement with `condition` (and its `arguments`, in placeholder
/// order) in place of the position test, ordered by (`key`, `id`), at most the given limit.
func keysetPage<Row>(
    key: String, id: String, after: (key: Double, id: any SQLBindable), limit: Int,
    _ fetch: (_ condition: String, _ arguments: [(any SQLBindable)?], _ limit: Int) throws -> [Row]
) throws -> [Row] {
    var rows = try fetch("\(key) = ? AND \(id) > ?", [after.key, after.id], limit)
    if rows.count < limit { rows += try fetch("\(key) > ?", [after.key], limit - rows.count) }
    return rows
}
