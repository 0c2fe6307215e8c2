import Foundation
import ParcelCore
import ParcelStore

/// What a staff member does to a case, in one place: `parcelwatch incident assign|note|dismiss|
/// resolve|refund|reship|claim|compensate|approve` and the staff console's forms call the same
/// methods, so an action has the same checks, the same customer notices and the same audit
/// entries whichever door it came in by.
///
/// Every method names the acting staff member (`actor`); the store refuses anyone not in the
/// staff table. Bad input is refused before anything is written.
public struct StaffDesk: Sendable {
    private let store: Store
    private let config: ShopConfig
    private let registry: CarrierRegistry?
    private let templates: Result<NoticeTemplates, NoticeError>

    /// A desk over `store`. `config` shapes the customer's notices (language, contact, quiet
    /// hours); `registry` checks a replacement's carrier and number (without it no replacement
    /// can be linked). `templates` are the ones ``ParcelServices`` loaded; without them the
    /// shipped ones are loaded here, and if they cannot be, what would write a customer's notice
    /// (resolving, linking a replacement) fails with ``StoreError/notice(_:)`` rather than
    /// leaving the notice out; the rest still runs.
    public init(store: Store, config: ShopConfig, registry: CarrierRegistry? = nil, templates: NoticeTemplates? = nil) {
        self.store = store
        self.config = config
        self.registry = registry
        self.templates = templates.map { .success($0) } ?? Result { () throws(NoticeError) in try NoticeTemplates() }
    }

    /// Assigns, notes, dismisses or resolves case `id`. Resolving queues the customer's
    /// "resolved" notice in the same transaction. Returns the case as it now stands. What would
    /// change nothing is refused and writes nothing: an empty or blank note, reason, outcome or
    /// assignee (here), assigning a case to its owner or closing a closed case (the store).
    public func act(_ action: IncidentAction, on id: Int64, actor: String, now: Date) async throws(StaffDeskError) -> Incident {
        let (text, field) = action.freeText
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw .emptyText(field: field) }
        return try await stored { () async throws(StoreError) -> Incident in
            var notice: NoticeDraft?
            if case .resolve = action, let current = try await store.read({ try $0.cases.incident(id: id) }), let orderId = current.orderId,
                let order = try await store.read({ try $0.shipments.order(id: orderId) })
            {
                do throws(NoticeError) {
                    notice = try NoticeComposer(templates: templates.get(), config: config, carrierNames: [:])
                        .milestone("resolved", dedupeKey: "resolved:\(id)", order: order, shipment: nil, nextUpdateBy: now, now: now)
                } catch { throw .notice(error) }
            }
            return try await store.write { [notice] tx in try tx.cases.act(action, on: id, actor: actor, notice: notice, at: now) }
        }
    }

    /// Asks for a workflow action on case `id`, to be carried out by the shop's backend. A
    /// refund or voucher is for `amount` (decimal text such as `25.00`, in the order's
    /// currency), else the order's value; a reship or carrier claim carries no amount. Asking
    /// for a proposed one approves it; asking for one the case already has requested or done
    /// is refused and writes nothing (one action per case and kind). A voucher has no
    /// default amount.
    public func request(_ kind: ActionKind, on id: Int64, amount: String?, actor: String, now: Date) async throws(StaffDeskError) -> WorkflowAction {
        if kind == .compensate, amount == nil { throw .amountRequired }
        let incident = try await stored { () async throws(StoreError) in try await store.read { try $0.cases.incident(id: id) } }
        guard let incident else { throw .store(.noSuchIncident(id)) }
        let order = try await stored { () async throws(StoreError) -> Order? in
            guard let orderId = incident.orderId else { return nil }
            return try await store.read { try $0.shipments.order(id: orderId) }
        }
        var money = order?.value
        if let amount {
            guard let parsed = Money(decimal: amount, currency: order?.value.currency ?? "EUR"), parsed.minorUnits > 0 else {
                throw .badAmount(amount)
            }
            money = parsed
        }
        let carriesAmount = kind != .carrierClaim && kind != .reship
        return try await stored { () async throws(StoreError) in
            try await store.write { [money] tx in
                try tx.actions.requestAction(incidentId: id, kind: kind, amount: carriesAmount ? money : nil, state: .pending, actor: actor, at: now)
            }
        }
    }

    /// Approves the action the policy proposed for case `id` (it goes to the shop's backend).
    /// With nothing proposed (none asked for, or already approved or done) it is refused and
    /// nothing is written.
    public func approve(on id: Int64, actor: String, now: Date) async throws(StaffDeskError) -> WorkflowAction {
        let actions = try await stored { () async throws(StoreError) in try await store.read { try $0.actions.actions(incidentId: id, states: []) } }
        guard let action = actions.first(where: { $0.state == .proposed }) else {
            let standing = actions.isEmpty ? "" : ": " + actions.map(\.standing).joined(separator: ", ")
            throw .store(.rejected("incident \(id) has no proposed action to approve\(standing); nothing was changed"))
        }
        return try await stored { () async throws(StoreError) in
            try await store.write {
                try $0.actions.requestAction(incidentId: id, kind: action.kind, amount: action.amount, state: .pending, actor: actor, at: now)
            }
        }
    }

    /// Asks for a reship of case `id` and, when `carrier` and `tracking` are given, links the
    /// replacement parcel too. The number is checked (pattern and check digit) before anything
    /// is written; giving only one of the two is refused. A reship already requested or done
    /// is refused without a replacement (nothing new) and kept as it is with one: then only the
    /// replacement is linked.
    public func reship(
        on id: Int64, carrier: String?, tracking: String?, actor: String,
        now: Date
    ) async throws(StaffDeskError) -> (action: WorkflowAction, replacement: Shipment?) {
        let carrier = carrier?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        let tracking = tracking?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        guard carrier.isEmpty == tracking.isEmpty else { throw .incompleteReplacement }
        let replacement = carrier.isEmpty ? nil : try checkedReplacement(carrier: carrier, tracking: tracking)
        let asked =
            replacement == nil
            ? nil
            : try await stored { () async throws(StoreError) in
                try await store.read { try $0.actions.actions(incidentId: id, states: []) }.first { $0.kind == .reship && $0.state != .proposed }
            }
        let action: WorkflowAction
        if let asked { action = asked } else { action = try await request(.reship, on: id, amount: nil, actor: actor, now: now) }
        guard let replacement else { return (action, nil) }
        return (action, try await link(replacement.definition, number: replacement.number, on: id, actor: actor, now: now))
    }

    /// Links a replacement parcel (`carrier`, `tracking`) to case `id`: a new shipment of the
    /// same order, checked like any number, with the customer's "replacement sent" notice in
    /// the same transaction.
    public func linkReplacement(on id: Int64, carrier: String, tracking: String, actor: String, now: Date) async throws(StaffDeskError) -> Shipment {
        let replacement = try checkedReplacement(carrier: carrier, tracking: tracking)
        return try await link(replacement.definition, number: replacement.number, on: id, actor: actor, now: now)
    }

    /// The carrier's definition and the normalised number, or why they are refused.
    private func checkedReplacement(carrier: String, tracking: String) throws(StaffDeskError) -> (definition: CarrierDefinition, number: String) {
        guard let registry else { throw .noCarriers }
        let number = CarrierRegistry.normalize(tracking)
        let definition: CarrierDefinition
        do { definition = try registry.carrier(carrier) } catch { throw .tracking(.unknownCarrier(carrier)) }
        if let reason = registry.rejection(of: number, carrier: definition) {
            throw .tracking(.invalidNumber(number: number, reason: "\(carrier): \(reason)"))
        }
        return (definition, number)
    }

    private func link(_ definition: CarrierDefinition, number: String, on id: Int64, actor: String, now: Date) async throws(StaffDeskError) -> Shipment {
        try await stored { () async throws(StoreError) -> Shipment in
            // The customer hears about the replacement in the same transaction that links it.
            var notice: NoticeDraft?
            if let incident = try await store.read({ try $0.cases.incident(id: id) }), let orderId = incident.orderId,
                let order = try await store.read({ try $0.shipments.order(id: orderId) })
            {
                do throws(NoticeError) {
                    notice = try NoticeComposer(templates: templates.get(), config: config, carrierNames: [definition.id: definition.name])
                        .replacementSent(incident: incident, order: order, carrier: definition.id, trackingNumber: number, now: now)
                } catch { throw .notice(error) }
            }
            return try await store.write { [notice] tx in
                try tx.cases.linkReplacement(
                    incidentId: id, carrier: definition.id, trackingNumber: number, notice: notice,
                    promise: ReplacementPromise(config: config), actor: actor, at: now)
            }
        }
    }

    /// Runs store calls, reporting their failure as a desk error.
    private func stored<T>(_ body: () async throws(StoreError) -> T) async throws(StaffDeskError) -> T {
        do { return try await body() } catch { throw .store(error) }
    }
}

extension IncidentAction {
    /// The action's free text and what people call it (the member's name for an assignment).
    fileprivate var freeText: (text: String, field: String) {
        switch self {
        case .assign(let member): return (member, "staff member")
        case .note(let text): return (text, "note")
        case .dismiss(let reason): return (reason, "reason")
        case .resolve(let outcome): return (outcome, "outcome")
        }
    }
}
