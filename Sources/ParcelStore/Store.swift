import Foundation
import ParcelCore

/// Everything Parcelwatch remembers, on SQL: every statement written once and run by a backend,
/// either an embedded SQLite file (one machine, no server) or a shared PostgreSQL database (sweep
/// workers on many machines). Both pass the same store test suite.
///
/// Work happens in units: ``read(_:)`` runs on one consistent snapshot and ``write(serialized:_:)``
/// in one transaction, committed when its body returns and rolled back when it throws, so a crash
/// between two steps of one unit loses nothing committed and leaves nothing half done. Inside, a
/// ``StoreTransaction`` reaches the store's focused parts: ``StoreTransaction/shipments``,
/// ``StoreTransaction/cases``, ``StoreTransaction/actions``, ``StoreTransaction/outbox``,
/// ``StoreTransaction/customers``, ``StoreTransaction/reports``, ``StoreTransaction/lanes`` and ``StoreTransaction/console``.
///
/// ```swift
/// let outcome = try await store.write { tx in
///     let outcome = try tx.cases.raise(trigger, plan: plan, notice: notice, at: now)
///     if case .opened(let id) = outcome { _ = try tx.actions.requestAction(incidentId: id, ...) }
///     return outcome
/// }
/// ```
public final class Store: Sendable {
    private let backend: any SQLBackend
    private let access: StoreAccess
    /// The lane model last decoded from this store, for estimates between sweeps.
    private let laneMemo = LaneModelMemo()

    private init(backend: any SQLBackend, access: StoreAccess) {
        self.backend = backend
        self.access = access
    }

    /// Opens (creating when missing) and migrates the SQLite database at `path`; with
    /// ``StoreAccess/readOnly``, opens the existing file read-only without migrating.
    ///
    /// The open runs on a thread of its own, as every unit of work does: migrating writes and
    /// syncs the file, and a server or a test run opening stores on the few threads of Swift's
    /// cooperative pool held up every other task waiting for one (a CI run saw sign-ins and
    /// curl timeouts wait 30 s while tests opened their stores).
    /// - Throws: ``StoreError/cannotOpen(location:detail:)`` naming the file, or
    ///   ``StoreError/schemaVersion(location:found:expected:)`` for a read-only open of another schema.
    public static func sqlite(path: String, access: StoreAccess = .readWrite) async throws(StoreError) -> Store {
        let opened: Result<SQLiteBackend, StoreError> = await withCheckedContinuation { continuation in
            DispatchQueue(label: "parcelwatch.sqlite.open").async {
                continuation.resume(returning: Result { () throws(StoreError) in try SQLiteBackend(path: path, access: access) })
            }
        }
        return Store(backend: try opened.get(), access: access)
    }

    /// Connects to the PostgreSQL database at `location` (`postgres://user[:password]@host[:port]/db`,
    /// password also from `PGPASSWORD`) and migrates it; with ``StoreAccess/readOnly``, checks its
    /// schema instead and refuses every write.
    /// - Throws: ``StoreError/cannotOpen(location:detail:)`` naming the server without its password.
    public static func postgres(_ location: String, connections: Int = 4, access: StoreAccess = .readWrite) async throws(StoreError) -> Store {
        Store(backend: try await PostgresBackend(location: location, connections: connections, access: access), access: access)
    }

    /// `sqlite:PATH` or `postgres://user@host:port/db`, never carrying a password.
    public var displayName: String { backend.displayName }

    /// While set (by a test, with `$statementCounter.withValue`), every statement the calling
    /// task's store calls run is counted there.
    @TaskLocal package static var statementCounter: SQLStatementCounter?

    /// Runs `body` on one consistent snapshot. A step that writes fails there, naming itself.
    /// - Throws: ``StoreError`` from a step, or ``StoreError/failed(operation:detail:)`` naming the
    ///   step the database refused.
    public func read<T: Sendable>(_ body: @escaping @Sendable (StoreTransaction) throws -> T) async throws(StoreError) -> T {
        let (counter, laneMemo) = (Self.statementCounter, laneMemo)
        return try await run(mode: .read) { connection in
            try backendRun(counter, connection, mode: .read, laneMemo: laneMemo, body)
        }
    }

    /// Runs `body` as one write transaction: committed when it returns, rolled back when it throws.
    ///
    /// Serialized (the default), no other serialized write runs at the same time anywhere on the
    /// database, as SQLite always does: the check-then-insert rules (one open case per subject,
    /// one action per case and kind, round-robin owners, quotas) rely on it, and their steps refuse
    /// to run in a transaction without it. `serialized: false` is for writes to rows the caller
    /// holds a lease on (a sweep's parcels, claimed notices and actions, sessions), which
    /// PostgreSQL workers then save side by side.
    /// - Throws: ``StoreError`` from a step, or ``StoreError/failed(operation:detail:)`` naming the
    ///   step the database refused.
    public func write<T: Sendable>(
        serialized: Bool = true, _ body: @escaping @Sendable (StoreTransaction) throws -> T
    ) async throws(StoreError) -> T {
        let (counter, laneMemo) = (Self.statementCounter, laneMemo)
        // A store opened read-only runs the unit on a snapshot: its first writing step is refused,
        // naming itself and the store, and nothing reaches the database.
        if access == .readOnly {
            let location = displayName
            return try await run(mode: .read) { connection in
                try backendRun(counter, connection, mode: .read, laneMemo: laneMemo, readOnlyStore: location, body)
            }
        }
        let mode: StoreTransaction.Mode = serialized ? .serialized : .rowsLeased
        return try await run(mode: mode) { connection in
            try backendRun(counter, connection, mode: mode, laneMemo: laneMemo, body)
        }
    }

    /// Runs `body` on the connection in one write transaction, past every rule of the store: for
    /// tests that plant rows this version never writes (an unknown kind) or read the catalog.
    package func unchecked<T: Sendable>(_ body: @escaping @Sendable (any SQLConnection) throws -> T) async throws(StoreError) -> T {
        try await write { tx in try body(tx.db) }
    }

    private func run<T: Sendable>(
        mode: StoreTransaction.Mode, _ body: @escaping @Sendable (any SQLConnection) throws -> (value: T, commit: Bool)
    ) async throws(StoreError) -> T {
        do {
            switch mode {
            case .read: return try await backend.read { connection in try body(connection).value }
            case .serialized, .rowsLeased: return try await backend.write(serialized: mode == .serialized, body)
            }
        } catch let error as StoreError {
            throw error
        } catch let error as StepFailure {
            throw .failed(operation: error.operation, detail: backend.describe(error.underlying))
        } catch {
            throw .failed(operation: mode == .read ? "reading the store" : "writing to the store", detail: backend.describe(error))
        }
    }
}

/// Runs a unit of work's body on `connection`: its value and whether to commit. An error that is
/// not already a ``StoreError`` carries the step that was running, for the message.
private func backendRun<T>(
    _ counter: SQLStatementCounter?, _ connection: any SQLConnection, mode: StoreTransaction.Mode, laneMemo: LaneModelMemo,
    readOnlyStore: String? = nil, _ body: (StoreTransaction) throws -> T
) throws -> (value: T, commit: Bool) {
    let tx = StoreTransaction(
        connection: counter.map { CountingConnection(connection, counter: $0) } ?? connection, mode: mode, laneMemo: laneMemo,
        readOnlyStore: readOnlyStore)
    do {
        let value = try body(tx)
        return (value, !tx.rollsBack)
    } catch let error as StoreError {
        throw error
    } catch {
        throw StepFailure(operation: tx.operation, underlying: error)
    }
}

/// An error raised inside a unit of work, with the step that was running.
struct StepFailure: Error {
    var operation: String
    var underlying: any Error
}
