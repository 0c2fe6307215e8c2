import CarrierSim
import Foundation
import ParcelCore
import ParcelOps
import ParcelStore
import TestSupport
import Testing

/// A sweep killed just after it opened a case: the case's policy action (a reship proposal, a
/// refund) must be there too, since they commit together; and a store a crash left with a case
/// but no action (an older version's crash) gets the action at the next sweep, exactly once.
@Suite(.serialized) struct CaseActionCrashTests {
    /// Damaged parcels whose policy proposes or acts: a refund above the approval limit, a reship.
    static func setup(_ label: String) async throws -> (db: String, common: [String], numbers: [String]) {
        let base = try await SharedSimulator.shared.baseURL()
        let sim = try SimControl(baseURL: base)
        let directory = try temporaryDirectory(label)
        let db = directory + "/p.sqlite"
        let numbers = (0..<3).map { "5\(String(format: "%05d%08d", ProcessInfo.processInfo.processIdentifier % 100_000, $0))" }
        try await sim.register(numbers.map { ParcelScript(carrier: "seur", number: $0, timeline: [.init(afterHours: 0, fixture: "damaged-or-lost")]) })
        let csv = try TestFiles.seurOrders(numbers, in: directory, name: label, language: "es")
        #expect(try await CLIRun.run(["import", csv, "--db", db, "--now", "2026-11-20T12:00:00Z"]).status == 0)
        return (db, ["--db", db, "--carrier-endpoint", base, "--carrier-rate", "1000"], numbers)
    }

    /// Every open case whose policy calls for an action, and how many actions it has.
    static func omissions(_ db: String) async throws -> [String] {
        try await check(db).missing
    }

    /// The open cases whose policy calls for an action, and those of them without exactly one.
    static func check(_ db: String) async throws -> (needing: Int, missing: [String]) {
        let store = try await Store.sqlite(path: db)
        let policy = ShopConfig.defaults.workflows
        var missing: [String] = [], needing = 0
        for incident in try await store.read({ try $0.cases.incidents(IncidentFilter()) }) where !incident.status.isClosed {
            guard let orderId = incident.orderId, let order = try await store.read({ try $0.shipments.order(id: orderId) }) else { continue }
            let actions = try await store.read { try $0.actions.actions(incidentId: incident.id, states: []) }
            switch policy.decide(kind: incident.kind, order: order) {
            case .act(let kind), .propose(let kind):
                needing += 1
                if actions.filter({ $0.kind == kind }).count != 1 {
                    missing.append("incident \(incident.id) \(incident.kind.rawValue): \(actions.count) \(kind.rawValue) action(s)")
                }
            case .wait: break
            }
        }
        return (needing, missing)
    }

    @Test func killedRightAfterOpeningACaseLeavesItsActionToo() async throws {
        let (db, common, _) = try await Self.setup("case-crash")
        let killed = try await CLIRun.run(
            ["sweep", "--now", "2026-11-20T13:00:00Z"] + common, environment: ["PARCELWATCH_FAILPOINT": "case-opened"])
        #expect(killed.status != 0, "the failpoint must have killed the sweep")
        let store = try await Store.sqlite(path: db)
        #expect(try await store.read { try $0.cases.incidents(IncidentFilter()) }.count == 1, "the sweep died at its first case")
        // No sweep ran since: what the crash left must already be whole.
        let (needing, missing) = try await Self.check(db)
        #expect(needing == 1, "the damaged parcel's policy calls for an action")
        #expect(missing == [])
    }

    @Test func aCaseLeftWithoutItsActionGetsItAtTheNextSweepOnce() async throws {
        let (db, common, numbers) = try await Self.setup("case-repair")
        #expect(try await CLIRun.run(["sweep", "--now", "2026-11-20T13:00:00Z"] + common).status == 0)
        // What an older version's crash between the two commits left: cases, no actions.
        let store = try await Store.sqlite(path: db)
        _ = try await store.unchecked { db in try db.execute(sql: "DELETE FROM actions") }
        #expect(try await Self.omissions(db).count == numbers.count)
        for hour in [14, 15] {
            #expect(try await CLIRun.run(["sweep", "--now", "2026-11-20T\(hour):00:00Z"] + common).status == 0)
            #expect(try await Self.omissions(db) == [], "after the sweep at \(hour):00")
        }
        let history = try await store.read { try $0.console.auditLog(limit: 200) }
        #expect(history.filter { $0.action == "action.repaired" }.count == numbers.count, "one repair per case, at the first sweep only")
    }

    /// The repair reads the cases page by page: with one case a page, one run still repairs all.
    @Test func theRepairReachesEveryPage() async throws {
        let (db, common, numbers) = try await Self.setup("case-repair-pages")
        #expect(try await CLIRun.run(["sweep", "--now", "2026-11-20T13:00:00Z"] + common).status == 0)
        let store = try await Store.sqlite(path: db)
        _ = try await store.unchecked { db in try db.execute(sql: "DELETE FROM actions") }
        let registry = try CarrierRegistry.load(directory: PackagePaths.carriers, credentials: CarrierCredentials(environment: [:]))
        let engine = IncidentEngine(store: store, config: .defaults, registry: registry, templates: try NoticeTemplates(), pageSize: 1)
        let summary = try await engine.run(now: try #require(ISOTime.parse("2026-11-20T14:00:00Z")))
        #expect(summary.repairedActions == numbers.count)
        #expect(try await Self.omissions(db) == [])
    }
}
