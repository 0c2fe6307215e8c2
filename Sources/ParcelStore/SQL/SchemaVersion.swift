/// How a database's applied migrations compare with this binary's: a read-only open checks
/// this instead of migrating.
enum SchemaVersion {
    /// Nil when `applied` is exactly `known` (in the order they are registered); else what the
    /// database has and what this binary uses, each named by its newest migration.
    static func mismatch(applied: Set<String>, known: [String]) -> (found: String, expected: String)? {
        let expected = known.last ?? "no migrations"
        guard applied != Set(known) else { return nil }
        let unknown = applied.subtracting(known).sorted()
        if let newest = unknown.last {
            return ("\(newest), newer than this parcelwatch (\(unknown.count) migration(s) it does not know; use the parcelwatch that wrote it)", expected)
        }
        guard let newest = known.last(where: applied.contains) else {
            return ("empty (no parcelwatch tables: not a parcelwatch store, or never opened by a writing command)", expected)
        }
        let behind = known.count - applied.count
        return ("\(newest), older than this parcelwatch (\(behind) migration(s) behind; a writing command such as `parcelwatch sweep` migrates it)", expected)
    }
}
