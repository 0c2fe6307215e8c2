import Foundation
import ParcelCore
import ParcelOps
import ParcelStore
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A SQLite store the user may only read (a backup, another user's file): the commands that
/// only read still work on it, the ones that write say why they cannot.
///
/// The store is written by a normal session that then closes (SQLite folds the WAL into the file
/// and deletes `-wal` and `-shm`), then made read-only with `chmod 0444`, its directory either
/// writable or read-only too (`0555`), so SQLite can or cannot create the `-shm` file a WAL
/// database needs. Root ignores file modes, so when the tests run as root the commands run as
/// `nobody` (`setpriv`): the operating system then refuses every write, and a command passes only
/// if it truly opens the file read-only.
@Suite struct ReadOnlyStoreTests {
    /// Whether the directory holding the store is writable by the reader too.
    enum Directory: String, CaseIterable, Sendable {
        case writable, readOnly
    }

    static let isRoot = getuid() == 0
    static let setpriv = "/usr/bin/setpriv"
    static let canDropPrivileges = !isRoot || FileManager.default.isExecutableFile(atPath: setpriv)

    /// The built binary with `arguments`, as a user file modes apply to.
    static func runAsReader(_ arguments: [String]) async throws -> CLIRun {
        guard isRoot else { return try await CLIRun.run(arguments) }
        return try await CLIRun.run(["--reuid=65534", "--regid=65534", "--clear-groups", try ParcelwatchBinary.path()] + arguments, executable: setpriv)
    }

    @Test(.enabled(if: canDropPrivileges, "running as root without setpriv, chmod would not stop writes"), arguments: Directory.allCases)
    func readCommandsWorkOnAStoreTheUserMayOnlyRead(directory mode: Directory) async throws {
        let (db, config) = try await ReportCLITests.shop()
        let folder = (db as NSString).deletingLastPathComponent
        let files = FileManager.default
        #expect(!files.fileExists(atPath: db + "-wal") && !files.fileExists(atPath: db + "-shm"), "the writing session did not close cleanly")
        let csv = try temporaryDirectory("read-only-import") + "/orders.csv"
        try Data(
            """
            order_id,customer_name,email,phone,language,postcode,value,currency,promised_date,paid_at,carrier,tracking_number
            R-9,Eve,eve@example.com,,en,SW1A 1AA,10,GBP,,,seur,12345678901234
            """.utf8
        ).write(to: URL(fileURLWithPath: csv))
        try files.setAttributes([.posixPermissions: 0o444], ofItemAtPath: db)
        try files.setAttributes([.posixPermissions: mode == .writable ? 0o777 : 0o555], ofItemAtPath: folder)
        defer { try? files.setAttributes([.posixPermissions: 0o755], ofItemAtPath: folder) }
        let before = try Data(contentsOf: URL(fileURLWithPath: db))
        let now = ["--db", db, "--config", config, "--now", "2026-11-20T12:00:00Z"]

        let shipments = try await Self.runAsReader(["shipments", "--json"] + now)
        #expect(shipments.status == 0, "\(shipments.stderr)")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(shipments.stdout.utf8)) as? [[String: Any]], "\(shipments.stdout)")
        #expect(rows.compactMap { $0["trackingNumber"] as? String }.sorted() == ["R1", "R2", "R3"])
        #expect(Set(rows.compactMap { $0["status"] as? String }) == ["delivered", "exception"])

        let report = try await Self.runAsReader(["report", "--json"] + now)
        #expect(report.status == 0, "\(report.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(report.stdout.utf8)) as? [String: Any], "\(report.stdout)")
        #expect((object["carriers"] as? [[String: Any]])?.map { $0["carrier"] as? String } == ["inpost", "seur"])

        // A command that writes cannot, and says why, with the database's exit code.
        let imported = try await Self.runAsReader(["import", csv] + now)
        #expect(imported.status == 4, "\(imported.stdout)\(imported.stderr)")
        #expect(imported.stderr.contains(db) && imported.stderr.contains("read-only for this user"), "\(imported.stderr)")

        #expect(try Data(contentsOf: URL(fileURLWithPath: db)) == before, "a command changed the read-only file")
        if mode == .readOnly {
            #expect(!files.fileExists(atPath: db + "-shm") && !files.fileExists(atPath: db + "-wal"))
        }
    }

    @Test func aReadCommandNeverCreatesAStore() async throws {
        let db = try temporaryDirectory("read-only-missing") + "/p.sqlite"
        let run = try await CLIRun.run(["shipments", "--db", db])
        #expect(run.status == 4 && run.stderr.contains("does not exist"), "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: db))
    }
}
