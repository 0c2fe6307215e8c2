import CarrierSim
import Foundation
import ParcelCore
import ParcelOps
import ParcelStore
import TestSupport
import Testing

/// Runs the built `parcelwatch` binary as a user would.
struct CLIRun {
    var status: Int32
    var stdout: String
    var stderr: String

    /// Runs the binary (or `executable`) with `arguments` to its end, on a thread of its own:
    /// a test never blocks one of the few threads of Swift's cooperative pool while a child
    /// runs (two on this project's machine), where it would hold up every other test's
    /// continuations, such as a curl transfer's timeout being reported.
    static func run(
        _ arguments: [String], executable: String? = nil, directory: String = PackagePaths.root, environment: [String: String] = [:]
    ) async throws -> CLIRun {
        let process = try start(arguments, executable: executable, directory: directory, environment: environment)
        let (stdout, stderr) = await process.finishWithErrors()
        return CLIRun(status: process.terminationStatus, stdout: stdout, stderr: stderr)
    }

    /// `run` for another program (`["python3", "script.py"]`), found on the PATH.
    static func command(_ arguments: [String]) async throws -> CLIRun {
        try await run(arguments, executable: "/usr/bin/env")
    }

    /// Starts the binary without waiting; read its output with `finish()` once it ends.
    /// `extra` is added to the child's environment only: tests running in parallel never share a `setenv`.
    /// Without `executable`, the `parcelwatch` this test run built (``ParcelwatchBinary``): never a stale one.
    /// The child starts in `directory`, without the caller's `PARCELWATCH_*` settings.
    static func start(
        _ arguments: [String], executable: String? = nil, directory: String = PackagePaths.root, environment extra: [String: String] = [:]
    ) throws -> Process {
        let binary = URL(fileURLWithPath: try executable ?? ParcelwatchBinary.path())
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        var environment = ProcessInfo.processInfo.environment
        environment["NO_COLOR"] = "1"
        environment.removeValue(forKey: "PARCELWATCH_DB")
        environment.removeValue(forKey: "PARCELWATCH_NOW")
        environment.removeValue(forKey: "PARCELWATCH_CARRIERS")
        environment.merge(extra) { _, new in new }
        process.environment = environment
        process.standardOutput = Pipe()
        process.standardError = Pipe()
        try process.run()
        return process
    }
}

extension Thread {
    /// A value computed on a thread of its own, waited for with `wait()`.
    final class Pending<Value>: @unchecked Sendable {
        // Written once by the worker before the semaphore is signalled, read after it: no race.
        private var value: Value?
        private let done = DispatchSemaphore(value: 0)

        fileprivate init() {}

        fileprivate func finish(_ result: Value) {
            value = result
            done.signal()
        }

        /// Blocks until the value is there.
        func wait() -> Value {
            done.wait()
            guard let value else { preconditionFailure("signalled without a value") }
            return value
        }
    }

    /// Runs `work` on a new thread.
    static func detachedRead<Value>(_ work: @escaping @Sendable () -> Value) -> Pending<Value> {
        let pending = Pending<Value>()
        Thread { pending.finish(work()) }.start()
        return pending
    }
}

extension Process {
    /// Everything the process writes to standard output, until it closes it.
    func readAll() -> String {
        guard let pipe = standardOutput as? Pipe else { return "" }
        return String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    }

    /// Waits on a thread of its own for the process to end; returns its standard output.
    func finish() async -> String {
        await finishWithErrors().stdout
    }

    /// Waits on a thread of its own for the process to end; returns both its outputs, drained
    /// at once (a child that fills its stderr pipe while we wait on stdout would never end).
    func finishWithErrors() async -> (stdout: String, stderr: String) {
        await offThePool {
            let errors = Thread.detachedRead { self.readErrors() }
            let output = self.readAll()
            let stderr = errors.wait()
            self.waitUntilExit()
            return (output, stderr)
        }
    }

    /// Everything the process writes to standard error, until it closes it.
    func readErrors() -> String {
        guard let pipe = standardError as? Pipe else { return "" }
        return String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    }
}

@Suite struct CLITests {
    @Test func carriersListJSON() async throws {
        let run = try await CLIRun.run(["carriers", "list", "--json"])
        #expect(run.status == 0)
        let rows = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [[String: Any]] ?? []
        #expect(rows.count >= 14)
        #expect(rows.contains { $0["id"] as? String == "poczta-polska" && $0["format"] as? String == "xml" })
    }

    @Test func detectExplainsRejections() async throws {
        let valid = try await CLIRun.run(["detect", "RR123456785PL", "--json"])
        #expect(valid.status == 0)
        #expect(valid.stdout.contains("\"valid\" : true"))
        let invalid = try await CLIRun.run(["detect", "RR123456784PL"])
        #expect(invalid.status == 1)
        #expect(invalid.stdout.contains("s10 check digit expected 5, got 4"))
    }

    @Test func parsePrintsTheExactJSONShape() async throws {
        let page = try renderedFixture("correos", "delivered", ext: "json", number: "CP482915304ES")
        let run = try await CLIRun.run(["parse", "--carrier", "correos", page, "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any] ?? [:]
        #expect(Set(object.keys) == ["carrier", "trackingNumber", "status", "reason", "source", "events"])
        #expect(object["status"] as? String == "delivered" && object["source"] as? String == "public")
        let events = object["events"] as? [[String: Any]] ?? []
        #expect(Set(events.first?.keys ?? [:].keys) == ["time", "status", "reason", "rawStatus", "rawCode", "location", "assumedZone"])
        #expect(events.first?["assumedZone"] as? String == "Europe/Madrid")
    }

    @Test func parseFindsTheSourceFromTheFilesShapeAndNamesIt() async throws {
        // SEUR's official API answers JSON, its public page HTML: the file says which one it is.
        let official = try await CLIRun.run([
            "parse", "--carrier", "seur", "fixtures/seur/official/in-transit.json", "--fixture-time", "2026-11-20T12:00:00Z",
            "--number", "08215690051596", "--json",
        ])
        #expect(official.status == 0, "\(official.stderr)")
        #expect(official.stdout.contains("\"source\" : \"official\""))
        let page = try await CLIRun.run([
            "parse", "--carrier", "seur", "fixtures/seur/public/in-transit.html", "--fixture-time", "2026-11-20T12:00:00Z",
            "--number", "08215690051596", "--json",
        ])
        #expect(page.status == 0, "\(page.stderr)")
        #expect(page.stdout.contains("\"source\" : \"public\""))
        // Named explicitly, a source that cannot read the file says so; an unknown source is a usage error.
        let wrong = try await CLIRun.run(["parse", "--carrier", "seur", "--source", "official", "fixtures/seur/public/in-transit.html"])
        #expect(wrong.status == 3)
        let unknown = try await CLIRun.run(["parse", "--carrier", "seur", "--source", "partner", "fixtures/seur/public/in-transit.html"])
        #expect(unknown.status == 2 && unknown.stderr.contains("its sources: official, public"))
    }

    @Test func malformedPageGivesAClearErrorAndExitCode() async throws {
        let path = NSTemporaryDirectory() + "broken-\(UUID().uuidString).json"
        try Data("{\"not\": \"what correos sends\"}".utf8).write(to: URL(fileURLWithPath: path))
        let run = try await CLIRun.run(["parse", "--carrier", "correos", path])
        #expect(run.status == 3)
        #expect(run.stderr.contains("no longer matches carriers/correos.yaml"))
        let unknown = try await CLIRun.run(["parse", "--carrier", "nope", path])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("no carrier 'nope'"))
    }

    @Test func trackFetchesThroughTheSimulator() async throws {
        let base = try await SharedSimulator.shared.baseURL()
        let run = try await CLIRun.run(["track", "98765432109876", "--carrier", "seur", "--carrier-endpoint", "seur=\(base)", "--json"])
        // Unregistered numbers get SEUR's not-found page: exit 1 with the carrier's words.
        #expect(run.status == 1, "\(run.stderr)")
        #expect(run.stderr.contains("seur does not know tracking number 98765432109876"))
    }

    @Test func trackRejectsAnInvalidNumber() async throws {
        let run = try await CLIRun.run(["track", "RR123456784PL", "--carrier-endpoint", "http://127.0.0.1:1"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("check digit expected 5, got 4"))
    }

    @Test func aBadCarrierEndpointIsReportedAsABadEndpoint() async throws {
        let db = try temporaryDirectory("bad-endpoint") + "/p.sqlite"
        for endpoint in ["not a url", "ftp://x", "seur=ftp://x", "http://", "=http://127.0.0.1:1"] {
            for command in [["track", "RR123456785PL"], ["sweep", "--db", db]] {
                let run = try await CLIRun.run(command + ["--carrier-endpoint", endpoint])
                #expect(run.status == 2, "\(command) \(endpoint): \(run.stderr)")
                #expect(run.stderr.hasPrefix("error: --carrier-endpoint '\(endpoint)' "), "\(command) \(endpoint): \(run.stderr)")
                #expect(run.stderr.contains("[ID=]http(s)://HOST[:PORT]") && !run.stderr.contains("tracking number"), "\(run.stderr)")
            }
        }
        let scheme = try await CLIRun.run(["track", "RR123456785PL", "--carrier-endpoint", "ftp://x"])
        #expect(scheme.stderr.contains("uses ftp://; only http:// and https:// are allowed"), "\(scheme.stderr)")
        // A password in a rejected value is not repeated.
        let secret = try await CLIRun.run(["track", "RR123456785PL", "--carrier-endpoint", "ftp://user:s3cret@x"])
        #expect(secret.status == 2 && secret.stderr.contains("'ftp://x'") && !secret.stderr.contains("s3cret"), "\(secret.stderr)")
    }

    /// A fixture rendered at `fixtureNow` into a temporary file, as a saved page would be.
    private func renderedFixture(_ carrier: String, _ name: String, ext: String, number: String) throws -> String {
        let definition = try CarrierRegistry.load(directory: PackagePaths.carriers, credentials: CarrierCredentials(environment: [:])).carrier(carrier)
        let template = FixtureTemplate(
            bytes: [UInt8](try Data(contentsOf: URL(fileURLWithPath: "\(PackagePaths.fixtures)/\(definition.fixtureFolder)/\(name).\(ext)"))))
        let page = template.render(number: number, now: fixtureNow, pattern: try #require(definition.timePatterns.first), zone: definition.timeZone)
        let path = NSTemporaryDirectory() + "\(carrier)-\(name)-\(UUID().uuidString).\(ext)"
        try Data(page).write(to: URL(fileURLWithPath: path))
        return path
    }
}
