import Crypto
import Foundation
import HTTPTypes
import Hummingbird

/// Who may read `/metrics`: with a token (`serve --metrics-token-env NAME`), whoever sends
/// `Authorization: Bearer <token>`; without one, loopback clients only (a Prometheus on the same
/// machine, or a tunnel). Behind a proxy on the same machine every client looks like loopback:
/// set a token there.
///
/// The token is compared in constant time (as SHA-256 digests) and never logged; a wrong one
/// counts as a miss of the client's limits, so guessing slows down and then gets 429.
struct MetricsAccess: Sendable {
    private let tokenDigest: [UInt8]?
    private let limiter: ClientLimiter

    init(token: String?, limiter: ClientLimiter) {
        tokenDigest = token.map { Array(SHA256.hash(data: Data($0.utf8))) }
        self.limiter = limiter
    }

    /// Nil when the request may read the metrics, else the answer that refuses it.
    func refusal(_ request: Request, _ context: ServerContext) async -> Response? {
        guard let tokenDigest else {
            guard Self.isLoopback(context.client) else {
                return ServerResponse.json(
                    .forbidden, ["error": "forbidden", "message": "/metrics answers loopback clients only; start serve with --metrics-token-env NAME"])
            }
            return nil
        }
        if case .refuse(let retryAfter) = await limiter.admit(context.client) { return CustomerRoutes.tooMany(retryAfter) }
        let header = request.headers[.authorization] ?? ""
        let given = header.lowercased().hasPrefix("bearer ") ? header.dropFirst("bearer ".count).trimmingCharacters(in: .whitespaces) : ""
        let digest = Array(SHA256.hash(data: Data(given.utf8)))
        if !given.isEmpty, zip(digest, tokenDigest).reduce(UInt8(0), { $0 | ($1.0 ^ $1.1) }) == 0 { return nil }
        try? await limiter.holdBack(context.client)
        var response = ServerResponse.json(.unauthorized, ["error": "unauthorized", "message": "send Authorization: Bearer <the metrics token>"])
        response.headers[.wwwAuthenticate] = "Bearer realm=\"parcelwatch metrics\""
        return response
    }

    /// True for 127.0.0.0/8, `::1` and IPv4-mapped loopback.
    static func isLoopback(_ address: String) -> Bool {
        address.hasPrefix("127.") || address == "::1" || address.lowercased().hasPrefix("::ffff:127.")
    }
}
