import Foundation
import ParcelCore

/// One unit of work on the store: a transaction (or a snapshot, for a read) and the focused parts
/// that work inside it. It lives only inside the body given to ``Store/read(_:)`` or
/// ``Store/write(serialized:_:)``; every step it runs commits or rolls back together.
public final class StoreTransaction {
    /// What the unit may do, chosen when it began.
    enum Mode: Equatable {
        /// A consistent snapshot: steps that write refuse to run.
        case read
        /// A write no other serialized write overlaps, anywhere on the database.
        case serialized
        /// A write to rows the caller holds a lease on; it may overlap other such writes.
        case rowsLeased
    }

    let db: any SQLConnection
    let mode: Mode
    /// The step running now, named in the message when the database refuses it.
    private(set) var operation = "starting a transaction"
    /// Set by a dry run: everything is done, then rolled back.
    private(set) var rollsBack = false

    /// The store's name when it was opened read-only, for the refusal of a write.
    private let readOnlyStore: String?

    /// The store's decoded lane model, shared by its units of work.
    let laneMemo: LaneModelMemo

    init(connection: any SQLConnection, mode: Mode, laneMemo: LaneModelMemo, readOnlyStore: String? = nil) {
        self.db = connection
        self.mode = mode
        self.laneMemo = laneMemo
        self.readOnlyStore = readOnlyStore
    }

    /// Orders, shipments, sweeps' claims and results, carrier health and quotas.
    public var shipments: Store.Shipments { Store.Shipments(tx: self) }
    /// Cases (incidents): detection, raising, staff actions, follow-ups, escalation, search.
    public var cases: Store.Cases { Store.Cases(tx: self) }
    /// Workflow actions (refunds, reships, cancellations) and their execution.
    public var actions: Store.Actions { Store.Actions(tx: self) }
    /// Customer notices waiting to be delivered, and delivered ones.
    public var outbox: Store.Outbox { Store.Outbox(tx: self) }
    /// A customer's personal data: export, erasure, purge.
    public var customers: Store.Customers { Store.Customers(tx: self) }
    /// The shop report and the serving counters.
    public var reports: Store.Reports { Store.Reports(tx: self) }
    /// The delivery history and the lane model: estimates, `lanes`, the backtest.
    public var lanes: Store.Lanes { Store.Lanes(tx: self) }
    /// Staff, passwords, sessions, API tokens and the audit log.
    public var console: Store.Console { Store.Console(tx: self) }

    /// Starts the step `operation`, which needs `mode`.
    /// - Throws: ``StoreError/failed(operation:detail:)`` when this unit cannot run it: a write in
    ///   a read, or a check-then-insert step in a write that is not serialized.
    func step(_ operation: String, _ needs: Mode) throws {
        self.operation = operation
        switch (needs, mode) {
        case (.read, _), (.rowsLeased, .rowsLeased), (.rowsLeased, .serialized), (.serialized, .serialized): return
        case (_, .read):
            if let readOnlyStore { throw StoreError.readOnly(location: readOnlyStore, operation: operation) }
            throw StoreError.failed(operation: operation, detail: "this step writes, inside a read-only unit of work")
        case (.serialized, .rowsLeased):
            throw StoreError.failed(operation: operation, detail: "this step checks then inserts and needs a serialized write")
        }
    }

    /// Makes the unit roll back at its end instead of committing (a dry run).
    func rollBackAtEnd() { rollsBack = true }
}
