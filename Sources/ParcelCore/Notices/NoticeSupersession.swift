/// Which waiting notices of the same order a newer one supersedes: those it makes wrong or says
/// again, never news it does not carry.
///
/// - A follow-up ("still working on it") replaces only an older follow-up.
/// - "Out for delivery" replaces "shipped".
/// - A problem notice replaces the milestones and follow-ups it overtakes.
/// - "Replacement sent" replaces follow-ups and milestones of the order.
/// - "Good news" and "resolved" replace follow-ups and milestones: the problem is over.
/// - "Refund issued" replaces everything still waiting, problems included, except the notice of
///   the problem it answers (the customer reads why, then what the shop did).
public struct NoticeSupersession: Sendable, Equatable {
    /// The templates of waiting notices the newer one supersedes.
    public let templates: [String]
    /// True when the notice of the case the newer one answers is kept.
    public let keepsTheProblemItAnswers: Bool

    static let milestones = ["shipped", "outForDelivery", "stillWorking"]
    static let problems = IncidentKind.allCases.map(\.rawValue)

    /// The rule for a newer notice of `template`.
    public init(template: String) {
        switch template {
        case "stillWorking": templates = ["stillWorking"]
        case "outForDelivery": templates = ["shipped"]
        case "shipped": templates = []
        case "reshipSent", "goodNews", "resolved": templates = Self.milestones
        case "refundIssued": templates = Self.milestones + Self.problems + ["reshipSent", "goodNews"]
        default: templates = Self.problems.contains(template) ? Self.milestones : []
        }
        keepsTheProblemItAnswers = template == "refundIssued"
    }
}
