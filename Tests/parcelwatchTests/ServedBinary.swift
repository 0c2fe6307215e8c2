import Foundation
import ParcelCore
import ParcelOps
import ParcelStore
import TestSupport

/// `parcelwatch serve` started under `sh -c 'ulimit -n LIMIT; exec parcelwatch serve …'` on a
/// fresh SQLite database, its standard error in a file (an attack must never block it on a full pipe).
struct ServedBinary {
    /// The process.
    let process: Process
    /// Its port on 127.0.0.1.
    let port: UInt16
    /// The file its standard error goes to.
    let errorFile: String

    /// Starts it and returns once it prints its banner.
    static func start(descriptorLimit: String, flags: [String]) async throws -> ServedBinary {
        let directory = try temporaryDirectory("conn-attack")
        let db = directory + "/p.sqlite"
        _ = try await Store.sqlite(path: db)
        let errors = directory + "/serve.stderr"
        // sh -c SCRIPT BINARY DB ERRORS FLAGS…: the limit applies to the shell, then to serve, which it becomes.
        let script =
            "ulimit -n \(descriptorLimit) || exit 9; binary=\"$0\"; db=\"$1\"; errors=\"$2\"; shift 2; "
            + "exec \"$binary\" serve --listen 127.0.0.1:0 --db \"$db\" \"$@\" 2>\"$errors\""
        let process = try CLIRun.start(["-c", script, try ParcelwatchBinary.path(), db, errors] + flags, executable: "/bin/sh")
        let banner = await CustomerServerCLITests.firstLine(of: process)
        guard let url = banner.split(separator: " ").first(where: { $0.hasPrefix("http://") }),
            let port = url.split(separator: ":").last.flatMap({ UInt16($0) })
        else {
            process.terminate()
            let stderr = (try? String(contentsOfFile: errors, encoding: .utf8)) ?? ""
            throw ServeFailed(description: "serve printed '\(banner)', stderr: \(stderr)")
        }
        return ServedBinary(process: process, port: port, errorFile: errors)
    }

    /// Whether the server is still running.
    var isAlive: Bool { process.isRunning }

    /// What it wrote to standard error so far.
    func errors() -> String { (try? String(contentsOfFile: errorFile, encoding: .utf8)) ?? "" }

    /// Stops it (SIGTERM).
    func stop() { if process.isRunning { process.terminate() } }

    /// Why the server could not be started.
    struct ServeFailed: Error, CustomStringConvertible {
        var description: String
    }
}
