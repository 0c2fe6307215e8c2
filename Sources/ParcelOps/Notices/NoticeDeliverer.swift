import Curl
import Foundation
import ParcelCore
import ParcelStore

/// Delivers due notices from the outbox through the configured channel (files, SMTP, webhook),
/// retrying failures with backoff. A notice is marked sent only after its channel accepted it;
/// a crash in between re-sends it with the same `Message-ID`/`Idempotency-Key`, so receivers can
/// drop the copy.
public struct NoticeDeliverer: Sendable {
    private let store: Store
    private let config: ShopConfig
    private let environment: [String: String]
    private let client: HTTPClient?
    private let delivery: NoticeDelivery

    /// How long a failed notice waits: 5 min, doubling with each failure in a row, at most 6 h.
    static let retry = Backoff(base: 300, cap: 6 * 3600, maxDoublings: 10)

    /// Creates a deliverer; `client` is needed for webhooks only. Without a configured channel,
    /// notices become `.eml` files in `defaultDirectory`.
    public init(
        store: Store, config: ShopConfig, defaultDirectory: String, environment: [String: String] = ProcessInfo.processInfo.environment,
        client: HTTPClient? = nil
    ) {
        self.store = store
        self.config = config
        self.environment = environment
        self.client = client
        delivery = config.delivery ?? .files(directory: defaultDirectory)
    }

    /// What one delivery run did.
    public struct Summary: Sendable, Equatable, Codable {
        public var sent = 0
        public var failed = 0
        public var errors: [String] = []

        /// Creates an empty summary.
        public init() {}
    }

    /// Sends every notice due at `now`, leasing each first so that workers sharing the database
    /// never send one twice (a lease outlives any delivery attempt: 10 minutes).
    public func deliver(now: Date, limit: Int = 500) async throws(StoreError) -> Summary {
        var summary = Summary()
        for notice in try await store.write(serialized: false, { try $0.outbox.claimNotices(now: now, lease: 600, limit: limit) }) {
            do {
                try await send(notice, now: now)
                try await store.write(serialized: false) { try $0.outbox.markNoticeSent(id: notice.id, at: now) }
                summary.sent += 1
            } catch let error as StoreError {
                throw error
            } catch {
                let text = (error as? NoticeError)?.description ?? "\(error)"
                let delay = Self.retry.delay(after: notice.attempts)
                try await store.write(serialized: false) { try $0.outbox.markNoticeFailed(id: notice.id, error: text, retryAt: now.addingTimeInterval(delay)) }
                summary.failed += 1
                summary.errors.append("notice \(notice.id): \(text)")
            }
        }
        return summary
    }

    private func send(_ notice: OutboxNotice, now: Date) async throws {
        let message = EmailMessage(
            from: config.contact.from, fromName: config.shopName, to: notice.recipient, subject: notice.subject,
            body: notice.body, date: now, dedupeKey: notice.dedupeKey, language: notice.language)
        switch delivery {
        case .files(let directory):
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
                let path = (directory as NSString).appendingPathComponent("\(notice.id)-\(notice.template)-\(notice.language).eml")
                try Data(message.bytes).write(to: URL(fileURLWithPath: path), options: .atomic)
            } catch {
                throw NoticeError.delivery("cannot write to \(directory): \(error.localizedDescription)")
            }
        case .smtp(let url, let usernameEnv, let passwordEnv, let passwordFile, let requireTLS):
            let password = try passwordFile.map(SecretFile.read) ?? passwordEnv.flatMap { environment[$0] }
            let sender = SMTPSender(
                configuration: .init(
                    url: url, username: usernameEnv.flatMap { environment[$0] },
                    password: password, requireTLS: requireTLS))
            do {
                try await sender.send(message.bytes, from: config.contact.from, to: [notice.recipient])
            } catch {
                throw NoticeError.delivery("SMTP: \(error.description)")
            }
        case .webhook(let url, let secretEnv):
            guard let client else { throw NoticeError.delivery("webhook delivery needs an HTTP client") }
            guard let secret = environment[secretEnv], !secret.isEmpty else { throw NoticeError.delivery("\(secretEnv) is not set (the webhook signing key)") }
            let payload: [String: Any] = [
                "id": notice.id, "dedupeKey": notice.dedupeKey, "recipient": notice.recipient, "subject": notice.subject,
                "body": notice.body, "language": notice.language, "template": notice.template,
            ]
            let body = try JSONSerialization.data(withJSONObject: payload, options: [.sortedKeys])
            let request = WebhookSignature.signedRequest(url: url, body: [UInt8](body), secret: secret, idempotencyKey: notice.dedupeKey, now: now)
            let response: HTTPResponse
            do { response = try await client.send(request) } catch {
                throw NoticeError.delivery("webhook: \(error)")
            }
            guard (200..<300).contains(response.status) else { throw NoticeError.delivery("webhook answered HTTP \(response.status)") }
        }
    }
}
