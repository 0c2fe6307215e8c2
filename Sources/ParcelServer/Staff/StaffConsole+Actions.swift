import Foundation
import HTTPTypes
import Hummingbird
import ParcelCore
import ParcelOps
import ParcelStore

/// The case page's forms: each calls the ``StaffDesk`` method `parcelwatch incident VERB` calls,
/// with the signed-in member as actor, so the audit log names them either way.
extension StaffConsole {
    /// The actions the case page offers, by the last part of their URL.
    static let verbs: Set<String> = ["assign", "note", "refund", "reship", "compensate", "claim", "approve", "dismiss", "resolve"]

    /// `POST /staff/incidents/{id}/{verb}`: does it, then back to the case (303); a refusal
    /// shows the case with the reason and a 400 (bad input), 404 (no case) or 409 (a closed
    /// case, an unknown member …).
    func perform(_ verb: String, on id: Int64, form: FormBody, session: StaffSession) async throws -> Response {
        guard Self.verbs.contains(verb), try await store.read({ try $0.cases.incident(id: id) }) != nil else { return notFound(session) }
        let actor = session.staff, now = options.clock.now
        do {
            switch verb {
            case "assign": _ = try await desk.act(.assign(to: form["to"] ?? ""), on: id, actor: actor, now: now)
            case "note": _ = try await desk.act(.note(form["text"] ?? ""), on: id, actor: actor, now: now)
            case "dismiss": _ = try await desk.act(.dismiss(reason: form["reason"] ?? ""), on: id, actor: actor, now: now)
            case "resolve": _ = try await desk.act(.resolve(outcome: form["outcome"] ?? ""), on: id, actor: actor, now: now)
            case "refund": _ = try await desk.request(.refund, on: id, amount: Self.given(form["amount"]), actor: actor, now: now)
            case "compensate": _ = try await desk.request(.compensate, on: id, amount: Self.given(form["amount"]), actor: actor, now: now)
            case "claim": _ = try await desk.request(.carrierClaim, on: id, amount: nil, actor: actor, now: now)
            case "approve": _ = try await desk.approve(on: id, actor: actor, now: now)
            case "reship": _ = try await desk.reship(on: id, carrier: form["carrier"], tracking: form["tracking"], actor: actor, now: now)
            default: return notFound(session)
            }
        } catch {
            return try await incidentPage(id, session, refusal: (Self.status(of: error), error.description))
        }
        return Self.redirect("/staff/incidents/\(id)")
    }

    /// A form field with something in it, trimmed; nil for an empty or missing one.
    static func given(_ value: String?) -> String? {
        let trimmed = value?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        return trimmed.isEmpty ? nil : trimmed
    }

    /// The status a refusal is answered with.
    static func status(of error: StaffDeskError) -> HTTPResponse.Status {
        switch error {
        case .emptyText, .badAmount, .amountRequired, .incompleteReplacement, .tracking: return .badRequest
        case .noCarriers: return .serviceUnavailable
        case .store(.rejected), .store(.noSuchIncident): return .conflict
        case .store: return .internalServerError
        }
    }
}
