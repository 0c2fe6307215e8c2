import CarrierSim
import Foundation
import ParcelCore
import ParcelOps
import ParcelStore
import TestSupport
import Testing

/// Hostile input at the edges: SQL-looking names and numbers, and secrets that must never show.
@Suite struct AbuseTests {
    @Test func sqlLookingInputIsJustText() async throws {
        let directory = try temporaryDirectory("abuse")
        let db = directory + "/p.sqlite"
        let csv = directory + "/orders.csv"
        try Data(
            """
            order_id,customer_name,email,phone,language,postcode,value,currency,promised_date,paid_at,carrier,tracking_number
            "1; DELETE FROM shipments",Robert'); DROP TABLE orders;--,bobby@example.com,,en,SW1A 1AA,10,GBP,,,seur,12345678901234
            X2,Eve,eve@example.com,,en,SW1A 1AA,10,GBP,,,seur,12345678901234' OR '1'='1
            """.utf8
        ).write(to: URL(fileURLWithPath: csv))
        let imported = try await CLIRun.run(["import", csv, "--db", db, "--json"])
        #expect(imported.stdout.contains("\"imported\" : 1") && imported.stdout.contains("invalid tracking number"))
        let found = try await CLIRun.run(["find", "Robert'); DROP", "--db", db, "--json"])
        #expect(found.status == 0 && found.stdout.contains("1; DELETE FROM shipments"))
        let shipments = try await CLIRun.run(["shipments", "--db", db, "--json"])
        #expect(shipments.stdout.contains("12345678901234"))
        #expect(try await CLIRun.run(["find", "%", "--db", db]).status == 1)  // LIKE wildcards are escaped
    }

    @Test func secretsNeverReachTheOutputOrTheStore() async throws {
        let base = try await SharedSimulator.shared.baseURL()
        let number = "1Z999AA10123456784"
        try await SimControl(baseURL: base).register([ParcelScript(carrier: "ups", number: number, timeline: [.init(afterHours: 0, fixture: "in-transit")])])
        let directory = try temporaryDirectory("secrets")
        let db = directory + "/p.sqlite"
        let csv = directory + "/orders.csv"
        try Data(
            """
            order_id,customer_name,email,phone,language,postcode,value,currency,promised_date,paid_at,carrier,tracking_number
            S1,Sam,sam@example.com,,en,10001,10,USD,,,ups,\(number)
            """.utf8
        ).write(to: URL(fileURLWithPath: csv))
        #expect(try await CLIRun.run(["import", csv, "--db", db, "--now", "2026-11-20T12:00:00Z"]).status == 0)
        // UPS's OAuth client id and secret, as the simulator accepts them; the token it issues is secret too.
        let environment = SimCredentials.environment(for: try CarrierRegistry.load(directory: PackagePaths.carriers))
        let good = try await CLIRun.run(
            ["sweep", "--db", db, "--carrier-endpoint", base, "--json", "--now", "2026-11-20T12:00:00Z"],
            environment: environment)
        // A dead endpoint makes every error path print too.
        let dead = try await CLIRun.run(
            ["sweep", "--db", db, "--carrier-endpoint", "http://127.0.0.1:1", "--json", "--all", "--now", "2026-11-20T18:00:00Z"],
            environment: environment)
        let shipments = try await CLIRun.run(["shipments", "--db", db, "--json"])
        let audit = try await CLIRun.run(["audit", "--db", db, "--json"])
        let dump = try Data(contentsOf: URL(fileURLWithPath: db))
        for text in [good.stdout, good.stderr, dead.stdout, dead.stderr, shipments.stdout, audit.stdout, String(decoding: dump, as: UTF8.self)] {
            for secret in [environment["UPS_CLIENT_ID"] ?? "?", environment["UPS_CLIENT_SECRET"] ?? "?", "simtok-"] { #expect(!text.contains(secret)) }
        }
        #expect(good.stdout.contains("\"changed\" : 1"), "\(good.stderr)")
        #expect(dead.stdout.contains("\"connect\""))
    }
}
