import Foundation

/// What the shop can do for a customer whose parcel went wrong.
public enum ActionKind: String, Sendable, Codable, CaseIterable, Hashable {
    /// Money back.
    case refund
    /// Send the goods again.
    case reship
    /// Claim compensation from the carrier (the customer is not involved).
    case carrierClaim
    /// A voucher for a broken promise.
    case compensate
}

/// Where an action stands: proposed actions wait for staff approval, pending ones for the
/// executor, done ones are acknowledged by the shop's backend.
public enum ActionState: String, Sendable, Codable, CaseIterable, Hashable {
    case proposed, pending, sending, done, failed
}

/// One action on one case. There is at most one per case and kind, and its idempotency key
/// (case + kind) is what the shop's backend sees on every attempt, so it runs exactly once there.
public struct WorkflowAction: Sendable, Equatable, Codable {
    public var id: Int64
    public var incidentId: Int64
    public var kind: ActionKind
    public var state: ActionState
    /// The amount for refunds and vouchers.
    public var amount: Money?
    /// `incident-<id>-<kind>`.
    public var idempotencyKey: String
    /// Who asked for it (`policy` for automatic actions).
    public var requestedBy: String
    public var createdAt: Date
    public var attempts: Int
    public var nextAttemptAt: Date?
    public var lastError: String?
    /// The backend's answer when done.
    public var result: String?
    public var completedAt: Date?

    /// Creates a record.
    public init(
        id: Int64, incidentId: Int64, kind: ActionKind, state: ActionState, amount: Money?, idempotencyKey: String, requestedBy: String,
        createdAt: Date, attempts: Int, nextAttemptAt: Date?, lastError: String?, result: String?, completedAt: Date?
    ) {
        self.id = id
        self.incidentId = incidentId
        self.kind = kind
        self.state = state
        self.amount = amount
        self.idempotencyKey = idempotencyKey
        self.requestedBy = requestedBy
        self.createdAt = createdAt
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.lastError = lastError
        self.result = result
        self.completedAt = completedAt
    }
}
