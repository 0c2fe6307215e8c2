import Foundation

/// What importing one row did.
public enum ImportOutcome: Sendable, Equatable {
    /// New or changed data was written.
    case imported
    /// Everything in the row was already stored exactly so.
    case unchanged
    /// The row conflicts with stored data and was skipped.
    case rejected(String)
}
