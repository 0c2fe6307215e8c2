import Foundation
import ParcelCore

extension Store {
    /// Orders, shipments, sweeps' claims and results, carrier health and quotas, inside one unit of work.
    public struct Shipments {
        let tx: StoreTransaction
        var db: any SQLConnection { tx.db }
    }

    /// Cases (incidents), inside one unit of work: detection, raising, staff actions, follow-ups,
    /// escalation, case review, orders' stories and search.
    public struct Cases {
        let tx: StoreTransaction
        var db: any SQLConnection { tx.db }
    }

    /// Workflow actions (refunds, reships, cancellations), inside one unit of work.
    public struct Actions {
        let tx: StoreTransaction
        var db: any SQLConnection { tx.db }
    }

    /// The outbox of customer notices, inside one unit of work.
    public struct Outbox {
        let tx: StoreTransaction
        var db: any SQLConnection { tx.db }
    }

    /// A customer's personal data (export, erasure, purge), inside one unit of work.
    public struct Customers {
        let tx: StoreTransaction
        var db: any SQLConnection { tx.db }
    }

    /// The shop report and the serving counters, inside one unit of work.
    public struct Reports {
        let tx: StoreTransaction
        var db: any SQLConnection { tx.db }
    }

    /// The delivery history and the lane model it feeds (delivery estimates), inside one unit of work.
    public struct Lanes {
        let tx: StoreTransaction
        var db: any SQLConnection { tx.db }
    }

    /// Staff, passwords, sessions, API tokens and the audit log, inside one unit of work.
    public struct Console {
        let tx: StoreTransaction
        var db: any SQLConnection { tx.db }
    }
}
