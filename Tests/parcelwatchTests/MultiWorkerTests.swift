import CarrierSim
import Foundation
import ParcelCore
import ParcelOps
import ParcelStore
import TestSupport
import Testing

extension LoadTests {
    /// Three `parcelwatch sweep` workers on one PostgreSQL database share 5,000 shipments: each is
    /// checked once, and no event, case, refund or notice is duplicated.
    @Suite(.enabled(if: PostgresTestServer.isAvailable, "needs the PostgreSQL server `make test` starts"))
    struct MultiWorkerTests {
        @Test func threeWorkersShareFiveThousandShipmentsAndDuplicateNothing() async throws {
            let base = try await SharedSimulator.shared.baseURL()
            let sim = try SimControl(baseURL: base)
            let url = try await PostgresTestServer.freshDatabase("workers")
            let directory = try temporaryDirectory("workers")
            let prefix = String(format: "4%05d", ProcessInfo.processInfo.processIdentifier % 100_000)
            let numbers = (0..<5_000).map { prefix + String(format: "%08d", $0) }
            let damaged = Set(numbers.enumerated().filter { $0.offset % 100 == 0 }.map(\.element))
            try await sim.register(
                numbers.map { number in
                    ParcelScript(
                        carrier: "seur", number: number, timeline: [.init(afterHours: 0, fixture: damaged.contains(number) ? "damaged-or-lost" : "in-transit")])
                })
            let csv = try TestFiles.seurOrders(numbers, in: directory)
            // Refunds, reships and customer notices all go to one simulated shop backend of this test's own.
            let backend = "workers-\(prefix)"
            let (config, secrets) = try TestFiles.webhookConfig(url: "\(base)/_sim/webhook/\(backend)", secretEnv: "WORKERS_SECRET", in: directory)
            let now = "2026-11-20T12:00:00Z"
            let imported = try await CLIRun.run(["import", csv, "--db", url, "--now", now])
            #expect(imported.status == 0, "\(imported.stderr)")

            let sweep = [
                "sweep", "--db", url, "--config", config, "--now", now, "--carrier-endpoint", base, "--carrier-rate", "1000",
                "--page-size", "100", "--json",
            ]
            let workers = try (1...3).map { try CLIRun.start(sweep + ["--worker", "w\($0)"], environment: secrets) }
            var checked: [Int] = []
            let started = ContinuousClock.now
            for worker in workers {
                let (output, errors) = await worker.finishWithErrors()
                #expect(worker.terminationStatus == 0, "\(errors)")
                checked.append(((try? JSONSerialization.jsonObject(with: Data(output.utf8))) as? [String: Any])?["checked"] as? Int ?? -1)
            }
            print("3 workers, \(numbers.count) shipments: \(ContinuousClock.now - started), checked \(checked)")
            #expect(checked.allSatisfy { $0 > 0 }, "the work was not shared: \(checked)")

            // The carrier was asked about each parcel exactly once.
            var asked: [String: Int] = [:]
            let mine = Set(numbers)
            for request in try await sim.requests() where request.carrier == "seur" {
                if let number = request.number, mine.contains(number) { asked[number, default: 0] += 1 }
            }
            #expect(asked.count == numbers.count)
            #expect(asked.values.allSatisfy { $0 == 1 }, "asked twice: \(asked.filter { $0.value > 1 }.keys.sorted().prefix(5))")

            let store = try await Store.postgres(url)
            // Replacement parcels shipped by a worker that finished first may be checked by one still sweeping.
            let replacementsChecked = try await store.read { try $0.shipments.shipments(ShipmentFilter(carrier: "seur")) }
                .filter { $0.trackingNumber.hasPrefix("RS") && $0.lastCheckedAt != nil && !mine.contains($0.trackingNumber) }.count
            #expect(checked.reduce(0, +) == numbers.count + replacementsChecked, "each worker checked \(checked)")
            #expect(
                try await store.read { try $0.shipments.countDue(now: Date(timeIntervalSince1970: 1_795_176_000), all: false) } <= damaged.count,
                "only replacement parcels may still be due")
            let inTransit = try JSONDecoder().decode(
                TrackingReport.self, from: Data(contentsOf: URL(fileURLWithPath: PackagePaths.fixtures + "/seur/public/in-transit.expected.json")))
            for number in numbers.enumerated().filter({ $0.offset % 25 == 1 }).map(\.element) {
                let shipment = try #require(try await store.read { try $0.shipments.shipment(carrier: "seur", trackingNumber: number) })
                #expect(shipment.lastCheckedAt != nil && shipment.status == .inTransit)
                #expect(try await store.read { try $0.shipments.events(shipmentID: shipment.id) }.count == inTransit.events.count, "\(number)")
            }
            // Every worker added its requests to the shared counters /metrics reads.
            let fetches = try await store.read { try $0.reports.counters() }.first {
                $0.name == "parcelwatch_fetches_total" && $0.labels == ["carrier": "seur"]
            }
            #expect(fetches?.value == Double(numbers.count + replacementsChecked), "\(String(describing: fetches))")
            #expect(try await store.read { try $0.reports.counters() }.first { $0.name == "parcelwatch_sweeps_total" }?.value == 3)
            // One case per damaged parcel; one action per case, carried out once at the backend.
            let cases = try await store.read { try $0.cases.incidents(IncidentFilter(kinds: [.damagedOrLost])) }
            #expect(cases.count == damaged.count)
            #expect(Set(cases.compactMap(\.trackingNumber)) == damaged)
            var requests: [String: Int] = [:]
            for execution in try await sim.webhookExecutions(backend: backend) {
                if let key = execution["key"] as? String { requests[key, default: 0] += execution["requests"] as? Int ?? 0 }
            }
            let actions = try await store.read { try $0.actions.actions(incidentId: nil, states: []) }
            #expect(actions.count == damaged.count && Set(actions.map(\.incidentId)).count == actions.count)
            for action in actions {
                #expect(action.state == .done, "\(action.idempotencyKey) \(action.state)")
                #expect(requests[action.idempotencyKey] == 1, "\(action.idempotencyKey)")
            }
            // Every notice sent went to the backend once, and one request carried it.
            let sent = try await store.read { try $0.outbox.notices(.sent, limit: 20_000) }
            #expect(sent.count >= damaged.count)
            #expect(Set(sent.map(\.dedupeKey)).count == sent.count)
            for notice in sent {
                #expect(requests[notice.dedupeKey] == 1, "\(notice.dedupeKey)")
            }
        }
    }
}
