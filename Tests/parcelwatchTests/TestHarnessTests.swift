import Foundation
import ParcelCore
import ParcelOps
import ParcelStore
import TestSupport
import Testing

/// The test harness itself: the binary the CLI tests run, the environment they give it, and how
/// they read a child's output. A harness that lies makes every other test worthless.
@Suite struct TestHarnessTests {
    // MARK: The binary

    @Test func theCLITestsRunTheBinaryThisTestRunBuilt() throws {
        let products = try ParcelwatchBinary.productsDirectory()
        let executable = try #require(Bundle.main.executableURL ?? CommandLine.arguments.first.map { URL(fileURLWithPath: $0) })
        #expect(executable.resolvingSymlinksInPath().deletingLastPathComponent().path == products)
        #expect(try ParcelwatchBinary.path() == products + "/parcelwatch")
        #expect(FileManager.default.isExecutableFile(atPath: products + "/parcelwatch"))
    }

    @Test func aMissingOrStaleBinaryStopsTheTestsWithAMessage() throws {
        let root = try temporaryDirectory("stale-binary")
        let files = FileManager.default
        for folder in ["ParcelKit/Model", "CarrierSim", "parcelwatch"] {
            try files.createDirectory(atPath: "\(root)/Sources/\(folder)", withIntermediateDirectories: true)
        }
        func write(_ path: String, age seconds: TimeInterval) throws {
            try Data("x".utf8).write(to: URL(fileURLWithPath: root + "/" + path))
            try files.setAttributes([.modificationDate: Date().addingTimeInterval(-seconds), .posixPermissions: 0o755], ofItemAtPath: root + "/" + path)
        }
        let binary = root + "/parcelwatch"
        try write("Sources/parcelwatch/Main.swift", age: 600)
        #expect(throws: ParcelwatchBinary.Problem.self) { try ParcelwatchBinary.check(binary: binary, sources: root + "/Sources") }
        do {
            _ = try ParcelwatchBinary.check(binary: binary, sources: root + "/Sources")
        } catch {
            #expect(error.description.hasPrefix("no parcelwatch binary at \(binary)") && error.description.contains("swift build --build-tests"), "\(error)")
        }

        try write("parcelwatch", age: 300)
        #expect(try ParcelwatchBinary.check(binary: binary, sources: root + "/Sources") == binary)
        // The simulator is not linked into parcelwatch: its changes do not make the binary stale.
        try write("Sources/CarrierSim/Sim.swift", age: 0)
        #expect(try ParcelwatchBinary.check(binary: binary, sources: root + "/Sources") == binary)
        // A change to ParcelKit does.
        try write("Sources/ParcelKit/Model/Order.swift", age: 0)
        do {
            _ = try ParcelwatchBinary.check(binary: binary, sources: root + "/Sources")
            Issue.record("a binary older than a source it is built from was accepted")
        } catch {
            #expect(error.description.contains("is older than \(root)/Sources/ParcelKit/Model/Order.swift") && error.description.contains("stale"), "\(error)")
        }
    }

    // MARK: The environment

    @Test func webhookConfigLeavesTheProcessEnvironmentAlone() throws {
        let name = "HARNESS_SECRET_\(UUID().uuidString.prefix(8))"
        let (path, environment) = try TestFiles.webhookConfig(url: "http://127.0.0.1:1/hook", secretEnv: name, in: try temporaryDirectory("harness-env"))
        #expect(environment == [name: "sim-webhook-secret"])
        #expect(try String(contentsOfFile: path, encoding: .utf8).contains("secret_env: \(name)"))
        #expect(ProcessInfo.processInfo.environment[name] == nil && getenv(name) == nil, "the test process's environment was changed")
    }

    /// Tests run in parallel in one process: one that sets a variable changes it for all of them.
    /// Each passes what a child needs explicitly (`CLIRun.run(…, environment:)`,
    /// `CarrierFetcher(…, environment:)`, `NoticeDeliverer(…, environment:)`).
    @Test func noTestChangesTheProcessEnvironment() throws {
        let calls = ["set", "unset", "put", "clear"].map { $0 + "env(" }
        let tests = PackagePaths.root + "/Tests"
        let walker = try #require(FileManager.default.enumerator(atPath: tests))
        var found: [String] = []
        while let relative = walker.nextObject() as? String {
            guard relative.hasSuffix(".swift") else { continue }
            let text = try String(contentsOfFile: tests + "/" + relative, encoding: .utf8)
            for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                if calls.contains(where: { line.contains($0) }) {
                    found.append("Tests/\(relative):\(number + 1): \(line.trimmingCharacters(in: .whitespaces))")
                }
            }
        }
        #expect(found.isEmpty, "\(found)")
    }

    // MARK: Reading a child's output

    /// A child that writes more to stderr than a pipe holds, then to stdout: reading stdout
    /// alone would wait for ever on a child that waits for us to read its stderr.
    @Test func finishDrainsStderrWhileReadingStdout() async throws {
        // 1,024,000 bytes to stderr, then a line to stdout, with shell builtins only: no grandchild
        // may hold the pipes open once the shell is killed, so a failure here ends instead of hanging.
        let script =
            "s=e; i=0; while [ $i -lt 10 ]; do s=$s$s; i=$((i+1)); done; "
            + "i=0; while [ $i -lt 1000 ]; do printf %s \"$s\" >&2; i=$((i+1)); done; echo done"
        let process = try CLIRun.start(["-c", script], executable: "/bin/sh")
        let reading = Task { await process.finish() }
        // A deadlock never ends; a slow machine only takes longer, so the bound is generous.
        let deadline = ContinuousClock.now + .seconds(120)
        while process.isRunning, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
        let blocked = process.isRunning
        if blocked { kill(process.processIdentifier, SIGKILL) }
        let output = await reading.value
        #expect(!blocked, "the child blocked on a full stderr pipe nobody read")
        #expect(output == "done\n")

        let again = try CLIRun.start(["-c", script], executable: "/bin/sh")
        let both = await again.finishWithErrors()
        #expect(both.stdout == "done\n" && both.stderr.utf8.count == 1_024_000 && both.stderr.allSatisfy { $0 == "e" })
    }
}
