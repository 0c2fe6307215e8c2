import Foundation
import ParcelCore

/// What a row of the `escalations` table records in its `clock` column: an SLA clock that
/// breached, or ``lead``: the escalation lead was told that the case breached a second time
/// (one such row per case, so the lead hears of it once).
enum EscalationEntry: Equatable, Sendable {
    /// `clock` breached.
    case breach(SLAClock)
    /// The lead was told.
    case lead

    /// The text kept in `escalations.clock`: the clock's name, or `lead`.
    var stored: String {
        switch self {
        case .breach(let clock): clock.rawValue
        case .lead: "lead"
        }
    }
}
