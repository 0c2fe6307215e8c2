import CarrierSim
import Curl
import Foundation
import ParcelCore
import ParcelOps
import ParcelStore
import TestSupport
import Testing

extension LoadTests {
    /// A busy simulated week: 520 orders over three carriers with mixed fates (delivered, late,
    /// stuck, damaged or lost, failed attempts, address trouble, returns, never shipped) and
    /// failing answers, swept every 12 hours for seven days with incidents, reships, refunds and
    /// notices. Afterwards the store must tell one coherent story per order.
    @Suite struct BusyWeekTests {
        /// One scripted parcel: its carrier, its fate as fixture stages, and how long it was promised in.
        struct Fate {
            var carrier: String
            var stages: [(hours: Double, fixture: String)]
            var promisedInDays: Int
        }

        static let fates: [Fate] = [
            Fate(carrier: "seur", stages: [(0, "in-transit"), (54, "delivered")], promisedInDays: 4),
            Fate(carrier: "seur", stages: [(0, "in-transit"), (30, "damaged-or-lost")], promisedInDays: 4),
            Fate(carrier: "seur", stages: [(0, "in-transit")], promisedInDays: 3),  // stuck: stalled, lost
            Fate(carrier: "seur", stages: [(0, "in-transit"), (150, "delivered")], promisedInDays: 2),  // late, then delivered
            Fate(carrier: "seur", stages: [(0, "in-transit"), (30, "address-unknown"), (100, "delivered")], promisedInDays: 5),
            Fate(carrier: "seur", stages: [(0, "in-transit"), (30, "lost"), (120, "delivered")], promisedInDays: 5),  // reappears after reship
            Fate(carrier: "dhl-pl", stages: [(0, "in-transit"), (30, "failed-attempt"), (78, "delivered")], promisedInDays: 4),
            Fate(carrier: "dhl-pl", stages: [(0, "in-transit"), (30, "failed-attempt"), (100, "returned")], promisedInDays: 4),
            Fate(carrier: "dhl-pl", stages: [(0, "in-transit"), (100, "damaged")], promisedInDays: 3),
            Fate(carrier: "gls", stages: [(0, "in-transit"), (54, "parcelshop"), (100, "delivered")], promisedInDays: 3),
            Fate(carrier: "gls", stages: [(0, "in-transit"), (120, "delivered")], promisedInDays: 6),  // stalled, then moves on
            Fate(carrier: "gls", stages: [(0, "in-transit"), (30, "address-issue")], promisedInDays: 4),
        ]

        @Test func aBusyWeekTellsOneStoryPerOrder() async throws {
            let simulator = try await RunningSimulator.start(
                SimulatorOptions(
                    port: 0, fixturesDirectory: PackagePaths.fixtures, carriersDirectory: PackagePaths.carriers, start: fixtureNow))
            defer { simulator.stop() }
            let sim = try SimControl(baseURL: simulator.baseURL)
            // Public sources only (no credentials in this environment).
            let registry = try CarrierRegistry.load(directory: PackagePaths.carriers, credentials: CarrierCredentials(environment: [:]))
            let store = try await Store.sqlite(path: try temporaryDirectory("busy") + "/p.sqlite")
            for name in ["anna", "lucia", "marek"] {
                try await store.write {
                    try $0.console.addStaff(
                        StaffMember(name: name, displayName: name.capitalized, email: "\(name)@shop.example"), actor: "setup", at: fixtureNow)
                }
            }
            var rows: [ImportRow] = []
            var scripts: [ParcelScript] = []
            let prefix = ProcessInfo.processInfo.processIdentifier % 1000
            for index in 0..<520 {
                var shop = order(String(format: "B%04d", index), email: "c\(index)@example.com")
                shop.language = ["pl", "en", "es", "lt"][index % 4]
                // Cheap orders are replaced at once by the default policy; dear ones get a proposal.
                shop.value = Money(minorUnits: index % 5 == 0 ? 150_000 : 9_900, currency: "PLN")
                // Out of stock: a lost or damaged parcel of these is refunded, not reshipped.
                shop.reshippable = index % 7 != 0
                if index % 40 == 39 {
                    // Never shipped.
                    shop.promisedDate = CivilDate(fixtureNow, in: .gmt).adding(days: 4).description
                    rows.append(ImportRow(line: index + 2, order: shop, carrier: nil, trackingNumber: nil))
                    continue
                }
                let fate = Self.fates[index % Self.fates.count]
                shop.promisedDate = CivilDate(fixtureNow, in: .gmt).adding(days: fate.promisedInDays).description
                let number = fate.carrier == "seur" ? String(format: "7%03d%010d", prefix, index) : String(format: "5%03d%07d", prefix, index)
                rows.append(ImportRow(line: index + 2, order: shop, carrier: fate.carrier, trackingNumber: number))
                scripts.append(
                    ParcelScript(carrier: fate.carrier, number: number, timeline: fate.stages.map { .init(afterHours: $0.hours, fixture: $0.fixture) }))
                if index % 10 == 3 {
                    try await sim.addFault(
                        StickyFault(carrier: fate.carrier, number: number, fault: index % 20 == 3 ? "status=500" : "format-changed", count: 2))
                }
            }
            let imported = try await store.write { [rows] tx in try tx.shipments.importRows(rows, dryRun: false, actor: "setup", at: fixtureNow) }
            #expect(imported.allSatisfy { $0 == .imported }, "\(imported.filter { $0 != .imported })")
            try await sim.register(scripts)

            let backend = "busy-\(prefix)"
            let config = try ShopConfig.parse(
                yaml: """
                    notices: { channel: webhook, url: "\(simulator.baseURL)/_sim/webhook/\(backend)", secret_env: BUSY_SECRET }
                    workflows:
                      webhook: { url: "\(simulator.baseURL)/_sim/webhook/\(backend)", secret_env: BUSY_SECRET }
                    escalation: { lead: lucia }
                    """, file: "busy.yaml")
            let environment = ["BUSY_SECRET": "sim-webhook-secret"]
            let client = try HTTPClient()
            let templates = try NoticeTemplates()
            let names = Dictionary(registry.carriers.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
            let composer = NoticeComposer(templates: templates, config: config, carrierNames: names)
            let fetcher = CarrierFetcher(
                client: client, endpoints: try EndpointOverrides([simulator.baseURL]), credentials: CarrierCredentials(environment: [:]))
            let options = SweepOptions(retries: 0, rateOverrides: ["": 1000])
            for step in 0...14 {
                let now = fixtureNow.addingTimeInterval(Double(step) * 12 * 3600)
                let sweeper = Sweeper(
                    store: store, registry: registry, fetcher: fetcher, clock: .fixed(now), options: options,
                    incidents: IncidentEngine(store: store, config: config, registry: registry, templates: templates),
                    actions: ActionExecutor(store: store, config: config, client: client, composer: composer, environment: environment),
                    notices: NoticeDeliverer(store: store, config: config, defaultDirectory: "/nonexistent", environment: environment, client: client),
                    milestones: composer)
                _ = try await sweeper.run()
                try await sim.advance(hours: 12)
            }

            let cases = try await store.read { try $0.cases.incidents(IncidentFilter(openOnly: false)) }
            let parcels = Dictionary(uniqueKeysWithValues: try await store.read { try $0.shipments.shipments(ShipmentFilter()) }.map { ($0.id, $0) })
            let notices = try await store.read { try $0.outbox.notices(.all, limit: 1_000_000) }
            #expect(cases.count > 100, "the week should be eventful: \(cases.count) cases")
            #expect(cases.contains { $0.status == .resolvedByCarrier } && cases.contains { $0.status == .absorbed })

            // No open silence, lateness, loss, dispatch or failed-attempt case on a delivered parcel.
            let evidenceKinds: Set<IncidentKind> = [.stalled, .late, .lost, .notDispatched, .deliveryFailed]
            // (A case with a reship or refund under way or done stays open for staff, flagged: a double delivery to stop.)
            var stale: [Incident] = []
            for incident in cases
            where !incident.status.isClosed && evidenceKinds.contains(incident.kind)
                && incident.shipmentId.flatMap({ parcels[$0] })?.status == .delivered
            {
                if try await !store.read({ try $0.cases.incidentHistory(id: incident.id) }).contains(where: { $0.action == "flagged" }) {
                    stale.append(incident)
                }
            }
            #expect(stale.isEmpty, "\(stale.map { "\($0.id) \($0.kind) \($0.status)" })")

            // No parcel with two open customer-facing cases.
            let openFacing = Dictionary(grouping: cases.filter { !$0.status.isClosed && $0.customerFacing && $0.shipmentId != nil }, by: { $0.shipmentId ?? 0 })
            #expect(openFacing.values.filter { $0.count > 1 }.isEmpty, "\(openFacing.values.filter { $0.count > 1 }.map { $0.map(\.kind) })")

            // No problem notice to an order after its refund notice, nor about a parcel after its reship notice.
            let problems = Set(IncidentKind.allCases.map(\.rawValue))
            let byID = Dictionary(uniqueKeysWithValues: cases.map { ($0.id, $0) })
            let sent = notices.filter { $0.sentAt != nil }
            for refund in sent where refund.template == "refundIssued" {
                let after = sent.filter {
                    $0.orderId == refund.orderId && problems.contains($0.template) && ($0.sentAt ?? .distantPast) > (refund.sentAt ?? .distantFuture)
                }
                #expect(after.isEmpty, "order \(refund.orderId ?? "?") heard \(after.map(\.template)) after its refund")
            }
            for reship in sent where reship.template == "reshipSent" {
                guard let parcel = reship.incidentId.flatMap({ byID[$0]?.shipmentId }) else { continue }
                let after = sent.filter { notice in
                    problems.contains(notice.template) && notice.incidentId.flatMap { byID[$0]?.shipmentId } == parcel
                        && (notice.sentAt ?? .distantPast) > (reship.sentAt ?? .distantFuture)
                }
                #expect(after.isEmpty, "parcel \(parcel) heard \(after.map(\.template)) after its reship")
            }
            let tally = Dictionary(grouping: notices, by: { "\($0.template)\($0.sentAt == nil ? ($0.supersededAt == nil ? "/waiting" : "/superseded") : "")" })
                .mapValues(\.count)
            #expect(
                sent.contains { $0.template == "reshipSent" } && sent.contains { $0.template == "goodNews" }
                    && sent.contains { $0.template == "refundIssued" }, "\(tally.sorted { $0.key < $1.key })")

            // At most one escalation message per person per sweep.
            let escalations = notices.filter { $0.template == "escalation" }
            let perRun = Dictionary(grouping: escalations, by: { "\($0.recipient) \($0.createdAt.timeIntervalSince1970)" })
            #expect(!escalations.isEmpty && perRun.values.allSatisfy { $0.count == 1 }, "\(perRun.filter { $0.value.count > 1 }.keys)")
        }
    }
}
