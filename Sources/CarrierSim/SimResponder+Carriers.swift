import Foundation
import ParcelCore

/// The carriers' side of the simulator: token endpoints, then tracking requests at each source's
/// URL shape, answered in this order:
/// 1. a `POST` to an oauth2 source's token path is a token request (``TokenEndpoint``): right →
///    `200 {"access_token":"simtok-…","token_type":"Bearer","expires_in":N}`, wrong →
///    `401 {"error":"invalid_client","error_description":…}`;
/// 2. credentials as the source's `auth:` says (``CredentialCheck``): wrong, missing, expired or
///    revoked → 401 with the vendor's error body (``VendorError``);
/// 3. the carrier's quota (``SimQuota``): spent → 429 with `Retry-After` and the vendor's quota
///    error;
/// 4. the parcel's current stage fixture from the source's folder (an unknown number gets the
///    folder's not-found fixture, with the source's first not-found status or 200); a batch
///    source merges one fixture per number into one answer (``BatchMerge``).
extension SimResponder {
    /// The answer to a token or carrier request; nil when no carrier answers at this shape.
    func carrierAnswer(_ request: SimRequest) async -> Outcome? {
        if let endpoint = await state.tokenEndpoint(for: request) {
            return await tokenAnswer(request, endpoint: endpoint)
        }
        guard let (carrier, match) = await state.route(method: request.method, target: request.target, body: request.body) else { return nil }
        let source = carrier.source.name
        let logged = match.numbers?.joined(separator: carrier.source.batch?.separator ?? ",") ?? match.number
        func refused(_ kind: VendorError.Kind, status: Int) -> Outcome {
            let error = VendorError.body(kind, carrier: carrier)
            return Outcome(
                status: status, contentType: error.contentType, body: error.body, carrier: carrier.id, number: logged,
                source: source, numbers: match.numbers)
        }
        if carrier.source.auth != nil {
            let refusal = await CredentialCheck.refusal(request, match: match, carrier: carrier, auth: state.auth)
            await state.auth.recordTrackingRequest(carrier: carrier.id, source: source, accepted: refusal == nil)
            if let refusal {
                var outcome = refused(.unauthorized, status: 401)
                outcome.headers.append(("WWW-Authenticate", Self.challenge(carrier.source.auth)))
                outcome.headers.append(("X-Sim-Refused", refusal))
                return outcome
            }
        }
        if let wait = await state.quota.take(carrier: carrier.id, source: source, now: await state.clock.now) {
            var outcome = refused(.quotaExceeded, status: 429)
            outcome.headers.append(("Retry-After", String(wait)))
            return outcome
        }
        var outcome: Outcome
        if let numbers = match.numbers {
            outcome = await batchAnswer(carrier: carrier, numbers: numbers)
        } else {
            outcome = await parcelAnswer(carrier: carrier, number: match.number)
        }
        outcome.carrier = carrier.id
        outcome.source = source
        outcome.number = logged
        outcome.numbers = match.numbers
        return outcome
    }

    /// Grants or refuses one token request, counting it for the endpoint's source.
    private func tokenAnswer(_ request: SimRequest, endpoint: TokenEndpoint) async -> Outcome {
        let carrier = endpoint.carrier.id, source = endpoint.carrier.source.name
        var refusal = endpoint.refusal(request)
        if refusal == nil, await state.auth.isRevoked(carrier: carrier, source: source) { refusal = "the client's credentials were revoked" }
        var outcome: Outcome
        if let refusal {
            await state.auth.recordRefusedTokenRequest(carrier: carrier, source: source)
            outcome = .encoded(["error": "invalid_client", "error_description": refusal], status: 401)
        } else {
            let (token, lifetime) = await state.auth.issueToken(carrier: carrier, source: source)
            outcome = .encoded(TokenGrant(accessToken: token, tokenType: "Bearer", expiresIn: Int(lifetime.rounded(.up))))
            outcome.headers.append(("Cache-Control", "no-store"))
        }
        outcome.carrier = carrier
        outcome.source = source
        outcome.isTokenAnswer = true
        return outcome
    }

    /// One parcel's current stage, or the source's not-found answer.
    private func parcelAnswer(carrier: CarrierDefinition, number: String) async -> Outcome {
        guard let page = await state.page(carrier: carrier, number: number) else {
            return Outcome(status: carrier.notFoundStatuses.first ?? 404, contentType: "text/plain", body: Array("unknown parcel\n".utf8))
        }
        let ext = await state.fixtureExtension(carrier.fixtureFolder, page.fixture) ?? "txt"
        let status = Self.isNotFound(page.fixture) ? (carrier.notFoundStatuses.first ?? 200) : 200
        var outcome = Outcome(status: status, contentType: Self.contentType(ext), body: page.bytes)
        outcome.headers.append(("Last-Modified", HTTPDateText.format(page.renderedAt)))
        return outcome
    }

    /// Every number's current stage (or not-found fixture) merged into one batch answer.
    private func batchAnswer(carrier: CarrierDefinition, numbers: [String]) async -> Outcome {
        guard carrier.format == .json, let batch = carrier.source.batch else {
            return .status(501, "batch answers in \(carrier.format.rawValue) are not simulated (only JSON batch sources)\n")
        }
        var documents: [[UInt8]] = []
        var allNotFound = true
        var ext = "json"
        var latest: Date?
        for number in numbers {
            guard let page = await state.page(carrier: carrier, number: number) else { continue }
            if documents.isEmpty { ext = await state.fixtureExtension(carrier.fixtureFolder, page.fixture) ?? "json" }
            documents.append(page.bytes)
            allNotFound = allNotFound && Self.isNotFound(page.fixture)
            latest = max(latest ?? page.renderedAt, page.renderedAt)
        }
        guard !documents.isEmpty else {
            return Outcome(status: carrier.notFoundStatuses.first ?? 404, contentType: "text/plain", body: Array("unknown parcels\n".utf8))
        }
        let merged: [UInt8]
        do {
            merged = try BatchMerge.merge(documents, parcels: batch.parcels)
        } catch {
            return .status(501, "the batch answer could not be simulated: \(error)\n")
        }
        var outcome = Outcome(status: allNotFound ? (carrier.notFoundStatuses.first ?? 200) : 200, contentType: Self.contentType(ext), body: merged)
        if let latest { outcome.headers.append(("Last-Modified", HTTPDateText.format(latest))) }
        return outcome
    }

    private static func isNotFound(_ fixture: String) -> Bool {
        fixture.contains("not-found") || fixture.contains("notfound")
    }

    /// The `WWW-Authenticate` challenge of a refusal.
    private static func challenge(_ auth: CarrierAuth?) -> String {
        switch auth {
        case .oauth2?: return "Bearer error=\"invalid_token\""
        case .basic?: return "Basic realm=\"carrier-sim\""
        default: return "carrier-sim"
        }
    }
}

/// A granted token request's answer.
private struct TokenGrant: Encodable {
    var accessToken: String
    var tokenType: String
    var expiresIn: Int

    enum CodingKeys: String, CodingKey {
        case accessToken = "access_token", tokenType = "token_type", expiresIn = "expires_in"
    }
}
