import CarrierSim
import Curl
import Foundation
import ParcelCore
import ParcelOps
import ParcelStore
import TestSupport
import Testing

@Suite struct WorkflowPolicyTests {
    @Test func smallReshippableLossesAreReplacedAtOnceLargerOnesProposed() throws {
        let policy = WorkflowPolicy.standard
        var small = order("W-1", value: 12_999)  // 129.99 PLN
        #expect(policy.decide(kind: .damagedOrLost, order: small) == .act(.reship))
        small.reshippable = false
        #expect(policy.decide(kind: .lost, order: small) == .act(.refund))
        #expect(policy.decide(kind: .damaged, order: order("W-2", value: 45_000)) == .propose(.reship))
        #expect(policy.decide(kind: .notDispatched, order: small) == .propose(.refund))
        #expect(policy.decide(kind: .late, order: small) == .wait)
        var euro = order("W-3", value: 4_999)
        euro.value.currency = "EUR"
        #expect(policy.decide(kind: .damaged, order: euro) == .act(.reship))
    }

    @Test func rulesComeFromTheConfig() throws {
        let config = try ShopConfig.parse(
            yaml: """
                workflows:
                  webhook: { url: "https://shop.example/hooks/parcelwatch", secret_env: MY_SECRET }
                  rules:
                    - { kinds: [late], action: compensate, auto_below: { PLN: 1000 } }
                    - { kinds: [customerReport], propose: refund }
                """, file: "w.yaml")
        #expect(config.workflows.webhookURL == "https://shop.example/hooks/parcelwatch" && config.workflows.secretEnv == "MY_SECRET")
        #expect(config.workflows.decide(kind: .late, order: order("W")) == .act(.compensate))
        #expect(config.workflows.decide(kind: .customerReport, order: order("W")) == .propose(.refund))
        #expect(config.workflows.decide(kind: .damaged, order: order("W")) == .wait)
        #expect(throws: ConfigError.self) { try ShopConfig.parse(yaml: "workflows: { rules: [{ kinds: [late], action: teleport }] }", file: "w.yaml") }
    }
}

@Suite struct ActionExecutorTests {
    static func setup(_ kind: StoreKind, secret: String = "sim-webhook-secret", reshippable: Bool = true) async throws -> (
        Store, ActionExecutor, Incident, String
    ) {
        let base = try await SharedSimulator.shared.baseURL()
        let store = try await kind.open()
        let number = "5\(String(format: "%013d", Int.random(in: 0..<9_999_999_999_999)))"
        var theOrder = order("A-\(number)")
        theOrder.reshippable = reshippable
        _ = try await store.write { [theOrder] tx in
            try tx.shipments.importRows(
                [ImportRow(line: 2, order: theOrder, carrier: "seur", trackingNumber: number)], dryRun: false, actor: "t", at: fixtureNow)
        }
        let parcel = try #require(try await store.read { try $0.shipments.shipment(carrier: "seur", trackingNumber: number) })
        _ = try await store.write(serialized: false) {
            try $0.shipments.apply(
                TrackingUpdate(
                    shipmentID: parcel.id,
                    events: [
                        event(
                            number, hoursAgo: 1, raw: "Deterioro o extravío", status: .exception,
                            reason: .damagedOrLost)
                    ],
                    estimatedDelivery: nil, checkedAt: fixtureNow, schedule: .standard))
        }
        var config = ShopConfig.defaults
        // A backend of its own per test and store kind: keys like incident-1-reship recur across fresh databases.
        config.workflows.webhookURL = base + "/_sim/webhook/\(kind.name)-\(theOrder.id)"
        let registry = try CarrierRegistry.load(directory: PackagePaths.carriers)
        let templates = try NoticeTemplates()
        _ = try await IncidentEngine(store: store, config: config, registry: registry, templates: templates).run(now: fixtureNow)
        let incident = try #require(try await store.read { try $0.cases.incidents(IncidentFilter(kinds: [.damagedOrLost])) }.first)
        let executor = ActionExecutor(
            store: store, config: config, client: try HTTPClient(),
            composer: NoticeComposer(templates: templates, config: config, carrierNames: ["seur": "SEUR"]),
            environment: ["SHOP_WEBHOOK_SECRET": secret])
        return (store, executor, incident, base)
    }

    @Test(arguments: StoreKind.all) func aReshipIsCarriedOutOnceAndItsReplacementTracked(kind: StoreKind) async throws {
        let (store, executor, incident, base) = try await Self.setup(kind)
        let actions = try await store.read { try $0.actions.actions(incidentId: incident.id, states: []) }
        #expect(actions.map(\.kind) == [.reship] && actions.first?.state == .pending && actions.first?.requestedBy == "policy")
        let summary = try await executor.run(now: fixtureNow)
        #expect(summary.executed == 1, "\(summary.errors)")
        #expect(try await executor.run(now: fixtureNow.addingTimeInterval(600)).executed == 0)
        let done = try #require(try await store.read { try $0.actions.actions(incidentId: incident.id, states: [.done]) }.first)
        #expect(done.idempotencyKey == "incident-\(incident.id)-reship")
        #expect(
            try await SimControl(baseURL: base).webhookExecutions(key: done.idempotencyKey, backend: "\(kind.name)-\(incident.orderId ?? "")").first?[
                "requests"] as? Int == 1)
        #expect(try await store.read { try $0.cases.incident(id: incident.id) }?.status == .actionTaken)
        // The backend's replacement is now a shipment of the same order, and the customer hears about it.
        let parcels = try await store.read { try $0.shipments.shipments(ShipmentFilter(orderId: incident.orderId)) }
        #expect(parcels.count == 2 && parcels.contains { $0.trackingNumber.hasPrefix("RS") })
        #expect(try await store.read { try $0.outbox.notices(.pending, limit: 10) }.contains { $0.template == "reshipSent" && $0.body.contains("RS") })
        // If the "lost" original turns up after all, staff are told before it ships twice.
        let original = try #require(parcels.first { !$0.trackingNumber.hasPrefix("RS") })
        _ = try await store.write(serialized: false) {
            try $0.shipments.apply(
                TrackingUpdate(
                    shipmentID: original.id, events: [event(original.trackingNumber, hoursAgo: 0.5, raw: "Entregado", status: .delivered)],
                    estimatedDelivery: nil, checkedAt: fixtureNow.addingTimeInterval(3600), schedule: .standard))
        }
        #expect(try await store.read { try $0.cases.incidentHistory(id: incident.id) }.contains { $0.action == "doubleDelivery" })
    }

    @Test(arguments: StoreKind.all) func aBadSignatureIsRefusedAndRetriedLater(kind: StoreKind) async throws {
        let (store, executor, incident, _) = try await Self.setup(kind, secret: "wrong-secret", reshippable: false)
        let summary = try await executor.run(now: fixtureNow)
        #expect(summary.failed == 1 && summary.errors.first?.contains("HTTP 401") == true)
        let action = try #require(try await store.read { try $0.actions.actions(incidentId: incident.id, states: [.pending]) }.first)
        #expect(action.kind == .refund && action.attempts == 1 && (action.nextAttemptAt ?? .distantPast) > fixtureNow)
    }

    @Test(arguments: StoreKind.all) func staffActionsAreForStaffAndProposalsWaitForApproval(kind: StoreKind) async throws {
        let (store, _, incident, _) = try await Self.setup(kind)
        await #expect(throws: StoreError.self) {
            try await store.write {
                try $0.actions.requestAction(incidentId: incident.id, kind: .refund, amount: nil, state: .pending, actor: "mallory", at: fixtureNow)
            }
        }
        try await store.write { try $0.console.addStaff(StaffMember(name: "anna", displayName: "Anna"), actor: "t", at: fixtureNow) }
        let voucher = try await store.write {
            try $0.actions.requestAction(
                incidentId: incident.id, kind: .compensate, amount: Money(minorUnits: 1000, currency: "PLN"),
                state: .proposed, actor: "anna", at: fixtureNow)
        }
        #expect(voucher.state == .proposed)
        #expect(
            try await store.write(serialized: false) { try $0.actions.claimActions(now: fixtureNow, lease: 60, limit: 10) }.allSatisfy {
                $0.kind != .compensate
            })
        let approved = try await store.write {
            try $0.actions.requestAction(incidentId: incident.id, kind: .compensate, amount: nil, state: .pending, actor: "anna", at: fixtureNow)
        }
        #expect(approved.state == .pending && approved.id == voucher.id)
        let claimed = try await store.write(serialized: false) { try $0.actions.claimActions(now: fixtureNow, lease: 60, limit: 10) }
        #expect(claimed.map(\.kind) == [.compensate])
        // A second worker finds nothing while the lease runs, and everything once it ran out.
        #expect(try await store.write(serialized: false) { try $0.actions.claimActions(now: fixtureNow.addingTimeInterval(30), lease: 60, limit: 10) }.isEmpty)
        // (The policy's reship, leased by the first claim above, comes back too.)
        #expect(
            Set(
                try await store.write(serialized: false) { try $0.actions.claimActions(now: fixtureNow.addingTimeInterval(61), lease: 60, limit: 10) }.map(
                    \.kind)) == [.reship, .compensate])
    }
}

/// Finishing a reship and linking its replacement happen in one transaction; a backend reply the
/// store cannot accept becomes a failed action staff see, and the run goes on.
@Suite struct ReplacementAtomicityTests {
    @Test(arguments: StoreKind.all)
    func aReplacementOfAnotherOrderFailsTheActionForStaffAndLinksNothing(kind: StoreKind) async throws {
        // A simulator of its own: its first reship answers with replacement RS000000000001.
        let simulator = try await RunningSimulator.start(
            SimulatorOptions(
                port: 0, fixturesDirectory: PackagePaths.fixtures, carriersDirectory: PackagePaths.carriers, start: fixtureNow))
        defer { simulator.stop() }
        let store = try await kind.open()
        let number = "60000000000001"
        _ = try await store.write {
            try $0.shipments.importRows(
                [
                    ImportRow(line: 2, order: order("R-1"), carrier: "seur", trackingNumber: number),
                    ImportRow(line: 3, order: order("OTHER"), carrier: "seur", trackingNumber: "RS000000000001"),
                ],
                dryRun: false, actor: "t", at: fixtureNow)
        }
        let parcel = try #require(try await store.read { try $0.shipments.shipment(carrier: "seur", trackingNumber: number) })
        _ = try await store.write(serialized: false) {
            try $0.shipments.apply(
                TrackingUpdate(
                    shipmentID: parcel.id,
                    events: [
                        event(
                            number, hoursAgo: 1, raw: "Deterioro o extravío", status: .exception,
                            reason: .damagedOrLost)
                    ],
                    estimatedDelivery: nil, checkedAt: fixtureNow, schedule: .standard))
        }
        var config = ShopConfig.defaults
        config.workflows.webhookURL = simulator.baseURL + "/_sim/webhook/atomic"
        let templates = try NoticeTemplates()
        _ = try await IncidentEngine(
            store: store, config: config, registry: try CarrierRegistry.load(directory: PackagePaths.carriers),
            templates: templates
        ).run(now: fixtureNow)
        let incident = try #require(try await store.read { try $0.cases.incidents(IncidentFilter(kinds: [.damagedOrLost])) }.first)
        let executor = ActionExecutor(
            store: store, config: config, client: try HTTPClient(),
            composer: NoticeComposer(templates: templates, config: config, carrierNames: [:]),
            environment: ["SHOP_WEBHOOK_SECRET": "sim-webhook-secret"])
        let summary = try await executor.run(now: fixtureNow)
        #expect(summary.executed == 0 && summary.failed == 1, "\(summary)")
        #expect(summary.errors.first?.contains("RS000000000001 already belongs to order OTHER") == true, "\(summary.errors)")
        let action = try #require(try await store.read { try $0.actions.actions(incidentId: incident.id, states: []) }.first)
        #expect(action.state == .failed)
        #expect(try await store.read { try $0.shipments.shipments(ShipmentFilter(orderId: "R-1")) }.count == 1)
        #expect(try await store.read { try $0.cases.incidentHistory(id: incident.id) }.contains { $0.action == "actionFailed" })
        // It is not retried on its own: staff link the right replacement.
        #expect(try await executor.run(now: fixtureNow.addingTimeInterval(3600)).failed == 0)
    }

    @Test(arguments: StoreKind.all)
    func aReshipIsDoneOnlyTogetherWithItsReplacement(kind: StoreKind) async throws {
        let store = try await kind.open()
        _ = try await store.write {
            try $0.shipments.importRows(
                [
                    ImportRow(line: 2, order: order("T-1"), carrier: "seur", trackingNumber: "60000000000002"),
                    ImportRow(line: 3, order: order("T-2"), carrier: "seur", trackingNumber: "60000000000003"),
                ],
                dryRun: false, actor: "t", at: fixtureNow)
        }
        let parcel = try #require(try await store.read { try $0.shipments.shipment(carrier: "seur", trackingNumber: "60000000000002") })
        let trigger = IncidentTrigger(
            kind: .lost, subject: .shipment(id: parcel.id, orderId: "T-1", carrier: "seur", trackingNumber: "60000000000002"),
            evidence: "status:exception:lost", summary: "lost")
        guard
            case .opened(let incident) = try await store.write({
                try $0.cases.raise(
                    trigger, plan: IncidentPlanner(config: .defaults).plan(kind: .lost, value: nil, now: fixtureNow),
                    notice: nil, at: fixtureNow)
            })
        else { Issue.record("not opened"); return }
        let action = try await store.write {
            try $0.actions.requestAction(incidentId: incident.id, kind: .reship, amount: nil, state: .pending, actor: "policy", at: fixtureNow)
        }
        let promise = ReplacementPromise(config: .defaults)
        // The replacement number belongs to another order: nothing of the completion is kept.
        await #expect(throws: StoreError.self) {
            try await store.write {
                try $0.actions.completeAction(
                    id: action.id, result: "{}", notice: nil,
                    replacement: ReplacementLink(carrier: "seur", trackingNumber: "60000000000003", notice: nil, promise: promise),
                    at: fixtureNow)
            }
        }
        #expect(try await store.read { try $0.actions.actions(incidentId: incident.id, states: [.done]) }.isEmpty)
        try await store.write {
            try $0.actions.completeAction(
                id: action.id, result: "{}", notice: nil,
                replacement: ReplacementLink(carrier: "seur", trackingNumber: "60000000000009", notice: nil, promise: promise),
                at: fixtureNow)
        }
        #expect(try await store.read { try $0.actions.actions(incidentId: incident.id, states: [.done]) }.count == 1)
        #expect(
            try await store.read { try $0.shipments.shipments(ShipmentFilter(orderId: "T-1")) }.map(\.trackingNumber) == ["60000000000002", "60000000000009"])
    }
}
