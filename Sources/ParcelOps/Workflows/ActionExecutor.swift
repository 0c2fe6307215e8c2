import Curl
import Foundation
import ParcelCore
import ParcelStore

/// Carries out pending actions at the shop's backend: a signed JSON POST per action with its
/// `Idempotency-Key` (case + action), retried with backoff until a 2xx, then recorded with the
/// customer's notice in one transaction.
///
/// Exactly-once at the backend comes from the key: a worker that crashes after sending and
/// before recording leaves a lease that runs out, the next worker sends the same key again, and
/// the backend answers its first result instead of acting twice.
public struct ActionExecutor: Sendable {
    private let store: Store
    private let config: ShopConfig
    private let client: HTTPClient
    private let composer: NoticeComposer?
    private let environment: [String: String]
    private let lease: TimeInterval

    /// How long a failed action waits: 1 min, doubling with each failure in a row, at most 6 h.
    static let retry = Backoff(base: 60, cap: 6 * 3600, maxDoublings: 12)

    /// Creates an executor.
    public init(
        store: Store, config: ShopConfig, client: HTTPClient, composer: NoticeComposer?,
        environment: [String: String] = ProcessInfo.processInfo.environment, lease: TimeInterval = 300
    ) {
        self.store = store
        self.config = config
        self.client = client
        self.composer = composer
        self.environment = environment
        self.lease = lease
    }

    /// What one run did.
    public struct Summary: Sendable, Equatable, Codable {
        public var executed = 0
        public var failed = 0
        public var errors: [String] = []

        /// Creates an empty summary.
        public init() {}
    }

    /// Executes every action due at `now` (nothing without a configured webhook).
    public func run(now: Date) async throws(StoreError) -> Summary {
        var summary = Summary()
        guard let url = config.workflows.webhookURL else { return summary }
        guard let secret = environment[config.workflows.secretEnv], !secret.isEmpty else {
            summary.errors.append("\(config.workflows.secretEnv) is not set: actions wait until the webhook secret is configured")
            return summary
        }
        for action in try await store.write(serialized: false, { try $0.actions.claimActions(now: now, lease: lease, limit: 100) }) {
            guard let incident = try await store.read({ try $0.cases.incident(id: action.incidentId) }) else { continue }
            var order: Order?
            if let orderId = incident.orderId { order = try await store.read { try $0.shipments.order(id: orderId) } }
            var payload: [String: Any] = [
                "idempotencyKey": action.idempotencyKey, "action": action.kind.rawValue, "incidentId": incident.id,
                "incidentKind": incident.kind.rawValue, "orderId": incident.orderId ?? NSNull(),
                "carrier": incident.carrier ?? NSNull(), "trackingNumber": incident.trackingNumber ?? NSNull(),
            ]
            if let amount = action.amount {
                payload["amount"] = amount.decimalText
                payload["currency"] = amount.currency
            }
            do {
                let body = [UInt8](try JSONSerialization.data(withJSONObject: payload, options: [.sortedKeys]))
                let request = WebhookSignature.signedRequest(url: url, body: body, secret: secret, idempotencyKey: action.idempotencyKey, now: now)
                let response = try await client.send(request)
                guard (200..<300).contains(response.status) else { throw NoticeError.delivery("the shop backend answered HTTP \(response.status)") }
                let reply = String(decoding: response.body.prefix(2000), as: UTF8.self)
                var link: ReplacementLink?
                if action.kind == .reship, let replacement = Self.replacement(in: response.body) {
                    let notice = try order.flatMap {
                        try composer?.replacementSent(incident: incident, order: $0, carrier: replacement.carrier, trackingNumber: replacement.number, now: now)
                    }
                    link = ReplacementLink(
                        carrier: replacement.carrier, trackingNumber: replacement.number, notice: notice,
                        promise: ReplacementPromise(config: config))
                }
                if let refusal = try await complete(
                    action, reply: reply, notice: notice(for: action, order: order, incident: incident, now: now),
                    replacement: link, now: now)
                {
                    summary.failed += 1
                    summary.errors.append("action \(action.id) (\(action.kind.rawValue)): \(refusal)")
                    continue
                }
                summary.executed += 1
            } catch let error as StoreError {
                throw error
            } catch {
                let text = (error as? NoticeError)?.description ?? "\(error)"
                let delay = Self.retry.delay(after: action.attempts)
                try await store.write(serialized: false) { try $0.actions.failAction(id: action.id, error: text, retryAt: now.addingTimeInterval(delay)) }
                summary.failed += 1
                summary.errors.append("action \(action.id) (\(action.kind.rawValue)): \(text)")
            }
        }
        return summary
    }

    /// Records the backend's answer; a reply the store refuses (a replacement number of another
    /// order) becomes a failed action staff see, and its reason is returned: the sweep goes on.
    private func complete(
        _ action: WorkflowAction, reply: String, notice: NoticeDraft?, replacement: ReplacementLink?,
        now: Date
    ) async throws(StoreError) -> String? {
        do {
            try await store.write { try $0.actions.completeAction(id: action.id, result: reply, notice: notice, replacement: replacement, at: now) }
            return nil
        } catch {
            guard case .rejected(let reason) = error else { throw error }
            let text = "the shop backend's reply was refused: \(reason)"
            try await store.write(serialized: false) { try $0.actions.refuseAction(id: action.id, error: text, at: now) }
            return text
        }
    }

    /// The customer's notice for an executed action (refunds now; a reship once its number is known).
    private func notice(for action: WorkflowAction, order: Order?, incident: Incident, now: Date) throws(NoticeError) -> NoticeDraft? {
        guard let order, let composer, action.kind == .refund else { return nil }
        return try composer.milestone(
            "refundIssued", dedupeKey: "action:\(action.idempotencyKey)", order: order, shipment: nil,
            nextUpdateBy: incident.resolutionDue, now: now)
    }

    /// `{"carrier": "inpost", "trackingNumber": "…"}` in the backend's reply to a reship.
    static func replacement(in body: [UInt8]) -> (carrier: String, number: String)? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any],
            let carrier = object["carrier"] as? String, let number = object["trackingNumber"] as? String,
            !carrier.isEmpty, !number.isEmpty
        else { return nil }
        return (carrier, CarrierRegistry.normalize(number))
    }
}
