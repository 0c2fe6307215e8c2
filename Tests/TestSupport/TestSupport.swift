import CarrierSim
import Foundation
import ParcelCore
import ParcelOps
import ParcelStore

/// Where the package's own files are, found from this source file so tests run from any directory.
public enum PackagePaths {
    /// The package root.
    public static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// `fixtures/`.
    public static var fixtures: String { root + "/fixtures" }
    /// `carriers/`.
    public static var carriers: String { root + "/carriers" }

    /// The interpreter for the helper scripts in `Tests/Support/` (`*.py`): Debian's, the one the
    /// `python3-aiosmtpd` and `python3-selenium` packages `make test` installs are for. A `python3`
    /// earlier on the PATH (pyenv, a virtualenv) may lack them.
    public static let python = "/usr/bin/python3"
}

/// The instant fixture tests render templates at (see carriers/README.md).
public let fixtureNow = Date(timeIntervalSince1970: 1_795_176_000)  // 2026-11-20T12:00:00Z

/// One carrier simulator per test process, started on first use on a free loopback port.
public actor SharedSimulator {
    public static let shared = SharedSimulator()
    private var starting: Task<RunningSimulator, any Error>?

    /// The running simulator (started with all carriers and fixtures, clock at `fixtureNow`).
    /// Concurrent callers share one start: a second server would be cancelled mid-accept.
    public func simulator() async throws -> RunningSimulator {
        if let starting { return try await starting.value }
        let task = Task {
            try await RunningSimulator.start(
                SimulatorOptions(
                    port: 0, fixturesDirectory: PackagePaths.fixtures, carriersDirectory: PackagePaths.carriers, start: fixtureNow))
        }
        starting = task
        return try await task.value
    }

    /// `http://127.0.0.1:<port>` of the shared simulator.
    public func baseURL() async throws -> String {
        try await simulator().baseURL
    }
}
