import CarrierSim
import Curl
import Foundation
import ParcelCore
import ParcelOps
import ParcelStore
import Synchronization
import TestSupport
import Testing

/// `parcelwatch import`, `sweep` and `shipments` run as processes, as cron would run them.
@Suite struct SweepCLITests {
    static let counter = Mutex<Int>(0)
    static let header = "order_id,customer_name,email,phone,language,postcode,value,currency,promised_date,paid_at,carrier,tracking_number"

    /// Fresh SEUR-shaped numbers (SEUR has no check digit) no other test uses.
    static func numbers(_ count: Int) -> [String] {
        counter.withLock { value in
            (0..<count).map { _ in
                value += 1
                return String(format: "6%05d%08d", ProcessInfo.processInfo.processIdentifier % 100_000, value)
            }
        }
    }

    /// An order file with one SEUR shipment per number, in a fresh directory with its database path.
    static func orderFile(_ numbers: [String]) throws -> (csv: String, db: String) {
        let directory = try temporaryDirectory("cli")
        let rows = numbers.enumerated().map { index, number in
            "C\(number),\"García, Juan\",juan\(index)@example.es,+34600000000,es,28001,59.90,EUR,2026-11-24,2026-11-18T10:00:00+01:00,seur,\(number)"
        }
        let csv = directory + "/orders.csv"
        try Data(([header] + rows).joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: csv))
        return (csv, directory + "/parcelwatch.sqlite")
    }

    static func json(_ text: String) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
    }

    @Test func importIsIdempotentAndReportsBadRows() async throws {
        let (csv, db) = try Self.orderFile(Self.numbers(3))
        var text = try String(contentsOfFile: csv, encoding: .utf8)
        text += "\nC9,Bad,bad@example.com,,es,28001,1,EUR,2026-11-31,,seur,123\n"
        try Data(text.utf8).write(to: URL(fileURLWithPath: csv))
        let dry = try await CLIRun.run(["import", csv, "--db", db, "--dry-run", "--json"])
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(Self.json(dry.stdout)["imported"] as? Int == 3 && Self.json(dry.stdout)["dryRun"] as? Bool == true)
        let first = try await CLIRun.run(["import", csv, "--db", db, "--json"])
        let summary = Self.json(first.stdout)
        #expect(summary["imported"] as? Int == 3 && summary["unchanged"] as? Int == 0)
        let rejected = summary["rejected"] as? [[String: Any]] ?? []
        #expect(rejected.count == 1 && rejected.first?["line"] as? Int == 5)
        #expect((rejected.first?["reason"] as? String)?.hasPrefix("bad date: promised_date '2026-11-31'") == true)
        let second = try await CLIRun.run(["import", csv, "--db", db, "--json"])
        #expect(Self.json(second.stdout)["imported"] as? Int == 0 && Self.json(second.stdout)["unchanged"] as? Int == 3)

        let list = try await CLIRun.run(["shipments", "--db", db, "--json"])
        let rows = (try? JSONSerialization.jsonObject(with: Data(list.stdout.utf8))) as? [[String: Any]] ?? []
        #expect(rows.count == 3)
        #expect(Set((rows.first ?? [:]).keys).isSuperset(of: ["carrier", "trackingNumber", "orderId", "status", "reason", "lastEventAt", "nextCheckAt"]))

        let unusable = try await CLIRun.run(["shipments", "--db", "/nonexistent-dir/p.sqlite"])
        #expect(unusable.status == 4 && unusable.stderr.contains("does not exist"))
        let missing = try await CLIRun.run(["import", "/nonexistent-dir/orders.csv", "--db", db])
        #expect(missing.status == 2)
    }

    @Test func addTakesOneOrderAndItsNumbers() async throws {
        let db = try temporaryDirectory("cli") + "/p.sqlite"
        let numbers = Self.numbers(2)
        let (first, second) = (numbers[0], numbers[1])
        let new = try await CLIRun.run([
            "add", "--db", db, "--order", "A1", "--name", "Anna Nowak", "--email", "anna@example.com", "--postcode", "00-950",
            "--language", "pl", "--value", "129.99", "--currency", "PLN", "--carrier", "seur", first,
        ])
        #expect(new.status == 0, "\(new.stderr)")
        let more = try await CLIRun.run(["add", "--db", db, "--order", "A1", "--carrier", "seur", second, "--json"])
        #expect(Self.json(more.stdout)["imported"] as? Int == 1, "\(more.stderr)")
        let bad = try await CLIRun.run(["add", "--db", db, "--order", "A1", "RR123456784PL"])
        #expect(bad.status == 2 && bad.stderr.contains("check digit expected 5, got 4"))
    }

    @Test func unmappedStatusesComeFromTheStoreWhenNoFileIsGiven() async throws {
        let db = try temporaryDirectory("cli") + "/p.sqlite"
        let store = try await Store.sqlite(path: db)
        let number = Self.numbers(1)[0]
        let order = Order(
            id: "U1", customerName: "Ana", email: "ana@example.es", phone: nil, language: "es", postcode: "28001",
            value: Money(minorUnits: 100, currency: "EUR"), promisedDate: nil, paidAt: nil, reshippable: true)
        _ = try await store.write {
            try $0.shipments.importRows([ImportRow(line: 2, order: order, carrier: "seur", trackingNumber: number)], dryRun: false, actor: "t", at: fixtureNow)
        }
        let shipment = try #require(try await store.read { try $0.shipments.shipment(carrier: "seur", trackingNumber: number) })
        let unknown = TrackingEvent(
            carrier: "seur", trackingNumber: number, time: CarrierTime(date: fixtureNow, offsetSeconds: 3600),
            rawStatus: "Situación desconocida", rawCode: "X999", status: .unknown, reason: nil, location: nil)
        _ = try await store.write(serialized: false) {
            try $0.shipments.apply(
                TrackingUpdate(
                    shipmentID: shipment.id, events: [unknown], estimatedDelivery: nil, checkedAt: fixtureNow, schedule: .standard))
        }
        let run = try await CLIRun.run(["carriers", "unmapped", "--db", db, "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let rows = (try? JSONSerialization.jsonObject(with: Data(run.stdout.utf8))) as? [[String: Any]] ?? []
        #expect(rows.count == 1 && rows.first?["rawStatus"] as? String == "Situación desconocida" && rows.first?["count"] as? Int == 1)
    }

    /// Sweeps with every carrier answer slowed down, kills the process with SIGKILL mid-sweep,
    /// sweeps again: every committed event survives and none is duplicated.
    @Test func aSweepKilledMidwayLosesAndDuplicatesNothing() async throws {
        let numbers = Self.numbers(40)
        let (csv, db) = try Self.orderFile(numbers)
        let base = try await SharedSimulator.shared.baseURL()
        let sim = try SimControl(baseURL: base)
        try await sim.register(numbers.map { ParcelScript(carrier: "seur", number: $0, timeline: [.init(afterHours: 0, fixture: "in-transit")]) })
        for number in numbers { try await sim.addFault(StickyFault(carrier: "seur", number: number, fault: "delay=400")) }
        #expect(try await CLIRun.run(["import", csv, "--db", db, "--now", "2026-11-20T12:00:00Z"]).status == 0)
        let store = try await Store.sqlite(path: db)

        let sweep = ["sweep", "--db", db, "--now", "2026-11-20T12:00:00Z", "--carrier-endpoint", base, "--carrier-rate", "1000", "--json"]
        let process = try CLIRun.start(sweep)
        var committed: [Int64: Set<String>] = [:]
        for _ in 0..<200 {
            try await Task.sleep(for: .milliseconds(25))
            let done = try await store.read { try $0.shipments.shipments(ShipmentFilter()) }.filter { $0.lastCheckedAt != nil }
            if done.count >= 8 { break }
        }
        kill(process.processIdentifier, SIGKILL)
        _ = await process.finish()
        #expect(process.terminationReason == .uncaughtSignal)
        for shipment in try await store.read({ try $0.shipments.shipments(ShipmentFilter()) }) {
            committed[shipment.id] = Set(try await store.read { try $0.shipments.events(shipmentID: shipment.id) }.map(\.fingerprint))
        }
        let checkedBeforeKill = committed.values.filter { !$0.isEmpty }.count
        #expect(checkedBeforeKill >= 1 && checkedBeforeKill < numbers.count, "killed after \(checkedBeforeKill) shipments")

        // The dead worker's leases hold what it had claimed for --lease (10 minutes): a sweep at once takes none of it,
        let early = try await CLIRun.run(sweep)
        #expect(early.status == 0 && Self.json(early.stdout)["checked"] as? Int == 0, "\(early.stdout)")
        // and once they have run out, the next sweep checks exactly what was left.
        let later = sweep.map { $0 == "2026-11-20T12:00:00Z" ? "2026-11-20T12:11:00Z" : $0 }
        let rerun = try await CLIRun.run(later)
        #expect(rerun.status == 0, "\(rerun.stderr)")
        #expect(Self.json(rerun.stdout)["checked"] as? Int == numbers.count - checkedBeforeKill)
        // Fetch everything once more, unconditionally: still no duplicates.
        #expect(try await CLIRun.run(later + ["--all"]).status == 0)

        let expected = try JSONDecoder().decode(
            TrackingReport.self, from: Data(contentsOf: URL(fileURLWithPath: PackagePaths.fixtures + "/seur/public/in-transit.expected.json")))
        for shipment in try await store.read({ try $0.shipments.shipments(ShipmentFilter()) }) {
            let events = try await store.read { try $0.shipments.events(shipmentID: shipment.id) }
            #expect(events.count == expected.events.count, "\(shipment.trackingNumber)")
            #expect(Set(events.map(\.fingerprint)).count == events.count)
            #expect(committed[shipment.id, default: []].isSubset(of: Set(events.map(\.fingerprint))))
            #expect(shipment.status == .inTransit)
        }
        // Each finished sweep folded what it changed into the report's summaries, in the shop's zone.
        let (waiting, folded, zone) = try await store.unchecked { db in
            (
                try db.scalar(Int.self, sql: "SELECT COUNT(*) FROM report_dirty"), try db.scalar(Int.self, sql: "SELECT COUNT(*) FROM report_facts"),
                try db.scalar(String.self, sql: "SELECT time_zone FROM report_state")
            )
        }
        #expect(waiting == 0 && folded == numbers.count && zone == ShopConfig.defaults.timeZone.identifier)
    }

    /// `--every` sweeps again and again until SIGTERM, which ends it with exit 0.
    @Test func everyRepeatsUntilTerminated() async throws {
        let numbers = Self.numbers(2)
        let (csv, db) = try Self.orderFile(numbers)
        let base = try await SharedSimulator.shared.baseURL()
        try await SimControl(baseURL: base).register(
            numbers.map { ParcelScript(carrier: "seur", number: $0, timeline: [.init(afterHours: 0, fixture: "in-transit")]) })
        #expect(try await CLIRun.run(["import", csv, "--db", db, "--now", "2026-11-20T12:00:00Z"]).status == 0)
        let process = try CLIRun.start(["sweep", "--every", "0.3s", "--db", db, "--carrier-endpoint", base, "--json"])
        let store = try await Store.sqlite(path: db)
        for _ in 0..<200 {
            try await Task.sleep(for: .milliseconds(50))
            if try await store.read({ try $0.console.auditLog(limit: 10) }).filter({ $0.action == "sweep" }).count >= 3 { break }
        }
        kill(process.processIdentifier, SIGTERM)
        let output = await process.finish()
        #expect(process.terminationStatus == 0)
        #expect(output.components(separatedBy: "\"checked\"").count - 1 >= 3, "\(output)")
        #expect(try await store.read { try $0.console.auditLog(limit: 10) }.filter { $0.action == "sweep" }.count >= 3)
    }

    /// SIGTERM finishes the shipments in flight, commits them, prints the summary and exits 0.
    @Test func sigtermFinishesInFlightWorkAndExitsZero() async throws {
        let numbers = Self.numbers(30)
        let (csv, db) = try Self.orderFile(numbers)
        let base = try await SharedSimulator.shared.baseURL()
        let sim = try SimControl(baseURL: base)
        try await sim.register(numbers.map { ParcelScript(carrier: "seur", number: $0, timeline: [.init(afterHours: 0, fixture: "in-transit")]) })
        for number in numbers { try await sim.addFault(StickyFault(carrier: "seur", number: number, fault: "delay=150")) }
        #expect(try await CLIRun.run(["import", csv, "--db", db, "--now", "2026-11-20T12:00:00Z"]).status == 0)
        let store = try await Store.sqlite(path: db)
        let process = try CLIRun.start([
            "sweep", "--db", db, "--now", "2026-11-20T12:00:00Z", "--carrier-endpoint", base,
            "--carrier-rate", "1000", "--concurrency", "2", "--json",
        ])
        for _ in 0..<200 {
            try await Task.sleep(for: .milliseconds(25))
            if try await store.read({ try $0.shipments.shipments(ShipmentFilter()) }).contains(where: { $0.lastCheckedAt != nil }) { break }
        }
        kill(process.processIdentifier, SIGTERM)
        let output = await process.finish()
        #expect(process.terminationStatus == 0)
        let summary = Self.json(output)
        #expect(summary["interrupted"] as? Bool == true)
        let checked = summary["checked"] as? Int ?? -1
        #expect(checked > 0 && checked < numbers.count)
        let stored = try await store.read { try $0.shipments.shipments(ShipmentFilter()) }.filter { $0.lastCheckedAt != nil }
        #expect(stored.count == checked)
    }
}
