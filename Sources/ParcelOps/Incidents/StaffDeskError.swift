import Foundation
import ParcelCore
import ParcelStore

/// Why a staff action (``StaffDesk``) was refused, in words the member can act on.
public enum StaffDeskError: Error, Sendable, Equatable, CustomStringConvertible, LocalizedError {
    /// A note, reason, outcome or assignee was empty (`field` names it: `note`, `reason` …).
    case emptyText(field: String)
    /// The amount is not a positive decimal such as `25.00`.
    case badAmount(String)
    /// A voucher (``ActionKind/compensate``) needs an amount: there is no default.
    case amountRequired
    /// A replacement needs both its carrier and its tracking number.
    case incompleteReplacement
    /// No carrier files were loaded, so a replacement's number cannot be checked.
    case noCarriers
    /// The replacement's carrier is unknown or its number is invalid.
    case tracking(TrackingError)
    /// The store refused (no such case, a closed case, not staff) or failed.
    case store(StoreError)

    /// A sentence for people.
    public var description: String {
        switch self {
        case .emptyText(let field): return "the \(field) must not be empty; nothing was changed"
        case .badAmount(let text): return "'\(text)' is not an amount such as 25.00"
        case .amountRequired: return "a voucher needs an amount such as 10.00"
        case .incompleteReplacement: return "give both the replacement's carrier and its tracking number (or neither to link it later)"
        case .noCarriers: return "the carrier files are not loaded, so the replacement's number cannot be checked (see --carriers)"
        case .tracking(let error): return error.description
        case .store(let error): return error.description
        }
    }

    /// The same sentence, for `localizedDescription`.
    public var errorDescription: String? { description }
}
