import CarrierSim
import Foundation
import ParcelCore
import ParcelOps
import ParcelStore
import Synchronization
import TestSupport
import Testing

/// Carriers' merchant APIs as sweeps meet them: credentials, refusals, quotas and batches, with
/// `parcelwatch sweep` run as a process against a simulator of its own (its auth and quota state
/// must not leak into other suites).
@Suite(.serialized) struct CarrierAccessTests {
    static let header = "order_id,customer_name,email,phone,language,postcode,value,currency,promised_date,paid_at,carrier,tracking_number"
    static let counter = Mutex<Int>(0)

    /// Fresh 11-digit numbers (DHL Parcel and GLS have no check digit there) no other test uses.
    static func numbers(_ count: Int, prefix: String) -> [String] {
        counter.withLock { value in
            (0..<count).map { _ in
                value += 1
                return prefix + String(format: "%02d%03d", ProcessInfo.processInfo.processIdentifier % 100, value)
            }
        }
    }

    /// A simulator of this test's own, its credentials, and a database with one order per number.
    struct Setup {
        let simulator: RunningSimulator
        let control: SimControl
        let environment: [String: String]
        let db: String
        let directory: String

        init(carrier: String, numbers: [String], known: [String]? = nil, carriersDirectory: String = PackagePaths.carriers) async throws {
            simulator = try await RunningSimulator.start(
                SimulatorOptions(
                    port: 0, fixturesDirectory: PackagePaths.fixtures, carriersDirectory: carriersDirectory, start: fixtureNow))
            control = try SimControl(baseURL: simulator.baseURL)
            environment = SimCredentials.environment(for: try CarrierRegistry.load(directory: carriersDirectory))
            directory = try temporaryDirectory("access")
            db = directory + "/p.sqlite"
            let rows = numbers.map { "A\($0),Anna Nowak,a\($0)@example.com,,pl,00-950,20.00,EUR,2026-12-20,2026-11-19T10:00:00Z,\(carrier),\($0)" }
            let csv = directory + "/orders.csv"
            try Data(([CarrierAccessTests.header] + rows).joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: csv))
            let imported = try await CLIRun.run(["import", csv, "--db", db, "--carriers", carriersDirectory, "--now", "2026-11-20T12:00:00Z"])
            #expect(imported.status == 0, "\(imported.stderr)")
            try await control.register(
                (known ?? numbers).map {
                    ParcelScript(carrier: carrier, number: $0, timeline: [.init(afterHours: 0, fixture: "in-transit")])
                })
        }

        /// One sweep as cron runs it, at `now`, with the simulator's credentials.
        func sweep(
            at now: String, carriersDirectory: String = PackagePaths.carriers, extra: [String] = [],
            environment override: [String: String]? = nil
        ) async throws -> (run: CLIRun, summary: [String: Any]) {
            let run = try await CLIRun.run(
                [
                    "sweep", "--db", db, "--carriers", carriersDirectory, "--carrier-endpoint", simulator.baseURL,
                    "--json", "--now", now,
                ] + extra, environment: override ?? environment)
            return (run, (try? JSONSerialization.jsonObject(with: Data(run.stdout.utf8))) as? [String: Any] ?? [:])
        }

        /// The requests the simulator logged for `carrier` (token requests are not carrier requests).
        func requests(_ carrier: String) async throws -> [SimControl.LoggedRequest] {
            try await control.requests().filter { $0.carrier == carrier && !($0.number ?? "").isEmpty }
        }

        /// `GET /_sim/auth` for one carrier and source.
        func auth(_ carrier: String, _ source: String) async throws -> [String: Any] {
            let data = try await control.get("/_sim/auth")
            let all = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
            return ((all[carrier] as? [String: Any])?[source] as? [String: Any]) ?? [:]
        }
    }

    @Test func anOAuthTokenIsFetchedOnceForTheWholeSweep() async throws {
        let numbers = ["1Z999AA10123456784", "1Z999AA10123456800", "1Z999AA10123456908", "1Z999AA10123457005"]
        let setup = try await Setup(carrier: "ups", numbers: numbers)
        defer { setup.simulator.stop() }
        let (run, summary) = try await setup.sweep(at: "2026-11-20T12:00:00Z")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(summary["changed"] as? Int == 4, "\(run.stdout)")
        let ups = try await setup.auth("ups", "official")
        #expect(ups["tokensIssued"] as? Int == 1 && ups["accepted"] as? Int == 4 && ups["rejected"] as? Int == 0, "\(ups)")
    }

    @Test func aCarrierAnsweringQuotaExceededIsPausedUntilItsWindowResets() async throws {
        let numbers = Self.numbers(4, prefix: "216456")
        let setup = try await Setup(carrier: "dhl", numbers: numbers)
        defer { setup.simulator.stop() }
        // The carrier's own count is stricter than the file's 250 a day: it answers 429 after two.
        try await setup.control.post("/_sim/quota", json: #"{"carrier": "dhl", "perDay": 2}"#)
        let (run, summary) = try await setup.sweep(at: "2026-11-20T12:00:00Z", extra: ["--carrier-rate", "dhl=50", "--concurrency", "1"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(summary["changed"] as? Int == 2, "\(run.stdout)")
        #expect((summary["errors"] as? [String: [String: Int]])?["dhl"]?["quotaExceeded"] == 1, "\(run.stdout)")
        #expect((summary["quotaPaused"] as? [String: String])?["dhl"] == "2026-11-21T00:00:00Z", "\(run.stdout)")
        let asked = try await setup.requests("dhl").count
        #expect(asked == 3)
        // Until midnight UTC nobody asks DHL; the next day the parcels are checked again.
        _ = try await setup.sweep(at: "2026-11-20T20:00:00Z", extra: ["--all"])
        #expect(try await setup.requests("dhl").count == asked)
    }

    @Test func aRevokedKeyOpensOneStaffCaseAndNoRetryStorm() async throws {
        let numbers = Self.numbers(5, prefix: "216454")
        let setup = try await Setup(carrier: "dhl", numbers: numbers)
        defer { setup.simulator.stop() }
        let first = try await setup.sweep(at: "2026-11-20T12:00:00Z", extra: ["--carrier-rate", "dhl=50"])
        #expect(first.summary["changed"] as? Int == 5, "\(first.run.stderr)")
        try await setup.control.post("/_sim/auth", json: #"{"carrier": "dhl", "revoke": true}"#)
        try await setup.control.clearRequests()
        let refused = try await setup.sweep(at: "2026-11-20T18:00:00Z", extra: ["--all", "--carrier-rate", "dhl=50"])
        #expect(refused.run.status == 0, "\(refused.run.stderr)")
        #expect(refused.summary["credentialsRejected"] as? [String] == ["dhl"], "\(refused.run.stdout)")
        // One refused request, then the carrier is left alone: no retries, no request per parcel.
        let asked = try await setup.requests("dhl")
        #expect(asked.count == 1, "\(asked.map { "\($0.path) \($0.status)" }) \(refused.run.stdout)")
        let errors = (refused.summary["errors"] as? [String: [String: Int]])?["dhl"] ?? [:]
        #expect(errors == ["credentialsRejected": 1, "skippedAfterRefusal": 4], "\(errors)")
        let cases = try await CLIRun.run(["incidents", "--db", setup.db, "--kind", "trackingBroken", "--json"])
        let open = (try? JSONSerialization.jsonObject(with: Data(cases.stdout.utf8))) as? [[String: Any]] ?? []
        #expect(open.count == 1 && open.first?["carrier"] as? String == "dhl", "\(cases.stdout) \(cases.stderr)")
        // The next sweep inside the cool-down asks DHL nothing at all.
        let paused = try await setup.sweep(at: "2026-11-20T18:10:00Z", extra: ["--all"])
        #expect(paused.run.status == 0)
        #expect(try await setup.requests("dhl").count == 1)
        let again = try await CLIRun.run(["incidents", "--db", setup.db, "--kind", "trackingBroken", "--json"])
        #expect(((try? JSONSerialization.jsonObject(with: Data(again.stdout.utf8))) as? [[String: Any]] ?? []).count == 1)
    }

    @Test func aDailyQuotaIsNeverExceededAcrossTwoProcesses() async throws {
        // DHL's file with a daily quota of 7, so the test spends it quickly.
        let carriers = try temporaryDirectory("quota-carriers")
        for name in try FileManager.default.contentsOfDirectory(atPath: PackagePaths.carriers) where name.hasSuffix(".yaml") {
            var text = try String(contentsOfFile: PackagePaths.carriers + "/" + name, encoding: .utf8)
            if name == "dhl.yaml" { text = text.replacingOccurrences(of: "per_day: 250", with: "per_day: 7") }
            try Data(text.utf8).write(to: URL(fileURLWithPath: carriers + "/" + name))
        }
        let numbers = Self.numbers(20, prefix: "216455")
        let setup = try await Setup(carrier: "dhl", numbers: numbers, carriersDirectory: carriers)
        defer { setup.simulator.stop() }
        async let one = setup.sweep(
            at: "2026-11-20T12:00:00Z", carriersDirectory: carriers,
            extra: ["--carrier-rate", "dhl=50", "--page-size", "5", "--worker", "one"])
        async let two = setup.sweep(
            at: "2026-11-20T12:00:00Z", carriersDirectory: carriers,
            extra: ["--carrier-rate", "dhl=50", "--page-size", "5", "--worker", "two"])
        let (first, second) = try await (one, two)
        #expect(first.run.status == 0 && second.run.status == 0, "\(first.run.stderr) \(second.run.stderr)")
        #expect(try await setup.requests("dhl").count == 7)
        let changed = (first.summary["changed"] as? Int ?? 0) + (second.summary["changed"] as? Int ?? 0)
        #expect(changed == 7)
        // Later the same day nothing more is asked, and the summary shows the day's budget spent (each
        // worker's own summary shows the count when it finished, which depends on the other's pace).
        let later = try await setup.sweep(at: "2026-11-20T20:00:00Z", carriersDirectory: carriers, extra: ["--carrier-rate", "dhl=50"])
        #expect(try await setup.requests("dhl").count == 7)
        #expect((later.summary["quotas"] as? [String: [String: String]])?["dhl"]?["day:2026-11-20"] == "7/7", "\(later.run.stdout)")
        let list = try await CLIRun.run(
            ["carriers", "list", "--db", setup.db, "--carriers", carriers, "--json", "--now", "2026-11-20T20:00:00Z"],
            environment: setup.environment)
        let rows = (try? JSONSerialization.jsonObject(with: Data(list.stdout.utf8))) as? [[String: Any]] ?? []
        let dhl = rows.first { $0["id"] as? String == "dhl" }
        let window = (dhl?["quotas"] as? [[String: Any]])?.first { $0["window"] as? String == "day:2026-11-20" }
        #expect(window?["used"] as? Int == 7 && window?["left"] as? Int == 0, "\(list.stdout) \(list.stderr)")
        let nextDay = try await setup.sweep(at: "2026-11-21T06:00:00Z", carriersDirectory: carriers, extra: ["--carrier-rate", "dhl=50"])
        #expect(nextDay.summary["checked"] as? Int == 7, "\(nextDay.run.stdout) \(nextDay.run.stderr)")
        #expect(try await setup.requests("dhl").count == 14)
    }

    @Test func aBatchWithOneUnknownNumberMarksOnlyThatParcel() async throws {
        let numbers = Self.numbers(3, prefix: "537009")
        let setup = try await Setup(carrier: "gls", numbers: numbers, known: Array(numbers.prefix(2)))
        defer { setup.simulator.stop() }
        let (run, summary) = try await setup.sweep(at: "2026-11-20T12:00:00Z")
        #expect(run.status == 0, "\(run.stderr)")
        // One request for the three parcels: GLS's official API is a batch source.
        let asked = try await setup.requests("gls")
        #expect(asked.count == 1, "\(asked.map { "\($0.path) \($0.number ?? "") \($0.status)" }) \(run.stdout)")
        #expect(summary["changed"] as? Int == 2, "\(run.stdout)")
        #expect((summary["errors"] as? [String: [String: Int]])?["gls"] == ["notFound": 1])
        let list = try await CLIRun.run(["shipments", "--db", setup.db, "--json"])
        let rows = (try? JSONSerialization.jsonObject(with: Data(list.stdout.utf8))) as? [[String: Any]] ?? []
        let unknown = rows.first { $0["trackingNumber"] as? String == numbers[2] }
        #expect(unknown?["status"] as? String == "pending")
        #expect(rows.filter { $0["status"] as? String == "inTransit" }.count == 2, "\(list.stdout)")
    }

    @Test func carriersCheckSaysPlainlyWhatIsWrongAndNeverPrintsASecret() async throws {
        let setup = try await Setup(carrier: "ups", numbers: [])
        defer { setup.simulator.stop() }
        let good = try await CLIRun.run(["carriers", "check", "ups", "--carrier-endpoint", setup.simulator.baseURL], environment: setup.environment)
        #expect(good.status == 0, "\(good.stdout) \(good.stderr)")
        #expect(good.stdout.contains("token: fetched") && good.stdout.contains("ok: "))
        var wrong = setup.environment
        wrong["UPS_CLIENT_SECRET"] = "not-the-secret-4711"
        let refused = try await CLIRun.run(["carriers", "check", "ups", "--carrier-endpoint", setup.simulator.baseURL, "--json"], environment: wrong)
        #expect(refused.status == 3)
        #expect(refused.stdout.contains("\"problem\" : \"credentialsRejected\""), "\(refused.stdout)")
        var missing = setup.environment
        missing.removeValue(forKey: "UPS_CLIENT_ID")
        let unset = try await CLIRun.run(["carriers", "check", "ups", "--carrier-endpoint", setup.simulator.baseURL], environment: missing)
        #expect(unset.status == 2 && unset.stdout.contains("UPS_CLIENT_ID"))
        let dead = try await CLIRun.run(["carriers", "check", "ups", "--carrier-endpoint", "http://127.0.0.1:1"], environment: setup.environment)
        #expect(dead.status == 3 && dead.stdout.contains("unreachable"))
        for run in [good, refused, unset, dead] {
            for secret in setup.environment.values + ["not-the-secret-4711", "simtok-"] {
                #expect(!run.stdout.contains(secret) && !run.stderr.contains(secret))
            }
        }
    }

    @Test func secretsAndTokensNeverReachOutputLogsOrTheStore() async throws {
        let ups = ["1Z999AA10123456784"]
        let setup = try await Setup(carrier: "ups", numbers: ups)
        defer { setup.simulator.stop() }
        let good = try await setup.sweep(at: "2026-11-20T12:00:00Z")
        #expect(good.summary["changed"] as? Int == 1, "\(good.run.stdout) \(good.run.stderr)")
        var wrong = setup.environment
        wrong["UPS_CLIENT_SECRET"] = "wrong-secret-0815"
        let refused = try await setup.sweep(at: "2026-11-20T18:00:00Z", extra: ["--all"], environment: wrong)
        let dead = try await CLIRun.run(
            [
                "sweep", "--db", setup.db, "--carrier-endpoint", "http://127.0.0.1:1", "--json", "--all",
                "--now", "2026-11-21T18:00:00Z",
            ], environment: setup.environment)
        let shipments = try await CLIRun.run(["shipments", "--db", setup.db, "--json"])
        let audit = try await CLIRun.run(["audit", "--db", setup.db, "--json"])
        let incidents = try await CLIRun.run(["incidents", "--db", setup.db, "--all", "--json"])
        let list = try await CLIRun.run(["carriers", "list", "--db", setup.db, "--json"], environment: setup.environment)
        var texts = [
            good.run.stdout, good.run.stderr, refused.run.stdout, refused.run.stderr, dead.stdout, dead.stderr,
            shipments.stdout, audit.stdout, incidents.stdout, list.stdout, list.stderr,
        ]
        for file in try FileManager.default.contentsOfDirectory(atPath: setup.directory) {
            texts.append(String(decoding: (FileManager.default.contents(atPath: setup.directory + "/" + file) ?? Data()), as: UTF8.self))
        }
        for text in texts {
            for secret in ["sim-ups-client-secret", "sim-ups-client-id", "wrong-secret-0815", "simtok-"] { #expect(!text.contains(secret)) }
        }
        #expect(refused.summary["credentialsRejected"] as? [String] == ["ups"], "\(refused.run.stdout)")
    }
}
