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
        }
    }
}
