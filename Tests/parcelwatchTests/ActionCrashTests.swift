import Curl
import Foundation
import ParcelCore
import ParcelOps
import ParcelStore
import TestSupport
import Testing

/// A refund sent to the shop's backend, then the sweep killed with SIGKILL before it could record
/// the answer: the next sweep sends the same Idempotency-Key, and the backend carries it out once.
@Suite struct ActionCrashTests {
    @Test func killedBetweenSendingAndRecordingTheRefundRunsOnce() async throws {
        let base = try await SharedSimulator.shared.baseURL()
        let directory = try temporaryDirectory("crash")
        let db = directory + "/p.sqlite"
        let store = try await Store.sqlite(path: db)
        let number = "4\(String(format: "%013d", Int.random(in: 0..<9_999_999_999_999)))"
        var theOrder = order("K-\(number)", value: 90_000)  // 900 PLN: proposed, then approved by staff
        theOrder.reshippable = false
        _ = try await store.write { [theOrder] tx in
            try tx.shipments.importRows(
                [ImportRow(line: 2, order: theOrder, carrier: "seur", trackingNumber: number)], dryRun: false, actor: "t", at: fixtureNow)
        }
        let parcel = try #require(try await store.read { try $0.shipments.shipment(carrier: "seur", trackingNumber: number) })
        _ = try await store.write(serialized: false) {
            try $0.shipments.apply(
                TrackingUpdate(
                    shipmentID: parcel.id, events: [event(number, hoursAgo: 1, raw: "Extraviado", status: .exception, reason: .lost)],
                    estimatedDelivery: nil, checkedAt: fixtureNow, schedule: .standard))
        }
        _ = try await IncidentEngine(store: store, config: .defaults, registry: try CarrierRegistry.load(directory: PackagePaths.carriers)).run(now: fixtureNow)
        let incident = try #require(try await store.read { try $0.cases.incidents(IncidentFilter(kinds: [.lost])) }.first)
        try await store.write { try $0.console.addStaff(StaffMember(name: "anna", displayName: "Anna"), actor: "t", at: fixtureNow) }

        // The backend answers only after 10 s, long after it has carried the refund out: the kill
        // below must land inside that window even when a loaded machine is slow to poll (4 s was not).
        let config = directory + "/parcelwatch.yaml"
        try Data(
            """
            workflows:
              webhook: { url: "\(base)/_sim/webhook?_fault=delay=10000", secret_env: CRASH_TEST_SECRET }
            """.utf8
        ).write(to: URL(fileURLWithPath: config))
        let common = ["--db", db, "--config", config, "--carrier-endpoint", base]
        #expect(
            try await CLIRun.run(["incident", "approve", String(incident.id), "--as", "anna"] + common.prefix(4) + ["--now", "2026-11-20T12:00:00Z"])
                .status == 0)

        let secret = ["CRASH_TEST_SECRET": "sim-webhook-secret"]
        let sweep = try CLIRun.start(["sweep"] + common + ["--now", "2026-11-20T12:00:00Z"], environment: secret)
        let key = "incident-\(incident.id)-refund"
        var sent = false
        for _ in 0..<600 {  // up to 30 s for a loaded machine to start the sweep
            try await Task.sleep(for: .milliseconds(50))
            if try await SimControl(baseURL: base).webhookExecutions(key: key).isEmpty == false { sent = true; break }
        }
        #expect(sent)
        kill(sweep.processIdentifier, SIGKILL)
        _ = await sweep.finish()
        #expect(try await store.read { try $0.actions.actions(incidentId: incident.id, states: [.sending]) }.count == 1)

        // Five minutes later the lease has run out: the next sweep sends the same key again.
        let again = try await CLIRun.run(["sweep", "--json"] + common + ["--now", "2026-11-20T12:06:00Z"], environment: secret)
        #expect(again.status == 0, "\(again.stderr)")
        let executions = try await SimControl(baseURL: base).webhookExecutions(key: key)
        #expect(executions.count == 1 && executions.first?["requests"] as? Int == 2)
        #expect(try await store.read { try $0.actions.actions(incidentId: incident.id, states: [.done]) }.count == 1)
        #expect(
            try await store.read { try $0.console.auditLog(limit: 50, subject: "incident:\(incident.id)") }.filter { $0.action == "action.done" }.count == 1)
        #expect(try await store.read { try $0.outbox.notices(.all, limit: 20) }.filter { $0.template == "refundIssued" }.count == 1)
    }
}
