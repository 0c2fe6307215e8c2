import ParcelCore

/// Why the store could not do what was asked; the message names the database and what to do.
public enum StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The database cannot be opened or migrated (missing directory, not a database, newer schema).
    case cannotOpen(location: String, detail: String)
    /// A query failed.
    case failed(operation: String, detail: String)
    /// The request contradicts what is stored (a closed case, a non-member).
    case rejected(String)
    /// No case has this id (`no incident 42`).
    case noSuchIncident(Int64)
    /// A customer notice to be written with the change cannot be composed (its template cannot
    /// render): the change was not written either, so it is tried again once the template is fixed.
    case notice(NoticeError)
    /// The store was opened read-only (``StoreAccess/readOnly``) and `operation` would change it.
    case readOnly(location: String, operation: String)
    /// A read-only open found a schema other than this binary's: `found` and `expected` name the
    /// newest migration of each (a read-only open never migrates).
    case schemaVersion(location: String, found: String, expected: String)

    /// A sentence for people.
    public var description: String {
        switch self {
        case .cannotOpen(let location, let detail):
            return "cannot open the database \(location): \(detail)"
        case .failed(let operation, let detail):
            return "database error while \(operation): \(detail)"
        case .rejected(let reason):
            return reason
        case .noSuchIncident(let id):
            return "no incident \(id)"
        case .notice(let error):
            return "\(error) (the change it belongs to was not written)"
        case .readOnly(let location, let operation):
            return "the database \(location) was opened read-only, so \(operation) was refused and nothing was changed"
        case .schemaVersion(let location, let found, let expected):
            return "cannot open the database \(location) read-only: its schema is at \(found), but this parcelwatch's is at \(expected), "
                + "and a read-only open never migrates"
        }
    }
}
