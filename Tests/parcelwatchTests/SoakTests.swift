import CarrierSim
import Foundation
import ParcelCore
import ParcelOps
import ParcelStore
import TestSupport
import Testing

extension LoadTests {
    /// Sweeps killed with SIGKILL at random moments (fetching, recording, sending a reship, delivering
    /// a notice), then one clean sweep: every invariant of the store still holds. `swift test` kills
    /// 5 times; `make soak` sets `SOAK_KILLS=50`.
    @Suite struct SoakTests {
        static let kills = Int(ProcessInfo.processInfo.environment["SOAK_KILLS"] ?? "") ?? 5

        @Test func randomKillsLoseAndDuplicateNothing() async throws {
            let base = try await SharedSimulator.shared.baseURL()
            let sim = try SimControl(baseURL: base)
            let directory = try temporaryDirectory("soak")
            let db = directory + "/p.sqlite"
            let numbers = (0..<40).map { "3\(String(format: "%05d%08d", ProcessInfo.processInfo.processIdentifier % 100_000, $0))" }
            try await sim.register(
                numbers.enumerated().map { index, number in
                    ParcelScript(carrier: "seur", number: number, timeline: [.init(afterHours: 0, fixture: index % 2 == 0 ? "damaged-or-lost" : "in-transit")])
                })
            for number in numbers { try await sim.addFault(StickyFault(carrier: "seur", number: number, fault: "delay=60")) }
            let csv = try TestFiles.seurOrders(numbers, in: directory, name: "Soak", language: "es")
            // Notices and reships go to the simulator's sink, which answers slowly: kills land mid-request.
            let (config, secrets) = try TestFiles.webhookConfig(url: "\(base)/_sim/webhook/soak?_fault=delay=150", secretEnv: "SOAK_SECRET", in: directory)
            let common = ["--db", db, "--config", config, "--carrier-endpoint", base, "--carrier-rate", "1000"]
            #expect(try await CLIRun.run(["import", csv, "--db", db, "--now", "2026-11-20T12:00:00Z"]).status == 0)

            var random = FuzzCorpus.Generator(seed: 0x50A4)
            for round in 0..<Self.kills {
                // Each round a little later on the clock, past the shipment, notice and action leases (10 minutes), so every stage reruns.
                let now = ISOTime.utc(Date(timeIntervalSince1970: 1_795_176_000 + Double(round) * 700))
                // The first round dies right after it opens its first case; the others at random.
                let armed = round == 0 ? ["PARCELWATCH_FAILPOINT": "case-opened"] : [:]
                let sweep = try CLIRun.start(["sweep", "--all", "--now", now] + common, environment: secrets.merging(armed) { $1 })
                try await Task.sleep(for: .milliseconds(Int.random(in: 50...1500, using: &random)))
                kill(sweep.processIdentifier, SIGKILL)
                _ = await sweep.finish()
                // Omissions, as the kill left them: every open case has the action its policy calls for.
                #expect(try await CaseActionCrashTests.omissions(db) == [], "after kill \(round)")
            }
            let final = try await CLIRun.run(["sweep", "--all", "--now", "2026-11-21T12:00:00Z", "--json"] + common, environment: secrets)
            #expect(final.status == 0, "\(final.stderr)")

            let store = try await Store.sqlite(path: db)
            // Every parcel has exactly its page's events, each once.
            for number in numbers {
                let shipment = try #require(try await store.read { try $0.shipments.shipment(carrier: "seur", trackingNumber: number) })
                let events = try await store.read { try $0.shipments.events(shipmentID: shipment.id) }
                #expect(Set(events.map(\.fingerprint)).count == events.count)
                #expect(!events.isEmpty)
            }
            // One open case per parcel and kind; each reship done once and carried out once.
            let cases = try await store.read { try $0.cases.incidents(IncidentFilter(kinds: [.damagedOrLost])) }
            #expect(cases.count == numbers.count / 2)
            #expect(Set(cases.compactMap(\.shipmentId)).count == cases.count)
            let actions = try await store.read { try $0.actions.actions(incidentId: nil, states: []) }
            #expect(Set(actions.map(\.idempotencyKey)).count == actions.count)
            for action in actions where action.state == .done {
                let executions = try await sim.webhookExecutions(key: action.idempotencyKey, backend: "soak")
                #expect(executions.count == 1, "\(action.idempotencyKey)")
            }
            // Each notice delivered is at the sink once (retried deliveries carry the same key).
            for notice in try await store.read({ try $0.outbox.notices(.sent, limit: 1000) }) {
                #expect(try await sim.webhookExecutions(key: notice.dedupeKey, backend: "soak").count == 1)
            }
            #expect(try await store.read { try $0.outbox.notices(.sent, limit: 1000) }.count >= numbers.count / 2)
            #expect(try await CaseActionCrashTests.omissions(db) == [])
        }
    }
}
