import ArgumentParser
import Foundation
import ParcelCore
import ParcelOps
import ParcelStore

/// `--db`, `--now`, `--config`: shared by every command that uses the store.
struct StoreOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "The database: a SQLite file, or postgres://USER@HOST:PORT/DB shared by workers on several machines (default: $PARCELWATCH_DB, else ./parcelwatch.sqlite).",
            discussion: "A PostgreSQL password goes in PGPASSWORD rather than the URL, so it stays out of process lists."))
    var db: String?

    @Option(help: "Fix the clock at this ISO-8601 time (default: $PARCELWATCH_NOW, else the real time).")
    var now: String?

    @Option(help: "The shop's config file (default: $PARCELWATCH_CONFIG, else ./parcelwatch.yaml, else embedded defaults).")
    var config: String?

    /// Opens the store or fails with exit code 4 and the reason. A command that only reads passes
    /// ``StoreAccess/readOnly``: it then works on a file the user may only read, never migrates
    /// it, and any write it attempts is refused with an error saying so.
    func openStore(_ access: StoreAccess) async throws -> Store {
        do {
            return try await StoreLocation.open(StoreLocation.resolve(explicit: db), access: access)
        } catch {
            throw fail(.store(error))
        }
    }

    /// Where notices go when the config names no channel: `outbox/` beside a SQLite database, in
    /// the working directory with PostgreSQL.
    var defaultOutbox: String {
        let location = StoreLocation.resolve(explicit: db)
        guard !StoreLocation.isPostgres(location) else { return "outbox" }
        let path = StoreLocation.sqlitePath(location)
        let directory = (path as NSString).deletingLastPathComponent
        return directory.isEmpty ? "outbox" : (directory as NSString).appendingPathComponent("outbox")
    }

    /// The clock.
    func clock() throws -> ParcelClock {
        do { return try ParcelClock.resolve(explicit: now) } catch { throw fail(.config(error)) }
    }

    /// The shop's settings.
    func shopConfig() throws -> ShopConfig {
        do { return try ShopConfig.load(explicit: config) } catch { throw fail(.config(error)) }
    }

    /// Who is acting, for the audit log: `$PARCELWATCH_ACTOR`, else the OS user.
    var actor: String {
        let environment = ProcessInfo.processInfo.environment
        return environment["PARCELWATCH_ACTOR"] ?? environment["USER"] ?? environment["LOGNAME"] ?? "cli"
    }
}
