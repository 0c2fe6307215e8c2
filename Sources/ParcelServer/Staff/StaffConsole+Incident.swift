import Foundation
import HTTPTypes
import Hummingbird
import ParcelCore
import ParcelOps
import ParcelStore

/// One case's page: what it is, its clocks, the order and parcel, the carrier's timeline beside
/// the case history, the workflow actions, and a form for every staff action.
extension StaffConsole {
    /// `GET /staff/incidents/{id}`, or the same page after a refused action with `refusal`'s
    /// status and reason above the forms.
    func incidentPage(_ id: Int64, _ session: StaffSession, refusal: (status: HTTPResponse.Status, text: String)? = nil) async throws -> Response {
        guard let incident = try await store.read({ try $0.cases.incident(id: id) }) else { return notFound(session) }
        let view = view
        var order: Order?
        var shipment: Shipment?
        if let orderId = incident.orderId {
            order = try await store.read { try $0.shipments.order(id: orderId) }
            if let shipmentId = incident.shipmentId {
                shipment = try await store.read { try $0.shipments.shipments(ShipmentFilter(orderId: orderId)) }.first { $0.id == shipmentId }
            }
        }
        var events: [TrackingEvent] = []
        if let shipment { events = try await store.read { try $0.shipments.events(shipmentID: shipment.id) } }
        let history = try await store.read { try $0.cases.incidentHistory(id: id) }
        let actions = try await store.read { try $0.actions.actions(incidentId: id, states: []) }

        var values = common(session, title: "Case \(id): \(incident.kind.rawValue)", section: "queue")
        values["incident"] = caseValues(incident, view: view)
        values["open"] = !incident.status.isClosed
        if let order {
            values["order"] = [
                "id": order.id, "customer": order.customerName, "email": order.email, "phone": order.phone ?? "—", "language": order.language,
                "postcode": order.postcode, "value": order.value.description, "promised": order.promisedDate ?? "—",
                "paid": view.stamp(order.paidAt) ?? ["text": "—"], "currency": order.value.currency,
            ]
        }
        if let shipment {
            values["shipment"] = [
                "carrier": options.carrierNames[shipment.carrier] ?? shipment.carrier, "number": shipment.trackingNumber,
                "status": shipment.status.rawValue + (shipment.reason.map { " (\($0.rawValue))" } ?? ""),
            ]
        }
        values["events"] = events.reversed().map { event -> [String: Any] in
            var row: [String: Any] = [
                "when": view.stamp(event.time.date) ?? [:], "raw": event.rawStatus,
                "status": event.status.rawValue + (event.reason.map { " (\($0.rawValue))" } ?? ""),
            ]
            if let code = event.rawCode { row["code"] = code }
            if let location = event.location { row["location"] = location }
            return row
        }
        values["hasEvents"] = !events.isEmpty
        values["history"] = history.reversed().map {
            ["when": view.stamp($0.at) ?? [:], "actor": $0.actor, "action": $0.action, "detail": $0.detail] as [String: Any]
        }
        values["actions"] = actions.map { action -> [String: Any] in
            var row: [String: Any] = [
                "kind": action.kind.rawValue, "state": action.state.rawValue, "amount": action.amount?.description ?? "—",
                "requestedBy": action.requestedBy, "attempts": String(action.attempts), "key": action.idempotencyKey,
            ]
            if let error = action.lastError { row["lastError"] = error }
            return row
        }
        values["hasActions"] = !actions.isEmpty
        if let proposed = actions.first(where: { $0.state == .proposed }) {
            var offer: [String: Any] = ["kind": proposed.kind.rawValue]
            if let amount = proposed.amount { offer["amount"] = amount.description }
            values["proposed"] = offer
        }
        values["staff"] = try await store.read { try $0.console.staff() }.map {
            ["value": $0.name, "label": $0.displayName, "selected": $0.name == incident.owner]
        }
        values["carriers"] = carrierChoices(selected: nil)
        values["hasCarriers"] = options.registry != nil
        if let refusal { values["error"] = refusal.text }
        return page(refusal?.status ?? .ok, "incident", values)
    }

    /// The case itself: kind, state, owner, summary and its three clocks.
    private func caseValues(_ incident: Incident, view: StaffView) -> [String: Any] {
        let breached = view.breached(incident)
        var clocks: [[String: Any]] = []
        for clock in SLAClock.allCases {
            guard let due = incident.due(clock) else { continue }
            var row: [String: Any] = ["name": StaffView.clockName(clock), "due": view.stamp(due) ?? [:], "breached": breached.contains(clock)]
            if let met = incident.met(clock) { row["met"] = view.stamp(met) ?? [:] }
            clocks.append(row)
        }
        var values: [String: Any] = [
            "id": String(incident.id), "kind": incident.kind.rawValue, "status": incident.status.rawValue, "summary": incident.summary,
            "owner": incident.owner ?? "unassigned", "priority": String(incident.priority), "about": StaffView.about(incident),
            "audience": incident.customerFacing ? "customer-facing" : "staff only", "detected": view.stamp(incident.detectedAt) ?? [:],
            "clocks": clocks,
        ]
        if !breached.isEmpty { values["breach"] = breached.map(StaffView.clockName).joined(separator: ", ") }
        if let closed = incident.closedAt { values["closed"] = view.stamp(closed) ?? [:] }
        return values
    }
}
