import Foundation
import ParcelCore

/// Where the store is: `--db`, else `PARCELWATCH_DB`, else `./parcelwatch.sqlite`; a
/// `postgres://` location is a shared PostgreSQL database.
public enum StoreLocation {
    /// The location text to open.
    public static func resolve(explicit: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let explicit, !explicit.isEmpty { return explicit }
        if let fromEnvironment = environment["PARCELWATCH_DB"], !fromEnvironment.isEmpty { return fromEnvironment }
        return "parcelwatch.sqlite"
    }

    /// True for a `postgres://` (or `postgresql://`) location.
    public static func isPostgres(_ location: String) -> Bool {
        location.hasPrefix("postgres://") || location.hasPrefix("postgresql://")
    }

    /// The file of a SQLite location (`PATH` or `sqlite:PATH`).
    public static func sqlitePath(_ location: String) -> String {
        location.hasPrefix("sqlite:") ? String(location.dropFirst("sqlite:".count)) : location
    }

    /// Opens the store `location` names: `postgres://…` is a shared PostgreSQL database, a file
    /// path (or `sqlite:PATH`) is SQLite; `access` says whether it may be changed (and migrated).
    public static func open(_ location: String, access: StoreAccess = .readWrite) async throws(StoreError) -> Store {
        if isPostgres(location) { return try await Store.postgres(location, access: access) }
        let path = sqlitePath(location)
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw .cannotOpen(location: path, detail: "the directory \(directory) does not exist")
            }
        }
        return try await Store.sqlite(path: path, access: access)
    }
}
