import ArgumentParser
import Foundation
import ParcelCore
import ParcelOps
import ParcelStore

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
        subcommands: [
            Show.self, Assign.self, Note.self, Dismiss.self, Resolve.self,
            Refund.self, Reship.self, Claim.self, Compensate.self, Approve.self,
        ])

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show", abstract: "The order, the customer's contact, and carrier events beside the case history.",
            discussion: """
                Also the parcel's delivery estimate (p50 to p90 day, the chance of meeting the promise, and where it
                comes from); in --json `estimate`, its explanation in the order's language, null when there is none.
                """)
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "The incident id.") var id: Int64

        struct Report: Encodable {
            var incident: IncidentRow
            var order: Order?
            var shipment: ShipmentRow?
            var events: [TrackingReport.Event]
            var history: [IncidentNote]
            var actions: [WorkflowAction]
            /// The parcel's delivery estimate, explained in the order's language; null when none.
            var estimate: EstimateView?

            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(incident, forKey: .incident)
                try container.encode(order, forKey: .order)
                try container.encode(shipment, forKey: .shipment)
                try container.encode(events, forKey: .events)
                try container.encode(history, forKey: .history)
                try container.encode(actions, forKey: .actions)
                try container.encode(estimate, forKey: .estimate)
            }

            private enum CodingKeys: String, CodingKey { case incident, order, shipment, events, history, actions, estimate }
        }

        func run() async throws {
            let now = try store.clock().now
            let database = try await store.openStore(.readOnly)
            do {
                guard let incident = try await database.read({ try $0.cases.incident(id: id) }) else {
                    FileHandle.standardError.write(Data("error: \(StoreError.noSuchIncident(id))\n".utf8))
                    throw ExitCode(1)
                }
                let order = try await incident.orderId.asyncMap { id in try await database.read { try $0.shipments.order(id: id) } } ?? nil
                let shipment =
                    try await incident.shipmentId.asyncMap { id in
                        try await database.read { try $0.shipments.shipments(ShipmentFilter(orderId: incident.orderId)) }.first { $0.id == id }
                    } ?? nil
                let events = try await shipment.asyncMap { parcel in try await database.read { try $0.shipments.events(shipmentID: parcel.id) } } ?? []
                let history = try await database.read { try $0.cases.incidentHistory(id: id) }
                let actions = try await database.read { try $0.actions.actions(incidentId: id, states: []) }
                var estimate: DeliveryEstimate?
                if let shipment, let order {
                    let estimator = try await ParcelEstimates.estimator(database, config: try store.shopConfig())
                    estimate = estimator.estimate(shipment, order: order, eventTimes: events.map(\.time.date), now: now)
                }
                let eventRows = events.map {
                    TrackingReport.Event(
                        time: $0.time.utcText, status: $0.status.rawValue, reason: $0.reason?.rawValue,
                        rawStatus: $0.rawStatus, rawCode: $0.rawCode, location: $0.location)
                }
                if output.json {
                    return try printJSON(
                        Report(
                            incident: IncidentRow(incident, now: now), order: order, shipment: shipment.map(ShipmentRow.init),
                            events: eventRows, history: history, actions: actions,
                            estimate: estimate.map { EstimateView($0, language: order?.language ?? "en") }))
                }
                print(Self.render(incident, order: order, shipment: shipment, events: events, history: history, now: now))
                if let estimate {
                    print("  expected \(estimate.p50)" + (estimate.p90 == estimate.p50 ? "" : " – \(estimate.p90)") + Self.chance(estimate))
                    print("  " + Terminal.dim(estimate.explanation.en))
                }
                if !actions.isEmpty {
                    print("")
                    print(
                        Terminal.table(
                            ["ACTION", "STATE", "AMOUNT", "REQUESTED BY", "TRIES", "KEY"],
                            actions.map {
                                [$0.kind.rawValue, $0.state.rawValue, $0.amount?.description ?? "", $0.requestedBy, String($0.attempts), $0.idempotencyKey]
                            }))
                }
            } catch let error as StoreError {
                throw fail(.store(error))
            }
        }

        /// `, 42% by the promise` when the estimate has a chance of meeting it.
        static func chance(_ estimate: DeliveryEstimate) -> String {
            estimate.probabilityByPromise.map { String(format: ", %.0f%% by the promise", $0 * 100) } ?? ""
        }

        static func render(_ incident: Incident, order: Order?, shipment: Shipment?, events: [TrackingEvent], history: [IncidentNote], now: Date) -> String {
            var lines: [String] = []
            let passed = incident.overdueClocks(at: now).map(\.rawValue)
            lines.append(
                Terminal.bold("incident \(incident.id): \(incident.kind.rawValue)") + "  \(incident.status.rawValue)"
                    + (passed.isEmpty ? "" : Terminal.paint("  overdue: \(passed.joined(separator: ", "))", "31")))
            lines.append("  \(incident.summary)")
            lines.append(
                "  owner \(incident.owner ?? "unassigned") · priority \(incident.priority) · "
                    + (incident.customerFacing ? "customer-facing" : "staff only") + " · detected \(When.short(incident.detectedAt))")
            lines.append(
                "  due: notice \(When.short(incident.noticeDue)) · first touch \(When.short(incident.firstTouchDue))"
                    + " · resolution \(When.short(incident.resolutionDue))")
            if let order {
                lines.append("")
                lines.append(Terminal.bold("order \(order.id)") + "  \(order.value) · promised \(order.promisedDate ?? "—") · paid \(When.short(order.paidAt))")
                lines.append("  \(order.customerName) <\(order.email)>" + (order.phone.map { " · \($0)" } ?? "") + " · \(order.language) · \(order.postcode)")
            }
            if let shipment {
                lines.append(
                    "  \(shipment.carrier) \(shipment.trackingNumber): \(shipment.status.rawValue)" + (shipment.reason.map { " (\($0.rawValue))" } ?? ""))
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
        static let configuration = CommandConfiguration(commandName: "assign", abstract: "Give the case to a staff member.")
        @OptionGroup var store: StoreOptions
        @OptionGroup var staff: StaffOptions
        @Argument(help: "The incident id.") var id: Int64
        @Option(help: "The staff member who takes it.") var to: String
        func run() async throws { try await act(.assign(to: to), id: id, store: store, staff: staff) }
    }

    struct Note: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "note", abstract: "Add a note to the case history.")
        @OptionGroup var store: StoreOptions
        @OptionGroup var staff: StaffOptions
        @Argument(help: "The incident id.") var id: Int64
        @Argument(help: "The note.") var text: String
        func run() async throws { try await act(.note(text), id: id, store: store, staff: staff) }
    }

    struct Dismiss: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "dismiss", abstract: "Close a false alarm, with the reason.")
        @OptionGroup var store: StoreOptions
        @OptionGroup var staff: StaffOptions
        @Argument(help: "The incident id.") var id: Int64
        @Option(help: "Why it was a false alarm.") var reason: String
        func run() async throws { try await act(.dismiss(reason: reason), id: id, store: store, staff: staff) }
    }

    struct Resolve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "resolve", abstract: "Close the case, saying what was done.")
        @OptionGroup var store: StoreOptions
        @OptionGroup var staff: StaffOptions
        @Argument(help: "The incident id.") var id: Int64
        @Option(help: "What was done.") var outcome: String
        func run() async throws { try await act(.resolve(outcome: outcome), id: id, store: store, staff: staff) }
    }
}

/// The staff desk over the command's store and config, with the clock's now: the CLI and the
/// staff console act through the same ``StaffDesk``.
private func openDesk(_ store: StoreOptions, registry: CarrierRegistry? = nil) async throws -> (desk: StaffDesk, now: Date) {
    let now = try store.clock().now
    let database = try await store.openStore(.readWrite)
    do { return (try ParcelServices(store: database, config: try store.shopConfig(), registry: registry).desk, now) } catch let error as NoticeError {
        throw ValidationError(error.description)
    }
}

/// A desk refusal as the CLI reports it: bad input exits 2 with usage wording, the rest by kind.
private func refusal(_ error: StaffDeskError) -> any Error {
    switch error {
    case .emptyText: return ValidationError(error.description)
    case .badAmount(let text): return ValidationError("--amount '\(text)' is not an amount such as 25.00")
    case .amountRequired, .incompleteReplacement, .noCarriers: return ValidationError(error.description)
    case .tracking(let error): return fail(.tracking(error))
    case .store(let error): return fail(.store(error))
    }
}

/// Prints where a requested workflow action stands.
private func printAction(_ id: Int64, _ action: WorkflowAction) {
    print(
        "incident \(id): \(action.kind.rawValue) \(action.state.rawValue)" + (action.amount.map { " (\($0))" } ?? "")
            + " · idempotency key \(action.idempotencyKey)")
}

/// Asks for a workflow action on a case (staff only) and prints where it stands.
private func request(_ kind: ActionKind, id: Int64, amount: String?, store: StoreOptions, staff: StaffOptions) async throws {
    let (desk, now) = try await openDesk(store)
    do {
        printAction(id, try await desk.request(kind, on: id, amount: amount, actor: staff.actor, now: now))
    } catch {
        throw refusal(error)
    }
}

/// Runs one staff action and prints the case's new state.
private func act(_ action: IncidentAction, id: Int64, store: StoreOptions, staff: StaffOptions) async throws {
    let (desk, now) = try await openDesk(store)
    do {
        let incident = try await desk.act(action, on: id, actor: staff.actor, now: now)
        print("incident \(incident.id): \(incident.status.rawValue), owner \(incident.owner ?? "unassigned")")
    } catch {
        throw refusal(error)
    }
}

extension IncidentCommand {
    struct Refund: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "refund", abstract: "Refund the customer (the order's value unless --amount).")
        @OptionGroup var store: StoreOptions
        @OptionGroup var staff: StaffOptions
        @Argument(help: "The incident id.") var id: Int64
        @Option(help: "The amount, e.g. 59.90 (the order's currency).") var amount: String?
        func run() async throws { try await request(.refund, id: id, amount: amount, store: store, staff: staff) }
    }

    struct Reship: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reship",
            abstract: "Send a replacement; with --carrier and --tracking, link the replacement parcel (now or later).")
        @OptionGroup var store: StoreOptions
        @OptionGroup var staff: StaffOptions
        @OptionGroup var carriers: CarrierOptions
        @Argument(help: "The incident id.") var id: Int64
        @Option(help: "The replacement's carrier.") var carrier: String?
        @Option(help: "The replacement's tracking number.") var tracking: String?

        func run() async throws {
            // One of the two alone only asks for the reship; the replacement can be linked later.
            let linking = carrier != nil && tracking != nil
            let (desk, now) = try await openDesk(store, registry: linking ? try carriers.registry() : nil)
            do {
                let done = try await desk.reship(
                    on: id, carrier: linking ? carrier : nil, tracking: linking ? tracking : nil,
                    actor: staff.actor, now: now)
                printAction(id, done.action)
                if let shipment = done.replacement {
                    print("replacement \(shipment.carrier) \(shipment.trackingNumber) linked to order \(shipment.orderId)")
                }
            } catch {
                throw refusal(error)
            }
        }
    }

    struct Claim: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "claim", abstract: "File a claim with the carrier.")
        @OptionGroup var store: StoreOptions
        @OptionGroup var staff: StaffOptions
        @Argument(help: "The incident id.") var id: Int64
        func run() async throws { try await request(.carrierClaim, id: id, amount: nil, store: store, staff: staff) }
    }

    struct Compensate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "compensate", abstract: "Give the customer a voucher for a broken promise.")
        @OptionGroup var store: StoreOptions
        @OptionGroup var staff: StaffOptions
        @Argument(help: "The incident id.") var id: Int64
        @Option(help: "The voucher's value, e.g. 10.00.") var amount: String
        func run() async throws { try await request(.compensate, id: id, amount: amount, store: store, staff: staff) }
    }

    struct Approve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "approve", abstract: "Approve the action the policy proposed.")
        @OptionGroup var store: StoreOptions
        @OptionGroup var staff: StaffOptions
        @Argument(help: "The incident id.") var id: Int64

        func run() async throws {
            let (desk, now) = try await openDesk(store)
            do {
                printAction(id, try await desk.approve(on: id, actor: staff.actor, now: now))
            } catch {
                throw refusal(error)
            }
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
