import ArgumentParser
import Foundation
import ParcelKit

/// `--db`, `--now`, `--config`: shared by every command that uses the store.
struct StoreOptions: ParsableArguments {
    @Option(help: "The database: a SQLite file (default: $PARCELWATCH_DB, else ./parcelwatch.sqlite).")
    var db: String?

    @Option(help: "Fix the clock at this ISO-8601 time (default: $PARCELWATCH_NOW, else the real time).")
    var now: String?

    @Option(help: "The shop's config file (default: $PARCELWATCH_CONFIG, else ./parcelwatch.yaml, else embedded defaults).")
    var config: String?

    /// Opens the store or fails with exit code 4 and the reason.
    func openStore() throws -> any Store {
        do {
            return try StoreLocation.open(StoreLocation.resolve(explicit: db))
        } catch {
            throw fail(.store(error))
        }
    }

    /// Where notices go when the config names no channel: `outbox/` beside the database.
    var defaultOutbox: String {
        let path = StoreLocation.sqlitePath(StoreLocation.resolve(explicit: db))
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
