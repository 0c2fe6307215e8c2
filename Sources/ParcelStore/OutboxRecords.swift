import Foundation
import ParcelCore

// Values the store takes and gives for the customer notice outbox.

/// A notice in the outbox: the draft as queued, and what delivery did with it.
@dynamicMemberLookup
public struct OutboxNotice: Sendable, Equatable, Encodable {
    public var id: Int64
    /// What was queued (recipient, subject, body, language, template, due time).
    public var draft: NoticeDraft
    public var incidentId: Int64?
    public var createdAt: Date
    public var sentAt: Date?
    public var attempts: Int
    public var lastError: String?
    /// When a newer notice for the same order (or the case's closing) made this one wrong; it is
    /// then never sent.
    public var supersededAt: Date?
    /// The notice it was merged into, when one was.
    public var supersededBy: Int64?

    /// `notice.subject` for `notice.draft.subject`.
    public subscript<Value>(dynamicMember keyPath: KeyPath<NoticeDraft, Value>) -> Value { draft[keyPath: keyPath] }

    /// One flat JSON object (the draft's fields beside the delivery's).
    public func encode(to encoder: any Encoder) throws {
        try draft.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(incidentId, forKey: .incidentId)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(sentAt, forKey: .sentAt)
        try container.encode(attempts, forKey: .attempts)
        try container.encode(lastError, forKey: .lastError)
        try container.encode(supersededAt, forKey: .supersededAt)
        try container.encode(supersededBy, forKey: .supersededBy)
    }

    enum CodingKeys: String, CodingKey {
        case id, incidentId, createdAt, sentAt, attempts, lastError, supersededAt, supersededBy
    }
}

/// Which notices to list.
public enum NoticeState: String, Sendable, CaseIterable {
    /// Not sent yet (due or held).
    case pending
    /// Not sent and at least one attempt failed.
    case failed
    /// Delivered.
    case sent
    /// Never sent: a newer notice for the order, or the case's closing, made it wrong.
    case superseded
    /// Everything.
    case all
}
