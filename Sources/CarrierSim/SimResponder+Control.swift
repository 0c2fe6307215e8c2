import Foundation
import ParcelCore

/// Control endpoints for the simulated carriers' authentication and quotas.
///
/// `POST /_sim/auth` with a JSON object:
/// - `{"carrier": ID, "source": NAME?, "tokenLifetime": SECONDS}`: tokens issued from now on
///   live that long (wall clock); without `source`, for every source of the carrier;
/// - `{"carrier": ID, "source": NAME?, "revoke": true}`: forgets every token of the carrier (or
///   source) and refuses all its credentials, token requests included;
/// - `{"carrier": ID, "source": NAME?, "restore": true}`: accepts the credentials again (old
///   tokens stay invalid).
/// Answers `{"carrier", "source"?, "tokenLifetime"?, "revoked"}`.
///
/// `GET /_sim/auth`: `{"<carrier>": {"<source>": {"tokenRequests", "tokensIssued",
/// "tokenRequestsRejected", "rejected", "accepted", "tokenLifetime"?, "revoked"}}}` for every
/// authenticated source. `rejected` counts tracking requests refused with 401.
///
/// `POST /_sim/quota` `{"carrier": ID, "perDay": N?, "perHour": N?}` sets the carrier's quota
/// (neither: removes it); `DELETE /_sim/quota[?carrier=ID]` clears limits and counts;
/// `GET /_sim/quota`: `{"<carrier>": {"perDay"?, "perHour"?, "day", "hour", "today",
/// "thisHour", "refusedToday", "sources": {"<source>": N}}}` (windows on the simulator's clock).
extension SimResponder {
    /// `POST /_sim/auth` `{"carrier", "source"?, "tokenLifetime"?, "revoke"?, "restore"?}`.
    private struct AuthCommand: Decodable {
        var carrier: String
        var source: String?
        var tokenLifetime: Double?
        var revoke: Bool?
        var restore: Bool?
    }

    /// `POST /_sim/quota` `{"carrier", "perDay"?, "perHour"?}`.
    private struct QuotaCommand: Decodable {
        var carrier: String
        var perDay: Int?
        var perHour: Int?
    }

    /// What `POST /_sim/auth` did.
    private struct AuthReply: Encodable {
        var carrier: String
        var source: String?
        var tokenLifetime: Double?
        var revoked: Bool
    }

    private static let authUsage =
        #"POST {"carrier": ID, "source": NAME (optional), "tokenLifetime": SECONDS (optional), "revoke": true | "restore": true (optional)}"#
    private static let quotaUsage = #"POST {"carrier": ID, "perDay": N (optional), "perHour": N (optional)}; DELETE clears; GET shows counts"#

    /// `GET` or `POST /_sim/auth`.
    func authControl(method: String, body: String) async -> Outcome {
        if method == "GET" {
            return .encoded(await state.auth.report(sources: await state.authenticatedSources))
        }
        guard method == "POST" else { return .status(405, Self.authUsage + "\n") }
        let command: AuthCommand
        do { command = try JSONDecoder().decode(AuthCommand.self, from: Data(body.utf8)) } catch {
            return .status(400, "\(Self.describe(error)); expected \(Self.authUsage)\n")
        }
        guard let carrier = await state.carrier(command.carrier) else {
            return .status(404, "the simulator has no carrier '\(command.carrier)'\n")
        }
        if let source = command.source, !carrier.sources.contains(where: { $0.name == source }) {
            return .status(404, "\(carrier.id) has no source '\(source)' (its sources: \(carrier.sources.map(\.name).joined(separator: ", ")))\n")
        }
        if command.revoke == true, command.restore == true { return .status(400, "revoke and restore cannot both be true\n") }
        if let seconds = command.tokenLifetime {
            guard seconds > 0, seconds.isFinite else { return .status(400, "tokenLifetime must be a positive number of seconds\n") }
            await state.auth.setLifetime(seconds, carrier: carrier.id, source: command.source)
        }
        if command.revoke == true { await state.auth.revoke(carrier: carrier.id, source: command.source) }
        if command.restore == true { await state.auth.restore(carrier: carrier.id, source: command.source) }
        // The reply speaks for the named source, else the carrier's first authenticated one.
        let shown = carrier.sources.first { $0.name == command.source } ?? carrier.sources.first { $0.auth != nil } ?? carrier.source
        let isOAuth = shown.auth?.kind == "oauth2"
        return .encoded(
            AuthReply(
                carrier: carrier.id, source: command.source,
                tokenLifetime: isOAuth ? await state.auth.lifetime(carrier: carrier.id, source: shown.name) : nil,
                revoked: await state.auth.isRevoked(carrier: carrier.id, source: shown.name)))
    }

    /// `GET`, `POST` or `DELETE /_sim/quota`.
    func quotaControl(method: String, body: String, carrier only: String?) async -> Outcome {
        switch method {
        case "GET":
            return .encoded(await state.quota.report(now: await state.clock.now))
        case "DELETE":
            await state.quota.clear(carrier: only)
            return .text("cleared\n")
        case "POST":
            let command: QuotaCommand
            do { command = try JSONDecoder().decode(QuotaCommand.self, from: Data(body.utf8)) } catch {
                return .status(400, "\(Self.describe(error)); expected \(Self.quotaUsage)\n")
            }
            guard await state.carrier(command.carrier) != nil else { return .status(404, "the simulator has no carrier '\(command.carrier)'\n") }
            guard (command.perDay ?? 0) >= 0, (command.perHour ?? 0) >= 0 else { return .status(400, "perDay and perHour must not be negative\n") }
            await state.quota.setLimit(SimQuota.Limit(perDay: command.perDay, perHour: command.perHour), carrier: command.carrier)
            return .encoded(await state.quota.report(now: await state.clock.now)[command.carrier])
        default:
            return .status(405, Self.quotaUsage + "\n")
        }
    }

    /// A decoding error in a sentence (which key, what was wrong).
    private static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): return "the JSON needs \"\(key.stringValue)\""
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            return "\"\(context.codingPath.map(\.stringValue).joined(separator: "."))\" has the wrong type"
        default: return "the body is not a JSON object"
        }
    }
}
