import Foundation

extension WorkflowAction {
    /// Why asking for this action again changes nothing, for staff:
    /// `incident 12: the refund is already done; nothing was changed`.
    public var unchangedReason: String {
        "incident \(incidentId): \(standing); nothing was changed"
    }

    /// Where it stands, for staff: `the refund is already done`.
    public var standing: String {
        let words: String
        switch state {
        case .proposed: words = "proposed and waiting for approval (approve it instead)"
        case .pending, .failed: words = "already requested and waiting for the shop's backend"
        case .sending: words = "already requested and being sent to the shop's backend"
        case .done: words = "already done"
        }
        return "the \(kind.staffName) is \(words)"
    }
}

extension ActionKind {
    /// The action's name in staff messages: `refund`, `reship`, `carrier claim`, `voucher`.
    public var staffName: String {
        switch self {
        case .refund: "refund"
        case .reship: "reship"
        case .carrierClaim: "carrier claim"
        case .compensate: "voucher"
        }
    }
}
