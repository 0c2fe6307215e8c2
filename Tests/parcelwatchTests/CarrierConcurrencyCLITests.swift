import Foundation
import TestSupport
import Testing

/// `parcelwatch sweep --carrier-concurrency` and `carriers: { ID: { concurrency: N } }` as a user
/// meets them: a bad value or an unknown carrier stops the sweep with exit 2 and says which.
@Suite struct CarrierConcurrencyCLITests {
    @Test func badOrUnknownOverridesExitTwoNamingTheValue() async throws {
        let directory = try temporaryDirectory("carrier-concurrency")
        let db = directory + "/p.sqlite"
        let unknown = try await CLIRun.run(["sweep", "--db", db, "--now", "2026-11-20T12:00:00Z", "--carrier-concurrency", "usp=3"])
        #expect(unknown.status == 2 && unknown.stderr.contains("'usp=3' names carrier 'usp'"), "\(unknown.stderr)")
        let zero = try await CLIRun.run(["sweep", "--db", db, "--now", "2026-11-20T12:00:00Z", "--carrier-concurrency", "seur=0"])
        #expect(zero.status == 2 && zero.stderr.contains("--carrier-concurrency 'seur=0' is not [ID=]N"), "\(zero.stderr)")
        let rate = try await CLIRun.run(["sweep", "--db", db, "--now", "2026-11-20T12:00:00Z", "--carrier-rate", "usp=3"])
        #expect(rate.status == 2 && rate.stderr.contains("names carrier 'usp'"), "\(rate.stderr)")

        let config = directory + "/parcelwatch.yaml"
        try Data("carriers:\n  usp: { concurrency: 8 }\n".utf8).write(to: URL(fileURLWithPath: config))
        let configured = try await CLIRun.run(["sweep", "--db", db, "--config", config, "--now", "2026-11-20T12:00:00Z"])
        #expect(configured.status == 2 && configured.stderr.contains("carriers.usp.concurrency"), "\(configured.stderr)")

        try Data("carriers:\n  seur: { concurrency: 8 }\n".utf8).write(to: URL(fileURLWithPath: config))
        let fine = try await CLIRun.run([
            "sweep", "--db", db, "--config", config, "--now", "2026-11-20T12:00:00Z", "--carrier-concurrency", "ups=12", "--json",
        ])
        #expect(fine.status == 0, "\(fine.stderr)")
    }
}
