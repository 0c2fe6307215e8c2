import Foundation

/// A notice to queue.
public struct NoticeDraft: Sendable, Equatable, Codable {
    /// Never two notices with the same key (incident + template, milestone + shipment …).
    public var dedupeKey: String
    /// `email` or `webhook`.
    public var channel: String
    public var recipient: String
    public var subject: String
    public var body: String
    public var language: String
    public var template: String
    /// Not before (quiet hours hold notices until morning).
    public var dueAt: Date
    /// The order a customer notice speaks about: a newer notice for it supersedes one still
    /// waiting, since each states the order as it is. Nil for staff messages.
    public var orderId: String?

    /// Creates a draft.
    public init(
        dedupeKey: String, channel: String, recipient: String, subject: String, body: String, language: String, template: String, dueAt: Date,
        orderId: String? = nil
    ) {
        self.orderId = orderId
        self.dedupeKey = dedupeKey
        self.channel = channel
        self.recipient = recipient
        self.subject = subject
        self.body = body
        self.language = language
        self.template = template
        self.dueAt = dueAt
    }
}
