import ParcelCore

/// Where a ``Store``'s transactions run: SQLite through GRDB, or PostgreSQL through
/// postgres-nio. The store's statements are the same for both; a backend only runs them.
protocol SQLBackend: Sendable {
    /// A description for people, never carrying a password.
    var displayName: String { get }

    /// Runs `body` on a consistent snapshot.
    func read<T: Sendable>(_ body: @escaping @Sendable (any SQLConnection) throws -> T) async throws -> T

    /// Runs `body` in one write transaction, committed when it returns with `commit` set (rolled
    /// back otherwise, or when it throws). With `serialized`, no other serialized write runs at the
    /// same time anywhere on the database, as SQLite always does: the check-then-insert rules
    /// (one open case per kind, round-robin owners) rely on it. Writes to rows a worker holds a
    /// lease on pass `false` and run side by side on PostgreSQL.
    func write<T: Sendable>(serialized: Bool, _ body: @escaping @Sendable (any SQLConnection) throws -> (value: T, commit: Bool)) async throws -> T

    /// A backend error in words a person can act on.
    func describe(_ error: any Error) -> String
}
