import ArgumentParser
import Foundation
import ParcelKit

/// `parcelwatch incident VERB ID`: one case, and what staff do with it.
struct IncidentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "incident",
        abstract: "Show one incident or act on it: assign, note, dismiss, resolve (audited, staff only).",
        discussion: """
        The acting staff member is --as NAME, else $PARCELWATCH_STAFF, else the OS user; anyone not in
        `parcelwatch staff list` is refused. Examples:
          parcelwatch incident show 12
          parcelwatch incident assign 12 --to marek --as anna
          parcelwatch incident note 12 "Called SEUR Madrid depot, claim 4711 opened" --as anna
          parcelwatch incident dismiss 12 --reason "parcel scanned again this morning" --as anna
          parcelwatch incident resolve 12 --outcome "replacement delivered" --as anna
          parcelwatch incident refund 12 --as anna                 (the order's value unless --amount)
          parcelwatch incident reship 12 --carrier inpost --tracking 602677440512180023561874 --as anna
          parcelwatch incident approve 12 --as anna                (carry out what the policy proposed)
        Refunds, reships, claims and vouchers are POSTed to the shop backend's webhook (workflows: in the config) by the
        next sweep, signed and with an Idempotency-Key, so each is carried out exactly once.
        Exit codes: 0 done, 1 no such incident (show), 2 refused (not staff, unknown or closed case) or bad input, 4 database unusable.
        """,
        subcommands: [Show.self, Assign.self, Note.self, Dismiss.self, Resolve.self,
                      Refund.self, Reship.self, Claim.self, Compensate.self, Approve.self])

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The order, the customer's contact, and carrier events beside the case history.")
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "The incident id.") var id: Int64

        struct Report: Encodable {
            var incident: IncidentRow
            var order: Order?
            var shipment: ShipmentsCommand.Row?
            var events: [TrackingReport.Event]
            var history: [IncidentNote]
            var actions: [WorkflowAction]
        }

        func run() async throws {
            let now = try store.clock().now
            let database = try await store.openStore()
            do {
                guard let incident = try await database.incident(id: id) else {
                    FileHandle.standardError.write(Data("error: no incident \(id)\n".utf8))
                    throw ExitCode(1)
                }
                let order = try await incident.orderId.asyncMap { try await database.order(id: $0) } ?? nil
                let shipment = try await incident.shipmentId.asyncMap { id in
                    try await database.shipments(ShipmentFilter(orderId: incident.orderId)).first { $0.id == id }
                } ?? nil
                let events = try await shipment.asyncMap { try await database.events(shipmentID: $0.id) } ?? []
                let history = try await database.incidentHistory(id: id)
                let actions = try await database.actions(incidentId: id, states: [])
                let eventRows = events.map {
                    TrackingReport.Event(time: $0.time.utcText, status: $0.status.rawValue, reason: $0.reason?.rawValue,
                                         rawStatus: $0.rawStatus, rawCode: $0.rawCode, location: $0.location)
                }
                if output.json {
                    return try printJSON(Report(incident: IncidentRow(incident, now: now), order: order, shipment: shipment.map(ShipmentsCommand.Row.init),
                                                events: eventRows, history: history, actions: actions))
                }
                print(Self.render(incident, order: order, shipment: shipment, events: events, history: history, now: now))
                if !actions.isEmpty {
                    print("")
                    print(Terminal.table(["ACTION", "STATE", "AMOUNT", "REQUESTED BY", "TRIES", "KEY"], actions.map {
                        [$0.kind.rawValue, $0.state.rawValue, $0.amount?.description ?? "", $0.requestedBy, String($0.attempts), $0.idempotencyKey]
                    }))
                }
            } catch let error as StoreError {
                throw fail(.store(error))
            }
        }

        static func render(_ incident: Incident, order: Order?, shipment: Shipment?, events: [TrackingEvent], history: [IncidentNote], now: Date) -> String {
            var lines: [String] = []
            let passed = IncidentRow.passed(incident, now: now)
            lines.append(Terminal.bold("incident \(incident.id): \(incident.kind.rawValue)") + "  \(incident.status.rawValue)"
                         + (passed.isEmpty ? "" : Terminal.paint("  overdue: \(passed.joined(separator: ", "))", "31")))
            lines.append("  \(incident.summary)")
            lines.append("  owner \(incident.owner ?? "unassigned") · priority \(incident.priority) · "
                         + (incident.customerFacing ? "customer-facing" : "staff only") + " · detected \(When.short(incident.detectedAt))")
            lines.append("  due: notice \(When.short(incident.noticeDue)) · first touch \(When.short(incident.firstTouchDue))"
                         + " · resolution \(When.short(incident.resolutionDue))")
            if let order {
                lines.append("")
                lines.append(Terminal.bold("order \(order.id)") + "  \(order.value) · promised \(order.promisedDate ?? "—") · paid \(When.short(order.paidAt))")
                lines.append("  \(order.customerName) <\(order.email)>" + (order.phone.map { " · \($0)" } ?? "") + " · \(order.language) · \(order.postcode)")
            }
            if let shipment {
                lines.append("  \(shipment.carrier) \(shipment.trackingNumber): \(shipment.status.rawValue)" + (shipment.reason.map { " (\($0.rawValue))" } ?? ""))
            }
            // Carrier events and the case history on one time line, side by side.
            var timeline: [(Date, [String])] = events.map { ($0.time.date, [When.short($0.time.date), "\($0.status.rawValue): \($0.rawStatus)", ""]) }
            timeline += history.map { ($0.at, [When.short($0.at), "", "\($0.actor) \($0.action): \($0.detail)"]) }
            timeline.sort { $0.0 < $1.0 }
            lines.append("")
            lines.append(Terminal.table(["TIME (UTC)", "CARRIER", "CASE"], timeline.map(\.1)))
            return lines.joined(separator: "\n")
        }
    }

    struct Assign: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Give the case to a staff member.")
        @OptionGroup var store: StoreOptions
        @OptionGroup var staff: StaffOptions
        @Argument(help: "The incident id.") var id: Int64
        @Option(help: "The staff member who takes it.") var to: String
        func run() async throws { try await act(.assign(to: to), id: id, store: store, staff: staff) }
    }

    struct Note: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a note to the case history.")
        @OptionGroup var store: StoreOptions
        @OptionGroup var staff: StaffOptions
        @Argument(help: "The incident id.") var id: Int64
        @Argument(help: "The note.") var text: String
        func run() async throws { try await act(.note(text), id: id, store: store, staff: staff) }
    }

    struct Dismiss: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Close a false alarm, with the reason.")
        @OptionGroup var store: StoreOptions
        @OptionGroup var staff: StaffOptions
        @Argument(help: "The incident id.") var id: Int64
        @Option(help: "Why it was a false alarm.") var reason: String
        func run() async throws { try await act(.dismiss(reason: reason), id: id, store: store, staff: staff) }
    }

    struct Resolve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Close the case, saying what was done.")
        @OptionGroup var store: StoreOptions
        @OptionGroup var staff: StaffOptions
        @Argument(help: "The incident id.") var id: Int64
        @Option(help: "What was done.") var outcome: String
        func run() async throws { try await act(.resolve(outcome: outcome), id: id, store: store, staff: staff) }
    }
}

/// Asks for a workflow action on a case (staff only) and prints where it stands.
private func request(_ kind: ActionKind, id: Int64, amount: String?, store: StoreOptions, staff: StaffOptions) async throws {
    let now = try store.clock().now
    let database = try await store.openStore()
    do {
        guard let incident = try await database.incident(id: id) else { throw StoreError.rejected("no incident \(id)") }
        let order = try await incident.orderId.asyncMap { try await database.order(id: $0) } ?? nil
        var money = order?.value
        if let amount {
            guard let parsed = Money(decimal: amount, currency: order?.value.currency ?? "EUR"), parsed.minorUnits > 0 else {
                throw ValidationError("--amount '\(amount)' is not an amount such as 25.00")
            }
            money = parsed
        }
        let action = try await database.requestAction(incidentId: id, kind: kind, amount: kind == .carrierClaim || kind == .reship ? nil : money,
                                                      state: .pending, actor: staff.actor, at: now)
        print("incident \(id): \(action.kind.rawValue) \(action.state.rawValue)" + (action.amount.map { " (\($0))" } ?? "")
              + " · idempotency key \(action.idempotencyKey)")
    } catch let error as StoreError {
        throw fail(.store(error))
    }
}

/// Runs one staff action and prints the case's new state.
private func act(_ action: IncidentAction, id: Int64, store: StoreOptions, staff: StaffOptions) async throws {
    let now = try store.clock().now
    let database = try await store.openStore()
    for (label, text) in [("text", action.text)] where text.trimmingCharacters(in: .whitespaces).isEmpty {
        throw ValidationError("the \(label) must not be empty")
    }
    do {
        // Resolving tells the customer the case is closed, in the same transaction.
        var notice: NoticeDraft?
        if case .resolve = action, let current = try await database.incident(id: id), let orderId = current.orderId,
           let order = try await database.order(id: orderId), let templates = try? NoticeTemplates() {
            let composer = NoticeComposer(templates: templates, config: try store.shopConfig(), carrierNames: [:])
            notice = composer.milestone("resolved", dedupeKey: "resolved:\(id)", order: order, shipment: nil, nextUpdateBy: now, now: now)
        }
        let incident = try await database.act(action, on: id, actor: staff.actor, notice: notice, at: now)
        print("incident \(incident.id): \(incident.status.rawValue), owner \(incident.owner ?? "unassigned")")
    } catch let error as StoreError {
        throw fail(.store(error))
    }
}

extension IncidentCommand {
    struct Refund: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Refund the customer (the order's value unless --amount).")
        @OptionGroup var store: StoreOptions
        @OptionGroup var staff: StaffOptions
        @Argument(help: "The incident id.") var id: Int64
        @Option(help: "The amount, e.g. 59.90 (the order's currency).") var amount: String?
        func run() async throws { try await request(.refund, id: id, amount: amount, store: store, staff: staff) }
    }

    struct Reship: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send a replacement; with --carrier and --tracking, link the replacement parcel (now or later).")
        @OptionGroup var store: StoreOptions
        @OptionGroup var staff: StaffOptions
        @OptionGroup var carriers: CarrierOptions
        @Argument(help: "The incident id.") var id: Int64
        @Option(help: "The replacement's carrier.") var carrier: String?
        @Option(help: "The replacement's tracking number.") var tracking: String?

        func run() async throws {
            try await request(.reship, id: id, amount: nil, store: store, staff: staff)
            guard let carrier, let tracking else { return }
            let database = try await store.openStore()
            let now = try store.clock().now
            let number = CarrierRegistry.normalize(tracking)
            let registry = try carriers.registry()
            guard let definition = try? registry.carrier(carrier) else { throw fail(.tracking(.unknownCarrier(carrier))) }
            if let reason = registry.rejection(of: number, carrier: definition) {
                throw fail(.tracking(.invalidNumber(number: number, reason: "\(carrier): \(reason)")))
            }
            do {
                // The customer hears about the replacement in the same transaction that links it.
                var notice: NoticeDraft?
                if let incident = try await database.incident(id: id), let orderId = incident.orderId,
                   let order = try await database.order(id: orderId), let templates = try? NoticeTemplates() {
                    notice = NoticeComposer(templates: templates, config: try store.shopConfig(), carrierNames: [definition.id: definition.name])
                        .replacementSent(incident: incident, order: order, carrier: definition.id, trackingNumber: number, now: now)
                }
                let shipment = try await database.linkReplacement(incidentId: id, carrier: definition.id, trackingNumber: number, notice: notice,
                                                                  actor: staff.actor, at: now)
                print("replacement \(shipment.carrier) \(shipment.trackingNumber) linked to order \(shipment.orderId)")
            } catch let error as StoreError {
                throw fail(.store(error))
            }
        }
    }

    struct Claim: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "File a claim with the carrier.")
        @OptionGroup var store: StoreOptions
        @OptionGroup var staff: StaffOptions
        @Argument(help: "The incident id.") var id: Int64
        func run() async throws { try await request(.carrierClaim, id: id, amount: nil, store: store, staff: staff) }
    }

    struct Compensate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Give the customer a voucher for a broken promise.")
        @OptionGroup var store: StoreOptions
        @OptionGroup var staff: StaffOptions
        @Argument(help: "The incident id.") var id: Int64
        @Option(help: "The voucher's value, e.g. 10.00.") var amount: String
        func run() async throws { try await request(.compensate, id: id, amount: amount, store: store, staff: staff) }
    }

    struct Approve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Approve the action the policy proposed.")
        @OptionGroup var store: StoreOptions
        @OptionGroup var staff: StaffOptions
        @Argument(help: "The incident id.") var id: Int64

        func run() async throws {
            let database = try await store.openStore()
            let proposed: [WorkflowAction]
            do { proposed = try await database.actions(incidentId: id, states: [.proposed]) } catch { throw fail(.store(error)) }
            guard let action = proposed.first else { throw fail(.store(.rejected("incident \(id) has no proposed action to approve"))) }
            try await request(action.kind, id: id, amount: action.amount?.decimalText, store: store, staff: staff)
        }
    }
}

extension IncidentAction {
    /// The free text of the action (the member's name for an assignment).
    var text: String {
        switch self {
        case .assign(let member): return member
        case .note(let text): return text
        case .dismiss(let reason): return reason
        case .resolve(let outcome): return outcome
        }
    }
}

extension Optional {
    /// `map` with an async transform.
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
