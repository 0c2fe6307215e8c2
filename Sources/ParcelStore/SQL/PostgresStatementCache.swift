import PostgresNIO
import Synchronization

/// One connection's named prepared statements, by the SQL text they were prepared from: the
/// store runs the same few statements for every parcel, and a prepared one is parsed and planned
/// once per connection instead of on every run (on a loaded server, planning the tracking
/// update's statements took longer than running them).
///
/// A statement lives on the server connection that prepared it, so the cache belongs to that
/// connection: a replaced (reconnected) connection starts empty and prepares again. Statements
/// past ``capacity`` run unnamed, as before, so statements built for one list length (an `IN`
/// list, a batch of events) cannot grow it without bound.
final class PostgresStatementCache: Sendable {
    /// The most statements kept per connection.
    static let capacity = 256

    private let statements = Mutex<[String: PreparedQuery]>([:])

    /// The statement prepared from `sql`, if any.
    func statement(for sql: String) -> PreparedQuery? {
        statements.withLock { $0[sql] }
    }

    /// Whether there is room to keep one more statement.
    var hasRoom: Bool { statements.withLock { $0.count < Self.capacity } }

    /// Keeps `statement`, prepared from `sql`.
    func keep(_ statement: PreparedQuery, for sql: String) {
        statements.withLock { if $0.count < Self.capacity { $0[sql] = statement } }
    }

    /// Forgets every statement: the server no longer has one (`DEALLOCATE`, a pooler) or a
    /// table's columns changed under a `SELECT *`, so each is prepared again when next run.
    func removeAll() {
        statements.withLock { $0.removeAll() }
    }

    /// How many statements are kept.
    var count: Int { statements.withLock { $0.count } }
}
