import Foundation

/// Where the store is: `--db`, else `PARCELWATCH_DB`, else `./parcelwatch.sqlite`.
public enum StoreLocation {
    /// The location text to open.
    public static func resolve(explicit: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let explicit, !explicit.isEmpty { return explicit }
        if let fromEnvironment = environment["PARCELWATCH_DB"], !fromEnvironment.isEmpty { return fromEnvironment }
        return "parcelwatch.sqlite"
    }

    /// The file of a SQLite location (`PATH` or `sqlite:PATH`).
    public static func sqlitePath(_ location: String) -> String {
        location.hasPrefix("sqlite:") ? String(location.dropFirst("sqlite:".count)) : location
    }

    /// Opens the store `location` names: a file path (or `sqlite:PATH`) is SQLite.
    public static func open(_ location: String) throws(StoreError) -> any Store {
        if location.hasPrefix("postgres://") || location.hasPrefix("postgresql://") { throw .unsupported("postgres://…") }
        let path = sqlitePath(location)
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw .cannotOpen(location: path, detail: "the directory \(directory) does not exist")
            }
        }
        return try SQLiteStore(path: path)
    }
}
