import Foundation
import HTTPTypes
import Hummingbird
import ParcelCore
import ParcelOps
import ParcelStore

/// The console's read-only pages: the queue, a case, search and the audit log.
extension StaffConsole {
    /// How times and clocks are shown now.
    var view: StaffView { StaffView(zone: options.config.timeZone, now: options.clock.now) }

    /// `GET /staff?kind=&state=&owner=&carrier=`: the open cases (or those in `state`), by next
    /// deadline then priority, each with its breach marker. An unknown kind or state is a 400
    /// with what is accepted.
    func queue(_ request: Request, _ session: StaffSession) async throws -> Response {
        let query = try RequestText.query(request)
        let kindText = Self.given(query["kind"]), stateText = Self.given(query["state"])
        let owner = Self.given(query["owner"]), carrier = Self.given(query["carrier"])
        let kind = kindText.flatMap(IncidentKind.init(rawValue:)), state = stateText.flatMap(IncidentStatus.init(rawValue:))
        var problems: [String] = []
        if let kindText, kind == nil {
            problems.append("kind '\(kindText)' is not one of \(IncidentKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if let stateText, state == nil {
            problems.append("state '\(stateText)' is not one of \(IncidentStatus.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let view = view
        var cases: [Incident] = []
        if problems.isEmpty {
            let filter = IncidentFilter(
                kinds: kind.map { [$0] } ?? [], statuses: state.map { [$0] } ?? [], owner: owner, carrier: carrier,
                openOnly: !(state?.isClosed ?? false))
            cases = try await store.read { try $0.cases.incidents(filter) }
            cases.sort { ($0.nextDeadline, -$0.priority, $0.id) < ($1.nextDeadline, -$1.priority, $1.id) }
        }
        let rows = cases.map(view.row)
        var values = common(session, title: "Incident queue", section: "queue")
        values["rows"] = rows
        values["count"] = String(rows.count)
        values["breached"] = String(rows.filter { $0["breach"] != nil }.count)
        values["empty"] = rows.isEmpty
        values["filtered"] = kindText != nil || stateText != nil || owner != nil || carrier != nil
        values["kinds"] = IncidentKind.allCases.map { ["value": $0.rawValue, "selected": $0.rawValue == kindText] }
        values["states"] = IncidentStatus.allCases.map { ["value": $0.rawValue, "selected": $0.rawValue == stateText] }
        values["owners"] = try await store.read { try $0.console.staff() }.map { ["value": $0.name, "label": $0.displayName, "selected": $0.name == owner] }
        values["carriers"] = carrierChoices(selected: carrier)
        values["hasCarriers"] = options.registry != nil
        values["carrierText"] = carrier ?? ""
        if !problems.isEmpty { values["error"] = problems.joined(separator: "; ") }
        return page(problems.isEmpty ? .ok : .badRequest, "queue", values)
    }

    /// The known carriers as choices of a select, `selected` marked.
    func carrierChoices(selected: String?) -> [[String: Any]] {
        (options.registry?.carriers ?? []).sorted { $0.id < $1.id }.map { ["value": $0.id, "label": $0.name, "selected": $0.id == selected] }
    }

    /// `GET /staff/search?q=`: what `parcelwatch find` finds, as tables.
    func search(_ request: Request, _ session: StaffSession) async throws -> Response {
        let text = Self.given(try RequestText.query(request)["q"].map { String($0.prefix(200)) })
        var values = common(session, title: "Search", section: "search")
        values["q"] = text ?? ""
        guard let text else { return page(.ok, "search", values) }
        let found = try await store.read { try $0.cases.find(text) }
        let view = view
        values["searched"] = true
        values["nothing"] = found.orders.isEmpty && found.shipments.isEmpty && found.incidents.isEmpty
        values["orders"] = found.orders.map {
            [
                "id": $0.id, "customer": $0.customerName, "email": $0.email, "phone": $0.phone ?? "", "value": $0.value.description,
                "promised": $0.promisedDate ?? "—",
            ]
        }
        values["shipments"] = found.shipments.map {
            [
                "order": $0.orderId, "carrier": options.carrierNames[$0.carrier] ?? $0.carrier, "number": $0.trackingNumber,
                "status": $0.status.rawValue + ($0.reason.map { " (\($0.rawValue))" } ?? ""), "lastEvent": view.time($0.lastEventAt),
            ]
        }
        values["incidents"] = found.incidents.map(view.row)
        values["hasOrders"] = !found.orders.isEmpty
        values["hasShipments"] = !found.shipments.isEmpty
        values["hasIncidents"] = !found.incidents.isEmpty
        return page(.ok, "search", values)
    }

    /// `GET /staff/audit[?incident=ID]`: the newest 200 audit entries.
    func audit(_ request: Request, _ session: StaffSession) async throws -> Response {
        let incident = try RequestText.query(request)["incident"].flatMap { Int64($0) }
        let entries = try await store.read { tx in try tx.console.auditLog(limit: 200, subject: incident.map { "incident:\($0)" }) }
        let view = view
        var values = common(session, title: "Audit log", section: "audit")
        values["entries"] = entries.map { entry -> [String: Any] in
            var row: [String: Any] = [
                "when": view.stamp(entry.at) ?? [:], "actor": entry.actor, "action": entry.action,
                "subject": entry.subject, "detail": entry.detail,
            ]
            if entry.subject.hasPrefix("incident:"), let id = Int64(entry.subject.dropFirst("incident:".count)) { row["incident"] = String(id) }
            return row
        }
        values["empty"] = entries.isEmpty
        if let incident { values["filterIncident"] = String(incident) }
        return page(.ok, "audit", values)
    }
}
